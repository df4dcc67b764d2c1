"""Uptime of a service over a month or any range, from the log, with the intervals behind
every figure (R3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.clock import clock_for
from stabil.db.types import epoch_micros, now_utc
from stabil.declaration import Declaration
from stabil.errors import Invalid
from stabil.watch.models import Monitor, ProbeResult, StateInterval
from stabil.watch.states import PROBED, Source, State
from stabil.watch.timeline import DAY, TimeSet, micros
from stabil.watch.uptime import CODES, UNKNOWN_CODE, PeriodFigures, Span, Spans, measure
from stabil.windows.models import ServiceWindow
from stabil.windows.service import excuses_downtime
from stabil.windows.states import WindowState

# Windows that held their time; a cancelled one excuses nothing.
_HELD = (WindowState.announced, WindowState.in_progress, WindowState.completed)
# How many probe intervals a monitor's state holds without a probe before it is unknown.
STALE_AFTER_INTERVALS = 2


@dataclass(frozen=True, slots=True)
class Outage:
    """A piece of downtime (or degraded time) behind the figures, with where it came from."""

    start: dt.datetime
    end: dt.datetime | None  # None: still going on
    state: State
    part: str | None
    source: Source
    counts: bool  # whether its part counts as downtime of the service
    excused: bool  # whether it lies wholly in a window that excuses downtime
    monitor: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Excused:
    """A service window left out of the figures."""

    window_id: int
    title: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class Uptime:
    service: str
    declaration_version: str
    start: dt.datetime
    end: dt.datetime
    periods: dict[str, PeriodFigures]
    outages: list[Outage]
    excused: list[Excused]


def month_range(declaration: Declaration, month: str) -> tuple[dt.datetime, dt.datetime]:
    """The local calendar month `YYYY-MM` as `[start, end)` in the declaration's zone."""
    try:
        year, number = (int(text) for text in month.split("-"))
        first = dt.date(year, number, 1)
    except ValueError:
        raise Invalid("month", "is not a month (write it as YYYY-MM, e.g. 2026-03)") from None
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = declaration.time.zone
    return (
        dt.datetime.combine(first, dt.time(), zone),
        dt.datetime.combine(following, dt.time(), zone),
    )


def uptime(
    session: Session,
    service_key: str,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
) -> Uptime:
    """The figures per service period of `[start, end)`, under the declaration in force at
    its start, as known at `now`."""
    now = now or now_utc()
    if end <= start:
        raise Invalid("to", "is not after from (give a range that ends after it starts)")
    stored = version_named(session, service_key, start.date())
    declaration = declaration_of(stored)
    service = stored.service
    running = _running(session, service, start, end, now)
    spans = _logged(session, declaration, service, start, end) + _spans(declaration, running)
    excused = _excused(session, declaration, service, start, end)
    targets = {item.calendar: item.percent for item in _targets(declaration)}
    figures = measure(
        clock_for(declaration),
        start,
        end,
        now,
        spans,
        ((item.start, item.end) for item in excused),
        targets,
    )
    return Uptime(
        service=service.key,
        declaration_version=stored.version,
        start=start,
        end=end,
        periods=figures,
        outages=_outages(session, declaration, service, running, excused, start, end),
        excused=excused,
    )


def uptime_of_ranges(
    session: Session,
    service_key: str,
    ranges: Sequence[tuple[dt.datetime, dt.datetime]],
    now: dt.datetime | None = None,
) -> list[dict[str, PeriodFigures]]:
    """The figures per service period of each of consecutive ranges (a year of months for a
    trend), from one read of the log for all of them; the same figures as `uptime` gives for
    each, without the outages behind them. Ranges under different declaration versions are
    measured one by one, each under its own."""
    now = now or now_utc()
    stored = [version_named(session, service_key, start.date()) for start, _ in ranges]
    if not ranges or len({item.digest for item in stored}) > 1:
        return [uptime(session, service_key, start, end, now).periods for start, end in ranges]
    declaration = declaration_of(stored[0])
    service = stored[0].service
    start, end = ranges[0][0], ranges[-1][1]
    running = _running(session, service, start, end, now)
    spans = _logged(session, declaration, service, start, end) + _spans(declaration, running)
    excused = [
        (item.start, item.end) for item in _excused(session, declaration, service, start, end)
    ]
    targets = {item.calendar: item.percent for item in _targets(declaration)}
    clock = clock_for(declaration)
    return [measure(clock, first, last, now, spans, excused, targets) for first, last in ranges]


