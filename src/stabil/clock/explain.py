"""A readable trace of how a deadline was found: what was counted, what was skipped and why.

The trace is kept twice over: as `steps`, facts a page can put in any language, and as
`lines`, the English text the command line prints, written from the same steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from stabil.clock.instants import MICROS_PER_MINUTE, MICROS_PER_SECOND, from_micros
from stabil.clock.table import IntervalTable
from stabil.clock.weekly import day_kind
from stabil.declaration.hours import WEEKDAY_NAMES_EN


class TraceKind(StrEnum):
    counted = "counted"  # open time of the calendar, counted towards the target
    night = "night"  # closed from one open day's end to the next day's start
    closed_hours = "closed_hours"  # closed within one day (before opening, say)
    closed = "closed"  # closed across whole days without hours; `day_off` steps name them
    day_off = "day_off"  # one such day: a holiday, a weekend day, a day without hours


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One piece of the walk from the start to the deadline; instants in UTC."""

    kind: TraceKind
    start: dt.datetime
    end: dt.datetime
    seconds: float = 0.0  # counted in this piece
    total: float = 0.0  # counted up to the piece's end, earlier runs included
    day: dt.date | None = None  # the local day, for a day off
    holiday: str | None = None  # its name, for a holiday or an extra day off


@dataclass(frozen=True, slots=True)
class Explanation:
    lines: tuple[str, ...]
    deadline: dt.datetime
    start: dt.datetime
    steps: tuple[TraceStep, ...]
    target_seconds: float
    counted_before: float  # counted before `start`, in earlier runs of the timer (R7.4)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def explain_deadline(
    table: IntervalTable, heading: str, start: int, amount: int, before: int = 0
) -> Explanation:
    """Walk the calendar's open intervals from `start` until `amount` of open time is counted.

    `before` is open time counted earlier, which the totals include: a timer that continues
    after a reopening has only the rest of its target left (R7.4).
    """
    trace = _Trace(table)
    steps: list[TraceStep] = []
    span = table.covering(start, start)
    span = table.reaching(span, span.counted(start) + amount)
    cursor, remaining = start, amount
    index = span.interval_at(start)
    if start >= span.ends[index]:
        index += 1
    while remaining > 0:
        begin = max(span.starts[index], cursor)
        if begin > cursor:
            steps.extend(trace.skipped(cursor, begin))
        taken = min(span.ends[index] - begin, remaining)
        remaining -= taken
        counted = before + amount - remaining
        steps.append(
            TraceStep(
                TraceKind.counted,
                from_micros(begin),
                from_micros(begin + taken),
                seconds=taken / MICROS_PER_SECOND,
                total=counted / MICROS_PER_SECOND,
            )
        )
        cursor = begin + taken
        index += 1
    total = before + amount
    lines = [heading, f"start {trace.stamp(start)}"]
    if before:
        lines.append(f"counted before: {_minutes(before)}")
    lines.extend(trace.line(step, total) for step in steps)
    lines.append(f"deadline {trace.stamp(cursor)}")
    return Explanation(
        lines=tuple(lines),
        deadline=from_micros(cursor),
        start=from_micros(start),
        steps=tuple(steps),
        target_seconds=total / MICROS_PER_SECOND,
        counted_before=before / MICROS_PER_SECOND,
    )


class _Trace:
    def __init__(self, table: IntervalTable) -> None:
        self.table = table

    def local(self, instant: int | dt.datetime) -> dt.datetime:
        moment = from_micros(instant) if isinstance(instant, int) else instant
        return moment.astimezone(self.table.zone)

    def stamp(self, instant: int) -> str:
        local = self.local(instant)
        return f"{_day(local)} {_clock(local)} ({local.isoformat(timespec='seconds')})"

    def period(self, start: int | dt.datetime, end: int | dt.datetime) -> str:
        first, last = self.local(start), self.local(end)
        if first.date() == last.date():
            return f"{_day(first)} {_clock(first)}-{_clock(last)}"
        return f"{_day(first)} {_clock(first)} - {_day(last)} {_clock(last)}"

    def skipped(self, start: int, end: int) -> list[TraceStep]:
        """The closed time between two counted pieces, with every whole day off named."""
        first, last = self.local(start).date(), self.local(end).date()
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        closed = [day for day in days if not self._has_hours(day)]
        begin, finish = from_micros(start), from_micros(end)
        if not closed:
            kind = TraceKind.night if first != last else TraceKind.closed_hours
            return [TraceStep(kind, begin, finish)]
        return [TraceStep(TraceKind.closed, begin, finish)] + [
            TraceStep(
                TraceKind.day_off, begin, finish, day=day, holiday=self.table.days_off.name(day)
            )
            for day in closed
        ]

    def line(self, step: TraceStep, total: int) -> str:
        if step.kind is TraceKind.counted:
            taken = round(step.seconds * MICROS_PER_SECOND)
            counted = round(step.total * MICROS_PER_SECOND)
            return (
                f"counted {self.period(step.start, step.end)}: {_minutes(taken)} "
                f"({_minutes(counted)} of {_minutes(total)})"
            )
        if step.kind is TraceKind.day_off:
            assert step.day is not None
            name = step.holiday or WEEKDAY_NAMES_EN[step.day.weekday()]
            return f"  skipped {name} {step.day.isoformat()}"
        if step.kind is TraceKind.closed:
            return f"closed {self.period(step.start, step.end)}"
        what = "night" if step.kind is TraceKind.night else "closed hours"
        return f"skipped {what} {self.period(step.start, step.end)}"

    def _has_hours(self, day: dt.date) -> bool:
        return bool(self.table.pattern.days[day_kind(day, self.table.days_off)])


def _day(local: dt.datetime) -> str:
    return f"{local:%a} {local.date().isoformat()}"


def _clock(local: dt.datetime) -> str:
    return f"{local:%H:%M:%S}" if local.second or local.microsecond else f"{local:%H:%M}"


def _minutes(micros: int) -> str:
    minutes, rest = divmod(micros, MICROS_PER_MINUTE)
    return f"{minutes} min {rest / MICROS_PER_SECOND:g} s" if rest else f"{minutes} min"


__all__ = ["Explanation", "TraceKind", "TraceStep", "explain_deadline"]
