"""When a major incident's first message and each update are due (R14.5).

Minutes are elapsed time (60 s each), so `t + 1 h` is exact across a DST change; only the
fallback time (`due_at`, e.g. 08:00) is a reading of the local clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from stabil.clock.instants import MICROS_PER_MINUTE, local_date, wall_to_micros
from stabil.clock.table import IntervalTable
from stabil.declaration.operations import Orientation


@dataclass(frozen=True, slots=True)
class OrientationRule:
    calendar: IntervalTable  # first_message.in_calendar: period 1 for Borger.dk
    within: int
    every: int
    due_at_minute: int
    zone: zoneinfo.ZoneInfo

    @classmethod
    def compile(
        cls, rule: Orientation, calendar: IntervalTable, zone: zoneinfo.ZoneInfo
    ) -> OrientationRule:
        due_at = rule.outside.due_at
        return cls(
            calendar=calendar,
            within=rule.first_message.within_minutes * MICROS_PER_MINUTE,
            every=rule.updates.every_minutes * MICROS_PER_MINUTE,
            due_at_minute=due_at.hour * 60 + due_at.minute,
            zone=zone,
        )

    def first_due(self, detected: int) -> int:
        """`detected + within` if detected in the calendar, even when that runs out of it."""
        if self.calendar.is_open(detected):
            return detected + self.within
        return self.next_due_at(detected)

    def next_due(self, last_message: int) -> int:
        """`last_message + every` if that instant is in the calendar."""
        candidate = last_message + self.every
        if self.calendar.is_open(candidate):
            return candidate
        return self.next_due_at(candidate)

    def next_due_at(self, after: int) -> int:
        """The first instant after `after` at which the local clock reads `due_at`.

        On a DST Sunday a `due_at` in the skipped hour is due when the clocks jump past it, and
        one in the repeated hour at its first occurrence (see `wall_to_micros`).
        """
        day = local_date(self.zone, after)
        due = wall_to_micros(self.zone, day, self.due_at_minute)
        if due <= after:
            due = wall_to_micros(self.zone, day + dt.timedelta(days=1), self.due_at_minute)
        return due