def downtime_seconds(
    session: Session, service: Service, start: dt.datetime, now: dt.datetime
) -> float:
    """Downtime of the service in `[start, now)`: the union of the down intervals of the
    parts that count, in any service period, windows or not."""
    declaration = declaration_of(version_named(session, service.key, start.date()))
    running = _running(session, service, start, now, now)
    spans = _logged(session, declaration, service, start, now) + _spans(declaration, running)
    return spans.holding(State.down).clip(micros(start), micros(now)).total / 1_000_000


def counts(declaration: Declaration, part: str | None) -> bool:
    """Whether downtime of `part` is downtime of the service; the service itself counts, and
    so does a part a later declaration no longer names."""
    if part is None:
        return True
    return next((item.counts for item in declaration.parts() if item.key == part), True)


@dataclass(frozen=True, slots=True)
class _Piece:
    start: dt.datetime
    end: dt.datetime
    state: State
    part: str | None
    source: Source
    monitor_id: int | None
    ongoing: bool = False
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


def _logged(
    session: Session,
    declaration: Declaration,
    service: Service,
    start: dt.datetime,
    end: dt.datetime,
) -> Spans:
    """The logged intervals of the parts that count that overlap the range, as arrays: a
    month of one-minute rows is 44,000 of them, read as numbers, not as objects."""
    log = StateInterval
    aside = [part.key for part in declaration.parts() if not part.counts]
    code = case(
        *((log.state == state.value, number) for state, number in CODES.items()),
        else_=UNKNOWN_CODE,
    )
    statement = select(epoch_micros(log.start), epoch_micros(log.end), code).where(
        log.service_id == service.id,
        log.start >= start - DAY,  # rows never span midnight UTC (see models)
        log.start < end,
        log.end > start,
        or_(log.part.is_(None), log.part.not_in(aside)),
    )
    # The driver's own tuples: making a Row of each would cost more than the figures do.
    result = session.connection().execute(statement)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=3 * len(rows))
    table = flat.reshape(-1, 3)
    return Spans(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].astype(np.int8))


def _spans(declaration: Declaration, pieces: Iterable[_Piece]) -> Spans:
    return Spans.of(
        Span(micros(piece.start), micros(piece.end), piece.state)
        for piece in pieces
        if counts(declaration, piece.part)
    )


def _running(
    session: Session, service: Service, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[_Piece]:
    monitors = session.scalars(
        select(Monitor).where(
            Monitor.service_id == service.id,
            Monitor.removed_at.is_(None),
            Monitor.state != State.unknown.value,
            Monitor.state_since < min(end, now),
        )
    ).all()
    seen = _last_probes(session, [item.id for item in monitors if item.kind in PROBED])
    pieces = []
    for monitor in monitors:
        until = min(end, now)
        last = seen.get(monitor.id)
        if monitor.kind in PROBED and last is not None:
            # A state nobody has checked for a while is no longer known (R3.3).
            stale = last + dt.timedelta(seconds=STALE_AFTER_INTERVALS * monitor.interval_seconds)
            until = min(until, max(stale, monitor.state_since))
        if until > max(start, monitor.state_since):
            pieces.append(
                _Piece(
                    monitor.state_since,
                    until,
                    State(monitor.state),
                    monitor.part,
                    Source(monitor.state_source),
                    monitor.id,
                    ongoing=until >= now,
                    evidence=monitor.state_evidence,
                )
            )
    return pieces


def _last_probes(session: Session, ids: Sequence[int]) -> dict[int, dt.datetime]:
    if not ids:
        return {}
    rows = session.execute(
        select(ProbeResult.monitor_id, func.max(ProbeResult.at))
        .where(ProbeResult.monitor_id.in_(ids))
        .group_by(ProbeResult.monitor_id)
    ).all()
    return {monitor_id: _aware(at) for monitor_id, at in rows if at is not None}


def _aware(value: dt.datetime) -> dt.datetime:
    # An aggregate comes back without the column's type: SQLite gives a naive UTC datetime.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _excused(
    session: Session,
    declaration: Declaration,
    service: Service,
    start: dt.datetime,
    end: dt.datetime,
) -> list[Excused]:
    """The windows that excuse downtime: announced with the notice and within the rules, or
    as the declaration says of late ones (R3.3, R13.2)."""
    rules = declaration.availability
    if rules is not None and not rules.exclude_announced_windows:
        return []
    late_count = rules is None or rules.late_windows_count_as_downtime
    windows = session.scalars(
        select(ServiceWindow)
        .where(
            ServiceWindow.service_id == service.id,
            ServiceWindow.state.in_([state.value for state in _HELD]),
            ServiceWindow.planned_start < end,
            ServiceWindow.planned_end > start,
        )
        .order_by(ServiceWindow.planned_start)
    ).all()
    return [
        Excused(item.id, item.title, item.planned_start, item.planned_end)
        for item in windows
        if excuses_downtime(item) or (not late_count and item.announced_at is not None)
    ]


