"""`stabil report monthly|weekly|year`: the compliance reports, in any of their formats.

The JSON is the API's, byte for byte in content; HTML, PDF, XLSX and CSV are what the desk's
pages offer for download. Binary formats go to `--output` (or to a pipe), never to a terminal.
A refusal is one line on standard error, exit status 2.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from stabil.cli.common import fail, out
from stabil.cli.status import ServiceOption, status_unit
from stabil.db.types import now_utc
from stabil.reports.compute import report
from stabil.reports.model import TrendPoint
from stabil.reports.period import Kind
from stabil.reports.render.formats import Format, file_name, render
from stabil.reports.service import figures_asked, period_asked, report_asked

app = typer.Typer(
    help="Compliance reports: every KPI of the declaration for a month or an ISO week.",
    no_args_is_help=True,
)

FormatOption = Annotated[Format, typer.Option("--format", help="json, html, pdf, xlsx or csv.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", help="Write to this file; default: standard output."),
]
LanguageOption = Annotated[
    str, typer.Option("--lang", help="da or en, for the formats people read.")
]
LinkOption = Annotated[
    str,
    typer.Option("--link-base", help="The app's address, to make incident links absolute."),
]
LANGUAGES = ("da", "en")
BINARY = (Format.pdf, Format.xlsx)


@app.command("monthly")
def monthly(
    service: ServiceOption,
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM; default: last month.")
    ] = None,
    form: FormatOption = Format.json,
    output: OutputOption = None,
    language: LanguageOption = "da",
    link_base: LinkOption = "",
) -> None:
    """The report of a local calendar month, with 12-month trends."""
    _write(service, Kind.month, month, form, output, language, link_base)


@app.command("weekly")
def weekly(
    service: ServiceOption,
    week: Annotated[
        str | None, typer.Option("--week", help="YYYY-Www (ISO); default: last week.")
    ] = None,
    form: FormatOption = Format.json,
    output: OutputOption = None,
    language: LanguageOption = "da",
    link_base: LinkOption = "",
) -> None:
    """The report of an ISO week: its incidents, breaches and messages."""
    _write(service, Kind.week, week, form, output, language, link_base)


@app.command("year")
def year(
    service: ServiceOption,
    number: Annotated[int, typer.Option("--year", help="The year, e.g. 2026.", min=1970, max=9998)],
    directory: Annotated[
        Path, typer.Option("--output-dir", help="Where the files go (made if missing).")
    ],
    form: FormatOption = Format.pdf,
    language: LanguageOption = "da",
    link_base: LinkOption = "",
) -> None:
    """Every monthly report of a year into a directory, one file per month."""
    _check_language(language)
    directory.mkdir(parents=True, exist_ok=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with status_unit() as session, Progress(*columns, transient=True) as bar:
        now = now_utc()
        task = bar.add_task(f"{service} {number}", total=12)
        for month in range(1, 13):
            period = period_asked(session, service, Kind.month, f"{number}-{month:02d}", now)
            made = report(session, service, period, now)
            target = directory / file_name(made, form)
            target.write_bytes(render(made, form, language, link_base=link_base))
            bar.advance(task)
    out.print(f"wrote 12 monthly reports of {service} {number} to {directory}", markup=False)


@app.command("figures")
def figures(
    service: ServiceOption,
    first: Annotated[str, typer.Option("--from", help="The first month, YYYY-MM.")],
    last: Annotated[str, typer.Option("--to", help="The last month, YYYY-MM.")],
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV instead of a table.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The headline figures of every month in a range: shares met, start time, uptime."""
    if as_csv and as_json:
        fail("give --csv or --json, not both")
    with status_unit() as session:
        points = figures_asked(session, service, first, last, now_utc())
    rows = [_figure_row(point) for point in points]
    if as_json:
        typer.echo(json.dumps([point.model_dump(mode="json") for point in points], indent=2))
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if as_csv:
        writer = csv.DictWriter(sys.stdout, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*("–" if row.get(key) is None else str(row[key]) for key in columns))
    out.print(table)


def _figure_row(point: TrendPoint) -> dict[str, object]:
    """One month's figures flat, with keys a spreadsheet's columns can carry."""
    row: dict[str, object] = {"month": point.period, "reaction_percent": point.reaction_percent}
    for level, value in point.resolution_percent.items():
        row[f"resolution_{level}_percent"] = value
    for period, value in point.availability_percent.items():
        row[f"uptime_{period}_percent"] = value
    row["start_time_minutes"] = point.start_time_minutes
    return row


def _write(
    service: str,
    kind: Kind,
    text: str | None,
    form: Format,
    output: Path | None,
    language: str,
    link_base: str,
) -> None:
    _check_language(language)
    if output is None and form in BINARY and sys.stdout.isatty():
        fail(f"a {form.value} report is not for a terminal: give --output FILE, or pipe it")
    with status_unit() as session:
        made = report_asked(session, service, kind, text, now_utc())
    body = render(made, form, language, link_base=link_base)
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(body)
    out.print(f"wrote {file_name(made, form)} ({len(body):,} bytes) to {output}", markup=False)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        fail(f"--lang {language!r} is not a language of the reports (give da or en)")
