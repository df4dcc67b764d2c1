"""Each local day's time down, degraded and measured, per part, over a run of days (R3).

The public status page draws the last 90 days of every part as a bar a day. All of them are
read at once: the log's rows of the whole range in one query, the monitors' running
intervals and the windows that excuse downtime beside it, and one sweep per part splits the
time at every local midnight. A day is a local calendar day of the declaration's zone, so a
DST Sunday lasts 23 or 25 hours. A row of the whole service (no part) speaks for every part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of, version_named
from stabil.db.types import epoch_micros
from stabil.watch.availability import _excused, _Piece, _running
from stabil.watch.models import StateInterval
from stabil.watch.states import State
from stabil.watch.timeline import DAY, Micros, TimeSet, micros, sweep
from stabil.watch.uptime import CODES, UNKNOWN_CODE, whole_seconds

WHOLE = -1  # the part index of a row that names no part: the service as a whole


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One local day of one part, up to `now` on the day that is still running."""

    day: dt.date
    measured_seconds: int  # a state was known, outside windows that excuse downtime
    downtime_seconds: int  # down, outside those windows (R3.3)
    degraded_seconds: int  # degraded and not down, outside those windows
    excused_seconds: int  # in a service window that excuses downtime


@dataclass(frozen=True, slots=True)
class _Log:
    """The rows of the range as arrays; `parts` indexes each row's part (WHOLE for none)."""

    starts: Micros
    ends: Micros
    codes: npt.NDArray[np.int8]
    parts: npt.NDArray[np.int64]


def daily(
    session: Session,
    service_key: str,
    parts: Sequence[str | None],
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
) -> dict[str | None, list[DayFigures]]:
    """The figures of every local day from `first` to `last` (both included) for each of
    `parts` (None: the service as a whole), oldest day first, as known at `now`."""
    stored = version_named(session, service_key, now.date())
    declaration, service = declaration_of(stored), stored.service
    zone = declaration.time.zone
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    # Local midnights, each made in the zone: the one after a DST Sunday is 23 or 25 h on.
    edges = [dt.datetime.combine(day, dt.time(), zone) for day in [*days, last + DAY]]
    start, end = edges[0], edges[-1]
    names = sorted({part for part in parts if part is not None})
    log = _read(session, service.id, names, start, end)
    running = _running(session, service, start, end, now)
    log = _with_running(log, names, [item for item in running if item.part in (None, *names)])
    windows = TimeSet.union(
        (micros(item.start), micros(item.end))
        for item in _excused(session, declaration, service, start, end)
    )
    bounds = np.array([micros(edge) for edge in edges], dtype=np.int64)
    until = min(max(micros(now), int(bounds[0])), int(bounds[-1]))
    result = {}
    for part in parts:
        index = WHOLE if part is None else names.index(part)
        mine = (log.parts == index) | (log.parts == WHOLE)
        figures = _per_day(log, mine, windows, bounds, until)
        result[part] = [
            DayFigures(day, *(whole_seconds(int(value)) for value in row))
            for day, row in zip(days, figures, strict=True)
        ]
    return result


def _read(
    session: Session, service_id: int, names: list[str], start: dt.datetime, end: dt.datetime
) -> _Log:
    """The logged rows overlapping `[start, end)`, in one query."""
    row = StateInterval
    code = case(
        *((row.state == state.value, number) for state, number in CODES.items()),
        else_=UNKNOWN_CODE,
    )
    part = case(*((row.part == name, index) for index, name in enumerate(names)), else_=WHOLE)
    statement = select(epoch_micros(row.start), epoch_micros(row.end), code, part).where(
        row.service_id == service_id,
        row.start >= start - DAY,  # rows never span midnight UTC (see models)
        row.start < end,
        row.end > start,
        row.part.is_(None) | row.part.in_(names),
    )
    rows = session.execute(statement).all()
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return _Log(table[:, 0], table[:, 1], table[:, 2].astype(np.int8), table[:, 3])


def _with_running(log: _Log, names: list[str], pieces: Sequence[_Piece]) -> _Log:
    """The log and the intervals the monitors are still in (the same pieces the monthly
    figures read), as one."""
    return _Log(
        np.append(log.starts, [micros(piece.start) for piece in pieces]).astype(np.int64),
        np.append(log.ends, [micros(piece.end) for piece in pieces]).astype(np.int64),
        np.append(log.codes, [CODES.get(piece.state, UNKNOWN_CODE) for piece in pieces]).astype(
            np.int8
        ),
        np.append(
            log.parts, [WHOLE if p.part is None else names.index(p.part) for p in pieces]
        ).astype(np.int64),
    )


def _per_day(
    log: _Log, mine: npt.NDArray[np.bool_], windows: TimeSet, bounds: Micros, until: int
) -> npt.NDArray[np.int64]:
    """Per day: measured, down, degraded and excused time in microseconds, one row a day."""

    def holding(*states: State) -> TimeSet:
        wanted = mine & np.isin(log.codes, [CODES[state] for state in states])
        return TimeSet.from_arrays(log.starts[wanted], log.ends[wanted])

    down, degraded = holding(State.down), holding(State.degraded)
    known = holding(State.up, State.degraded, State.down)
    first, last = int(bounds[0]), int(bounds[-1])
    cuts = [bounds, np.array([until], dtype=np.int64)]
    pieces, lengths = sweep(first, last, [down, degraded, known, windows], cuts)
    lengths = np.where(pieces < until, lengths, 0)  # the future is not measured
    day = np.searchsorted(bounds, pieces, side="right") - 1
    out = windows.contains(pieces)
    is_down = down.contains(pieces) & ~out
    columns = [
        known.contains(pieces) & ~out,
        is_down,
        degraded.contains(pieces) & ~out & ~is_down,
        out,
    ]
    totals = np.zeros((bounds.size - 1, len(columns)), dtype=np.int64)
    for column, mask in enumerate(columns):
        np.add.at(totals[:, column], day[mask], lengths[mask])  # exact: integers throughout
    return totals
