"""The service-time clock of one declaration: periods, elapsed time, deadlines (R2, R7, R14).

Instants in are aware datetimes (a naive one is a ValueError), instants out are in UTC.
Durations are counted in whole microseconds, the resolution of `datetime`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from stabil.clock import batch
from stabil.clock.days_off import DaysOff
from stabil.clock.errors import ClockError
from stabil.clock.explain import Explanation, explain_deadline
from stabil.clock.instants import (
    MICROS_PER_SECOND,
    duration_micros,
    from_micros,
    to_micros,
)
from stabil.clock.orientation import OrientationRule
from stabil.clock.periods import NO_PERIOD, PeriodTable
from stabil.clock.table import IntervalTable
from stabil.clock.targets import ResolvedTarget, resolve_target
from stabil.clock.working_days import WorkingDays
from stabil.clock.years import YearBounds
from stabil.declaration import Declaration


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of time `[start, end)` that lies in one service period."""

    start: dt.datetime
    end: dt.datetime
    period: str

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


class Clock:
    """A declaration's calendars compiled into tables that grow lazily, a local year at a time."""

    def __init__(self, declaration: Declaration) -> None:
        time = declaration.time
        self.declaration = declaration
        self.zone = time.zone
        self.days_off = DaysOff(time.holidays)
        self.periods: tuple[str, ...] = tuple(time.service_periods.periods)
        years = YearBounds(self.zone)
        self._tables = {
            name: IntervalTable(name, pattern, self.zone, self.days_off, years)
            for name, pattern in declaration.week_patterns.items()
        }
        self._periods = PeriodTable([self._tables[name] for name in self.periods], years)
        self._targets: dict[tuple[int, str], ResolvedTarget] = {}
        self._orientation: OrientationRule | None = None
        self._working_days: WorkingDays | None = None

    # Service periods (R2)

    def period_at(self, instant: dt.datetime) -> str:
        """The service period that holds the instant; ranges are half-open (R2.5)."""
        micros = to_micros(instant)
        label = self._periods.covering(micros, micros).label_at(micros)
        if label == NO_PERIOD:
            raise ClockError(f"no service period holds {instant.isoformat()}")
        return self.periods[label]

    def segments(self, start: dt.datetime, end: dt.datetime) -> list[Segment]:
        """`[start, end)` cut where the service period changes; time in no period is left out."""
        first, last = to_micros(start), to_micros(end)
        if last <= first:
            return []
        span = self._periods.covering(first, last)
        return [
            Segment(from_micros(piece_start), from_micros(piece_end), self.periods[label])
            for piece_start, piece_end, label in span.pieces(first, last)
            if label != NO_PERIOD
        ]

    # Calendar time

    def is_open(self, calendar: str, instant: dt.datetime) -> bool:
        return self.table(calendar).is_open(to_micros(instant))

    def next_open(self, calendar: str, instant: dt.datetime) -> dt.datetime:
        """The earliest instant at or after `instant` inside the calendar's hours."""
        return from_micros(self.table(calendar).next_open(to_micros(instant)))

    def open_range(self, calendar: str, instant: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The calendar's range of hours `[start, end)` that holds `instant`, or the next one."""
        start, end = self.table(calendar).open_range(to_micros(instant))
        return from_micros(start), from_micros(end)

    def elapsed(self, calendar: str, start: dt.datetime, end: dt.datetime) -> float:
        """Seconds of the calendar's time in `[start, end)`; 0 if `end <= start`."""
        micros = self.table(calendar).elapsed(to_micros(start), to_micros(end))
        return micros / MICROS_PER_SECOND

    def deadline(self, calendar: str, start: dt.datetime, seconds: float) -> dt.datetime:
        """The earliest instant at which `seconds` of the calendar's time have elapsed from start.

        Time that runs out exactly at closing time is due at closing time, not at the next
        opening (R7.3).
        """
        amount = duration_micros(seconds)
        return from_micros(self.table(calendar).deadline(to_micros(start), amount))

    def table(self, calendar: str) -> IntervalTable:
        table = self._tables.get(calendar)
        if table is None:
            known = ", ".join(self._tables)
            raise ClockError(f"no calendar is named {calendar!r} (known: {known})")
        return table

    # Targets (R7.1, R7.3)

    def target_seconds(self, level: int, timer: str) -> float:
        return self.target(level, timer).amount / MICROS_PER_SECOND

    def target_deadline(self, level: int, timer: str, start: dt.datetime) -> dt.datetime:
        target = self.target(level, timer)
        table = self._tables[target.calendar]
        return from_micros(table.deadline(to_micros(start), target.amount))

    def target(self, level: int, timer: str) -> ResolvedTarget:
        key = (level, timer)
        target = self._targets.get(key)
        if target is None:
            target = self._targets[key] = resolve_target(self.declaration, level, timer)
        return target

    def explain(
        self, level: int, timer: str, start: dt.datetime, counted: float = 0.0
    ) -> Explanation:
        """How the target's deadline is found: what is counted, and what skipped and why.

        `counted`: seconds of the target used before `start`, by a timer that continues
        after a reopening (R7.4); the deadline is then `deadline` of the rest, to the
        microsecond.
        """
        target = self.target(level, timer)
        heading = f"priority {level} {timer}: {target.description}"
        table = self._tables[target.calendar]
        if not counted:
            return explain_deadline(table, heading, to_micros(start), target.amount)
        rest = duration_micros(max(0.0, target.amount / MICROS_PER_SECOND - counted))
        before = target.amount - rest
        return explain_deadline(table, heading, to_micros(start), rest, before)

    # Working days (R7.3)

    def is_working_day(self, day: dt.date) -> bool:
        return self.working_days().includes(day)

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (before it if negative); `day` for 0."""
        return self.working_days().add(day, count)

    def working_days(self) -> WorkingDays:
        if self._working_days is None:
            rule = self.declaration.time.working_days
            if rule is None:
                raise ClockError("the declaration does not say what a working day is")
            pattern = self.table(rule.calendar).pattern
            self._working_days = WorkingDays(pattern, self.days_off)
        return self._working_days

    # Orientation of major incidents (R14.5)

    def orientation_first_due(self, detected: dt.datetime) -> dt.datetime:
        return from_micros(self.orientation().first_due(to_micros(detected)))

    def orientation_next_due(self, last_message: dt.datetime) -> dt.datetime:
        return from_micros(self.orientation().next_due(to_micros(last_message)))

    def orientation(self) -> OrientationRule:
        if self._orientation is None:
            major = self.declaration.major_incidents
            rule = major.orientation if major else None
            if rule is None:
                raise ClockError(
                    "the declaration has no orientation rules (major_incidents.orientation)"
                )
            calendar = self.table(rule.first_message.in_calendar)
            self._orientation = OrientationRule.compile(rule, calendar, self.zone)
        return self._orientation

    # Batch queries: epoch seconds in and out, vectorised with numpy

    def deadlines(
        self, calendar: str, starts: npt.ArrayLike, seconds: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """`deadline` for arrays of start instants and durations (epoch seconds, seconds)."""
        found = batch.deadlines(
            self.table(calendar),
            batch.micros_from_seconds(starts, "start instants"),
            batch.micros_from_seconds(seconds, "durations"),
        )
        return batch.seconds_from_micros(found)

    def target_deadlines(
        self, level: int, timer: str, starts: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        target = self.target(level, timer)
        found = batch.deadlines(
            self._tables[target.calendar],
            batch.micros_from_seconds(starts, "start instants"),
            np.array(target.amount, dtype=np.int64),
        )
        return batch.seconds_from_micros(found)

    def elapsed_many(
        self, calendar: str, starts: npt.ArrayLike, ends: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """`elapsed` for arrays of start and end instants (epoch seconds)."""
        micros = batch.elapsed(
            self.table(calendar),
            batch.micros_from_seconds(starts, "start instants"),
            batch.micros_from_seconds(ends, "end instants"),
        )
        return batch.seconds_from_micros(micros)

    def periods_at(self, instants: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The index into `periods` of the period holding each instant (epoch seconds); -1 for
        time that no period holds."""
        return batch.period_labels(self._periods, batch.micros_from_seconds(instants, "instants"))