def _targets(declaration: Declaration) -> Iterable[Any]:
    return declaration.availability.targets if declaration.availability else []


def _outages(
    session: Session,
    declaration: Declaration,
    service: Service,
    running: list[_Piece],
    excused: list[Excused],
    start: dt.datetime,
    end: dt.datetime,
) -> list[Outage]:
    """The down and degraded intervals within the range, with their sources and evidence;
    those cut at midnight are joined again."""
    log = StateInterval
    rows = session.execute(
        select(log, Monitor.key)
        .outerjoin(Monitor, Monitor.id == log.monitor_id)
        .where(
            log.service_id == service.id,
            log.start >= start - DAY,
            log.start < end,
            log.end > start,
            log.state.in_([State.down.value, State.degraded.value]),
        )
        .order_by(log.monitor_id, log.part, log.source, log.start)
    ).all()
    names = {piece.monitor_id: key for piece, key in rows}
    pieces = [
        _Piece(
            row.start,
            row.end,
            State(row.state),
            row.part,
            Source(row.source),
            row.monitor_id,
            evidence=row.evidence,
            reason=row.reason,
        )
        for row, _key in rows
    ]
    pieces += [piece for piece in running if piece.state in (State.down, State.degraded)]
    names.update(_monitor_keys(session, [p.monitor_id for p in running if p.monitor_id]))
    windows = TimeSet.union((micros(item.start), micros(item.end)) for item in excused)
    outages = []
    for piece in sorted(_joined(pieces), key=lambda item: item.start):
        first, last = max(piece.start, start), min(piece.end, end)
        inside = windows.clip(micros(first), micros(last)).total
        outages.append(
            Outage(
                start=first,
                end=None if piece.ongoing else last,
                state=piece.state,
                part=piece.part,
                source=piece.source,
                counts=counts(declaration, piece.part),
                excused=inside == micros(last) - micros(first),
                monitor=names.get(piece.monitor_id),
                evidence=piece.evidence,
                reason=piece.reason,
            )
        )
    return outages


def _joined(pieces: list[_Piece]) -> list[_Piece]:
    """Pieces of one interval, cut at midnight when they were stored, as one again."""
    joined: list[_Piece] = []
    for piece in pieces:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.end == piece.start
            and (last.monitor_id, last.part, last.source, last.state, last.reason)
            == (piece.monitor_id, piece.part, piece.source, piece.state, piece.reason)
        ):
            joined[-1] = replace(last, end=piece.end, ongoing=piece.ongoing)
        else:
            joined.append(piece)
    return joined


def _monitor_keys(session: Session, ids: Sequence[int]) -> dict[int | None, str]:
    if not ids:
        return {}
    rows = session.execute(select(Monitor.id, Monitor.key).where(Monitor.id.in_(ids))).all()
    return {monitor_id: key for monitor_id, key in rows}  # noqa: C416 (typed pairs)
