"""`stabil window`: check proposed service windows against a declaration's rules (R13).

`check` prints `ok`, or one line per broken rule (`RULE: message`), and exits 0 when the
window is compliant, 1 when it is not, 2 on bad input. `batch` answers JSON lines in order.
Times as in `stabil clock`: ISO 8601; without an offset, local time of the declaration's zone.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from stabil.catalog.service import declaration_of, version_named
from stabil.cli.clock import DeclarationFile
from stabil.cli.common import (
    OneLineErrors,
    OneLineGroupErrors,
    declaration_or_fail,
    fail,
    identifier,
    out,
)
from stabil.cli.status import ServiceOption, status_unit
from stabil.clock import ClockError
from stabil.clock.parsing import parse_instant
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.windows.rules import Proposal, check
from stabil.windows.service import WindowFilter, list_windows, quota_of

NOT_COMPLIANT = 1
BATCH_FAILED = 1
_TIME = "ISO 8601; without an offset, local time of the declaration's time zone."

app = typer.Typer(
    help="Service windows: check planned maintenance against the declaration's rules.",
    no_args_is_help=True,
    cls=OneLineGroupErrors,
)


@app.command(cls=OneLineErrors, name="check")
def check_window(
    declaration: DeclarationFile,
    kind: Annotated[str, typer.Option("--kind", help="A window kind, e.g. short.")],
    start: Annotated[str, typer.Option("--start", help=f"Start. {_TIME}", show_default=False)],
    end: Annotated[str, typer.Option("--end", help=f"End. {_TIME}", show_default=False)],
    announced: Annotated[
        str | None,
        typer.Option("--announced", help=f"When it was announced; default: now. {_TIME}"),
    ] = None,
    used: Annotated[
        int,
        typer.Option("--used", min=0, help="Windows of the kind already in the start's year."),
    ] = 0,
) -> None:
    """Print `ok`, or each broken rule as `RULE: message`; exit 1 when any is broken."""
    parsed = declaration_or_fail(declaration)
    try:
        proposal = _proposal(parsed, kind, start, end, announced)
    except ClockError as error:
        fail(str(error))
    violations = check(parsed, proposal, used=used, now=dt.datetime.now(dt.UTC))
    if not violations:
        out.print("ok")
        return
    for violation in violations:
        out.print(f"{violation.rule.value}: {violation.message['en']}", markup=False)
    raise typer.Exit(NOT_COMPLIANT)


@app.command(cls=OneLineErrors)
def batch(declaration: DeclarationFile) -> None:
    """Check JSON lines from standard input, one JSON line out per line in, in order.

    {"kind":K,"start":T,"end":T} with optional "announced":T and "used":N gives
    {"violations":["notice","quota"]} (rule codes sorted; [] when compliant). A bad line
    gives {"error":"..."} and the rest go on; the exit status is then 1.
    """
    parsed = declaration_or_fail(declaration)
    now = dt.datetime.now(dt.UTC)
    failed = False
    for raw in typer.get_binary_stream("stdin"):
        answer = _answer(parsed, raw, now)
        failed = failed or "error" in answer
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, separators=(",", ":")) + "\n")
    if failed:
        raise typer.Exit(BATCH_FAILED)


@app.command(name="list")
def list_command(
    service: ServiceOption,
    year: Annotated[
        int | None, typer.Option("--year", min=1970, max=9998, help="Only windows starting then.")
    ] = None,
) -> None:
    """The service's windows in the order they are planned, in the declaration's local time."""
    with status_unit() as session:
        zone = declaration_of(version_named(session, service, now_utc().date())).time.zone
        rows, _ = list_windows(session, WindowFilter(service, year), limit=10_000, offset=0)
        table = Table(identifier("id"), "kind", "state", "start", "end", "compliant", "title")
        for row in rows:
            table.add_row(
                str(row.id),
                row.kind,
                row.state,
                f"{row.planned_start.astimezone(zone):%Y-%m-%d %H:%M}",
                f"{row.planned_end.astimezone(zone):%Y-%m-%d %H:%M}",
                "yes" if row.compliant else "no: " + ", ".join(v["rule"] for v in row.violations),
                row.title,
            )
    out.print(table)


@app.command()
def quota(
    service: ServiceOption,
    year: Annotated[int, typer.Option("--year", min=1970, max=9998, help="A calendar year.")],
) -> None:
    """Per kind: windows used and left in the year, and the dates used (R13.1)."""
    with status_unit() as session:
        quotas = quota_of(session, service, year)
    table = Table(identifier("kind"), "per year", "used", "left", "dates")
    for item in quotas:
        per_year = "-" if item.per_year is None else str(item.per_year)
        left = "-" if item.left is None else str(item.left)
        dates = ", ".join(f"{day:%Y-%m-%d}" for day in item.dates) or "-"
        table.add_row(item.kind, per_year, str(item.used), left, dates)
    out.print(table)


def _answer(declaration: Declaration, raw: bytes, now: dt.datetime) -> dict[str, Any]:
    try:
        line = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {"error": "the line is not UTF-8 text"}
    except json.JSONDecodeError as error:
        return {"error": f"the line is not JSON: {error.msg}"}
    if not isinstance(line, dict):
        return {"error": "a line must be a JSON object with kind, start and end"}
    missing = [name for name in ("kind", "start", "end") if not isinstance(line.get(name), str)]
    if missing:
        return {"error": f"{', '.join(missing)} must be given as text"}
    announced, used = line.get("announced"), line.get("used", 0)
    if announced is not None and not isinstance(announced, str):
        return {"error": "announced must be a time as text"}
    if isinstance(used, bool) or not isinstance(used, int) or used < 0:
        return {"error": "used must be a whole number, 0 or more"}
    try:
        proposal = _proposal(declaration, line["kind"], line["start"], line["end"], announced)
    except ClockError as error:
        return {"error": str(error)}
    violations = check(declaration, proposal, used=used, now=now)
    return {"violations": sorted(violation.rule.value for violation in violations)}


def _proposal(
    declaration: Declaration, kind: str, start: str, end: str, announced: str | None
) -> Proposal:
    zone = declaration.time.zone
    return Proposal(
        kind=kind,
        start=parse_instant(start, zone),
        end=parse_instant(end, zone),
        announced=parse_instant(announced, zone) if announced is not None else None,
    )
