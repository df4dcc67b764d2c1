"""The formats a report is written in, their media types and file names, and the one
dispatch the command line and the API call: `render(report, Format.pdf, "da")`."""

from __future__ import annotations

import json
from enum import StrEnum

from stabil.errors import Invalid
from stabil.printing import pdf_of
from stabil.reports.model import Report
from stabil.reports.render.csv import report_csv
from stabil.reports.render.html import report_html
from stabil.reports.render.xlsx import report_xlsx


class Format(StrEnum):
    json = "json"
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"
    csv = "csv"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return f".{self.value}"


MEDIA_TYPES = {
    Format.json: "application/json",
    Format.html: "text/html; charset=utf-8",
    Format.pdf: "application/pdf",
    Format.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.csv: "text/csv; charset=utf-8",
}


def parse_format(text: str) -> Format:
    """`pdf` (any case) as the format; an Invalid naming the formats otherwise."""
    try:
        return Format(text.strip().lower())
    except ValueError:
        raise Invalid(
            "format",
            "{format!r} is not a report format (write json, html, pdf, xlsx or csv)",
            format=text,
        ) from None


def format_of_media_type(accept: str) -> Format | None:
    """The first format an `Accept` header asks for, in its order (weights are not ranked:
    tools that ask for a report ask for one type); None when it names none of them."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        for item, known in MEDIA_TYPES.items():
            if media == known.split(";")[0]:
                return item
    return None


def file_name(report: Report, form: Format) -> str:
    """`borger-dk-2026-11.pdf`, `borger-dk-2026-W46.xlsx`."""
    return f"{report.service}-{report.period}{form.extension}"


def render(report: Report, form: Format, language: str, *, link_base: str = "") -> bytes:
    """The report in `form`; `language` (da, en) for the formats people read, `link_base` to
    make the incident links of the HTML and PDF absolute."""
    if form is Format.json:
        return json.dumps(report.contract(), ensure_ascii=False, indent=2).encode()
    if form is Format.html:
        return report_html(report, language, link_base=link_base).encode()
    if form is Format.pdf:
        printed = report_html(report, language, link_base=link_base, printed=True)
        return pdf_of(printed, language=language)
    if form is Format.xlsx:
        return report_xlsx(report, language)
    return report_csv(report).encode()
