"""Historical outages from a CSV file, all or nothing (R3).

Columns `service, part, start, end, state, reason` under a header row; times in ISO 8601,
without an offset local time of the service's declaration zone. Every row is checked before
any is written: one bad row refuses the file, naming its line and field, and nothing is
logged. Each row is logged with the source `import`, who imported it and its reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.service import declaration_of, version_named
from stabil.clock import ClockError
from stabil.clock.parsing import parse_instant
from stabil.errors import Invalid, Names
from stabil.watch.access import check_can_work
from stabil.watch.models import StateInterval
from stabil.watch.outages import NewOutage, check_outage
from stabil.watch.recording import Entry, log_intervals
from stabil.watch.states import KNOWN, Source, State
from stabil.watch.timeline import by_day

COLUMNS = ("service", "part", "start", "end", "state", "reason")
REQUIRED = ("service", "start", "end", "state", "reason")
Progress = Callable[[int], None]  # told how many more rows are done


class RowInvalid(Invalid):
    """A refused row of the file: its line (1 is the header) and its field."""

    def __init__(self, line: int, field: str, problem: str) -> None:
        super().__init__(field, "line {line}: {problem}", line=line, problem=problem)
        Exception.__init__(self, f"line {line}, {field}: {problem}")
        self.line = line


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, str]


def read_rows(data: bytes) -> list[Row]:
    """The rows of a CSV file (UTF-8, comma or semicolon separated, under a header row)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RowInvalid(
            text_line(data, error.start), "file", "is not UTF-8 text (save it as UTF-8 CSV)"
        ) from None
    header = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header and "," not in header else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise RowInvalid(1, "header", "the file is empty (give a header row and outages)") from None
    _check_header(names)
    rows = list(_rows(reader, names))
    if not rows:
        raise RowInvalid(1, "file", "holds no outages under its header row")
    return rows


def text_line(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _check_header(names: list[str]) -> None:
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise RowInvalid(
            1,
            "header",
            f"{', '.join(unknown)} is not a column (the columns: {', '.join(COLUMNS)})",
        )
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise RowInvalid(1, "header", f"lacks the column {', '.join(missing)}")


def _rows(reader: Iterator[list[str]], names: list[str]) -> Iterator[Row]:
    line = 1
    for cells in reader:
        line = getattr(reader, "line_num", line + 1)
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        if len(cells) != len(names):
            raise RowInvalid(
                line, "row", f"has {len(cells)} cells; the header names {len(names)} columns"
            )
        yield Row(line, {name: cell.strip() for name, cell in zip(names, cells, strict=True)})


@dataclass(frozen=True, slots=True)
class Imported:
    rows: int  # outages in the file
    logged: int  # rows of the log written (one per UTC day an outage spans)


def import_outages(
    session: Session,
    actor: User,
    rows: list[Row],
    now: dt.datetime,
    progress: Progress | None = None,
) -> Imported:
    """Check every row, then log them all; a refusal names the first bad row's line."""
    check_can_work(actor)
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    entries = []
    for row in rows:
        entries.append(_entry(session, row, zones, now))
        if progress:
            progress(1)
    _check_not_imported(session, rows, entries)
    logged = log_intervals(session, entries, now, recorded_by=actor)
    return Imported(len(entries), logged)


def _entry(
    session: Session, row: Row, zones: dict[str, zoneinfo.ZoneInfo], now: dt.datetime
) -> Entry:
    values = row.values
    for name in REQUIRED:
        if not values.get(name):
            raise RowInvalid(row.line, name, "is empty")
    try:
        zone = _zone(session, values["service"], zones, now)
        outage = NewOutage(
            service=values["service"],
            part=values.get("part") or None,
            start=_instant(row, "start", zone),
            end=_instant(row, "end", zone),
            state=_state(row),
            reason=values["reason"],
        )
        return check_outage(session, outage, now, source=Source.import_)
    except RowInvalid:
        raise
    except Invalid as invalid:
        raise RowInvalid(row.line, invalid.field, invalid.problem) from None


def _zone(
    session: Session, service: str, zones: dict[str, zoneinfo.ZoneInfo], now: dt.datetime
) -> zoneinfo.ZoneInfo:
    if service not in zones:
        zones[service] = declaration_of(version_named(session, service, now.date())).time.zone
    return zones[service]


def _instant(row: Row, name: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    try:
        return parse_instant(row.values[name], zone)
    except ClockError as error:
        raise RowInvalid(row.line, name, str(error)) from None


def _state(row: Row) -> State:
    try:
        state = State(row.values["state"].lower())
    except ValueError:
        state = State.unknown
    if state not in KNOWN:
        known = Names(item.value for item in KNOWN)
        raise RowInvalid(row.line, "state", f"is {row.values['state']!r}; give one of: {known}")
    return state


def _check_not_imported(session: Session, rows: list[Row], entries: list[Entry]) -> None:
    """Refuse a file imported before: each outage's first stored row would be there already."""
    log = StateInterval
    earliest = min(entry.start for entry in entries)
    latest = max(entry.start for entry in entries)
    stored = session.execute(
        select(log.service_id, log.part, log.start, log.end, log.state).where(
            log.source == Source.import_.value,
            log.service_id.in_({entry.service_id for entry in entries}),
            log.start >= earliest,
            log.start <= latest,
        )
    ).all()
    known = {(s, p, a.astimezone(dt.UTC), b.astimezone(dt.UTC), st) for s, p, a, b, st in stored}
    for row, entry in zip(rows, entries, strict=True):
        first = next(by_day(entry.start, entry.end))
        if (entry.service_id, entry.part, *first, entry.state.value) in known:
            raise RowInvalid(
                row.line, "start", "this outage is imported already (nothing was imported again)"
            )
