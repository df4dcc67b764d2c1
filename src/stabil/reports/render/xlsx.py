"""A report as an Excel workbook, so that a supplier can check every number: a summary sheet
with every figure, and a sheet per KPI with the rows behind it (its evidence).

Cells hold real numbers, booleans and dates, never text that looks like them. Excel has no
time zones: times are written as the local wall-clock time of the declaration's zone, which
the first rows of every sheet say. The rows of a KPI's sheet add up to its figure: the
reaction sheet has `reaction.total` rows, `reaction.met` of them met.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from stabil.reports.model import Report
from stabil.reports.render.figures import figures
from stabil.reports.render.local import evidence_of
from stabil.reports.render.names import gettext
from stabil.texts import N_

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

DATE_TIME = {"da": "dd-mm-yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
DATE = {"da": "dd-mm-yyyy", "en": "yyyy-mm-dd"}
HEADING_COLOUR, HEADING_FILL = "FFFFFF", "0059B3"
MAX_WIDTH = 60


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    heading: str  # a message id


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str  # a message id, at most 31 characters in every language
    evidence: str  # the key of `Report.evidence`
    columns: Sequence[Column]


_TIMER_COLUMNS = (
    Column("incident", N_("Incident")),
    Column("title", N_("Title")),
    Column("priority", N_("Priority")),
    Column("timer", N_("Kind of timer")),
    Column("started_at", N_("Started")),
    Column("due_at", N_("Due")),
    Column("stopped_at", N_("Stopped")),
    Column("decided_at", N_("Decided")),
    Column("met", N_("Met")),
    Column("elapsed_minutes", N_("Service time used (minutes)")),
    Column("target_minutes", N_("Target (minutes)")),
    Column("over_by_minutes", N_("Missed by (minutes)")),
    Column("state", N_("State")),
)
SHEETS = (
    Sheet(N_("Reaction"), "reaction", _TIMER_COLUMNS),
    Sheet(N_("Resolution"), "resolution", _TIMER_COLUMNS),
    Sheet(
        N_("Start time"),
        "start_time",
        (Column("incident", N_("Incident")), Column("minutes", N_("Start time (minutes)"))),
    ),
    Sheet(N_("Other timers"), "timers", _TIMER_COLUMNS),
    Sheet(
        N_("Availability"),
        "availability",
        (
            Column("start", N_("From")),
            Column("end", N_("To")),
            Column("state", N_("State")),
            Column("part", N_("Part")),
            Column("source", N_("Source")),
            Column("counts", N_("Counts")),
            Column("excused", N_("Excused")),
            Column("seconds", N_("Seconds")),
        ),
    ),
    Sheet(
        N_("Excused"),
        "excused",
        (
            Column("id", N_("Window")),
            Column("title", N_("Title")),
            Column("start", N_("From")),
            Column("end", N_("To")),
        ),
    ),
    Sheet(
        N_("Orientation"),
        "orientation",
        (
            Column("incident", N_("Incident")),
            Column("kind", N_("Message")),
            Column("due_at", N_("Due")),
            Column("sent_at", N_("Sent")),
            Column("on_time", N_("On time")),
        ),
    ),
    Sheet(
        N_("Service windows"),
        "windows",
        (
            Column("id", N_("Window")),
            Column("title", N_("Title")),
            Column("kind", N_("Kind")),
            Column("start", N_("From")),
            Column("end", N_("To")),
            Column("state", N_("State")),
            Column("compliant", N_("Compliant")),
            Column("problems", N_("Problems")),
        ),
    ),
    Sheet(
        N_("Escalations"),
        "escalations",
        (
            Column("incident", N_("Incident")),
            Column("rule", N_("Rule")),
            Column("kind", N_("Kind")),
            Column("stage", N_("Level")),
            Column("timer", N_("Kind of timer")),
            Column("reached_at", N_("Reached")),
            Column("sent_at", N_("Sent")),
        ),
    ),
    Sheet(
        N_("Backlog"),
        "backlog",
        (
            Column("incident", N_("Incident")),
            Column("title", N_("Title")),
            Column("priority", N_("Priority")),
            Column("state", N_("State")),
            Column("detected_at", N_("Detected")),
            Column("age_days", N_("Age (days)")),
        ),
    ),
)


def report_xlsx(report: Report, language: str) -> bytes:
    # openpyxl takes up to a second to import: only a workbook pays it, not every command and
    # app start (tests/layering lists the libraries imported late).
    from openpyxl import Workbook

    text = gettext(language)
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook has its one sheet
    writer = _Writer(report, language)
    _summary(summary, report, writer)
    evidence = evidence_of(report)
    for sheet in SHEETS:
        rows = evidence.get(sheet.evidence, [])
        columns = columns_of(sheet, rows)
        writer.table(
            book.create_sheet(text(sheet.title)),
            [text(column.heading) for column in columns],
            [[row.get(column.key) for column in columns] for row in rows],
        )
    _majors(book.create_sheet(text(N_("Major incidents"))), report, writer)
    _releases(book.create_sheet(text(N_("Releases"))), report, writer)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def columns_of(sheet: Sheet, rows: Sequence[dict[str, Any]]) -> list[Column]:
    """The sheet's columns that its rows have (all of them for no rows), then any field the
    rows have beyond them, named by its key: no evidence is left out of the workbook."""
    present: dict[str, None] = {}
    for row in rows:
        present.update(dict.fromkeys(row))
    known = [column for column in sheet.columns if not rows or column.key in present]
    named = {column.key for column in sheet.columns}
    return known + [Column(key, key) for key in present if key not in named]


class _Writer:
    """Writes tables under the sheet's note on local time, each cell as its own type."""

    def __init__(self, report: Report, language: str) -> None:
        self.zone = ZoneInfo(report.zone)
        self.language = language
        self.text: Callable[[str], str] = gettext(language)
        self.note = self.text(N_("Times are local time in %(zone)s: Excel keeps no time zone.")) % {
            "zone": report.zone
        }
        self.title = f"{report.service_name} · {report.period}"

    def table(
        self, sheet: Worksheet, headings: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        sheet.append([self.title])
        sheet.append([self.note])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(list(headings))
        heading, fill = (
            Font(bold=True, color=HEADING_COLOUR),
            PatternFill("solid", fgColor=HEADING_FILL),
        )
        for cell in sheet[3]:
            cell.font, cell.fill = heading, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append([self.value(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                self.format(cell, value)
        sheet.freeze_panes = "A4"  # the heading row stays in view
        _widths(sheet, headings, rows)

    def value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(self.zone).replace(tzinfo=None)
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        if isinstance(value, dict):
            return ", ".join(f"{key}: {item}" for key, item in value.items())
        return value

    def format(self, cell: Any, value: Any) -> None:
        if isinstance(value, dt.datetime):
            cell.number_format = DATE_TIME[self.language]
        elif isinstance(value, dt.date):
            cell.number_format = DATE[self.language]
        elif isinstance(value, float):
            cell.number_format = "0.00"


def _summary(sheet: Worksheet, report: Report, writer: _Writer) -> None:
    text = writer.text
    sheet.title = text(N_("Overview"))
    headings = [text(N_("Section")), text(N_("Figure")), text(N_("Value")), text(N_("Goal")),
                text(N_("Goal met"))]  # fmt: skip
    rows = [
        [figure.section, figure.key, figure.value, figure.goal, figure.goal_met]
        for figure in figures(report)
    ]
    writer.table(sheet, headings, rows)


def _majors(sheet: Worksheet, report: Report, writer: _Writer) -> None:
    text = writer.text
    headings = [text(N_("Incident")), text(N_("Title")), text(N_("Priority")),
                text(N_("Detected")), text(N_("Resolved")), text(N_("Review report")),
                text(N_("Due")), text(N_("Submitted")), text(N_("On time"))]  # fmt: skip
    rows = [
        [
            major.incident,
            major.title,
            major.priority,
            major.detected_at,
            major.resolved_at,
            major.review.state,
            major.review.due_at,
            major.review.submitted_at,
            major.review.on_time,
        ]
        for major in report.majors
    ]
    writer.table(sheet, headings, rows)


def _releases(sheet: Worksheet, report: Report, writer: _Writer) -> None:
    text = writer.text
    headings = [text(N_("Version")), text(N_("State")), text(N_("Planned")),
                text(N_("Released")), text(N_("Interface change")), text(N_("Announced")),
                text(N_("Notice (months)")), text(N_("Earliest date")), text(N_("Notice kept")),
                text(N_("Reason for shorter notice"))]  # fmt: skip
    rows = [
        [
            item.version,
            item.state,
            item.planned_date,
            item.released_at,
            item.interface_change,
            item.announced_at,
            item.notice_months,
            item.earliest_date,
            item.notice_met,
            item.shorter_notice_reason,
        ]
        for item in report.releases
    ]
    writer.table(sheet, headings, rows)


def _widths(sheet: Worksheet, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    for index, heading in enumerate(headings, start=1):
        longest = max([len(heading), *(_width(row[index - 1]) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, longest + 2)


def _width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    return len(str(value)) if value is not None else 0
