"""A readable trace of how a deadline was found: what was counted, what was skipped and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stabil.clock.instants import MICROS_PER_MINUTE, MICROS_PER_SECOND, from_micros
from stabil.clock.table import IntervalTable
from stabil.clock.weekly import day_kind
from stabil.declaration.hours import WEEKDAY_NAMES_EN


@dataclass(frozen=True, slots=True)
class Explanation:
    lines: tuple[str, ...]
    deadline: dt.datetime

    def __str__(self) -> str:
        return "\n".join(self.lines)


def explain_deadline(table: IntervalTable, heading: str, start: int, amount: int) -> Explanation:
    """Walk the calendar's open intervals from `start` until `amount` of open time is counted."""
    trace = _Trace(table)
    lines = [heading, f"start {trace.stamp(start)}"]
    span = table.covering(start, start)
    span = table.reaching(span, span.counted(start) + amount)
    cursor, remaining = start, amount
    index = span.interval_at(start)
    if start >= span.ends[index]:
        index += 1
    while remaining > 0:
        begin = max(span.starts[index], cursor)
        if begin > cursor:
            lines.extend(trace.skipped(cursor, begin))
        taken = min(span.ends[index] - begin, remaining)
        remaining -= taken
        lines.append(
            f"counted {trace.period(begin, begin + taken)}: {_minutes(taken)} "
            f"({_minutes(amount - remaining)} of {_minutes(amount)})"
        )
        cursor = begin + taken
        index += 1
    lines.append(f"deadline {trace.stamp(cursor)}")
    return Explanation(tuple(lines), from_micros(cursor))


class _Trace:
    def __init__(self, table: IntervalTable) -> None:
        self.table = table

    def local(self, instant: int) -> dt.datetime:
        return from_micros(instant).astimezone(self.table.zone)

    def stamp(self, instant: int) -> str:
        local = self.local(instant)
        return f"{_day(local)} {_clock(local)} ({local.isoformat(timespec='seconds')})"

    def period(self, start: int, end: int) -> str:
        first, last = self.local(start), self.local(end)
        if first.date() == last.date():
            return f"{_day(first)} {_clock(first)}-{_clock(last)}"
        return f"{_day(first)} {_clock(first)} - {_day(last)} {_clock(last)}"

    def skipped(self, start: int, end: int) -> list[str]:
        """The closed time between two counted pieces, with every whole day off named."""
        first, last = self.local(start).date(), self.local(end).date()
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        closed = [day for day in days if not self._has_hours(day)]
        if not closed:
            what = "night" if first != last else "closed hours"
            return [f"skipped {what} {self.period(start, end)}"]
        return [f"closed {self.period(start, end)}"] + [
            f"  skipped {self._name(day)} {day.isoformat()}" for day in closed
        ]

    def _has_hours(self, day: dt.date) -> bool:
        return bool(self.table.pattern.days[day_kind(day, self.table.days_off)])

    def _name(self, day: dt.date) -> str:
        return self.table.days_off.name(day) or WEEKDAY_NAMES_EN[day.weekday()]


def _day(local: dt.datetime) -> str:
    return f"{local:%a} {local.date().isoformat()}"


def _clock(local: dt.datetime) -> str:
    return f"{local:%H:%M:%S}" if local.second or local.microsecond else f"{local:%H:%M}"


def _minutes(micros: int) -> str:
    minutes, rest = divmod(micros, MICROS_PER_MINUTE)
    return f"{minutes} min {rest / MICROS_PER_SECOND:g} s" if rest else f"{minutes} min"


__all__ = ["Explanation", "explain_deadline"]
