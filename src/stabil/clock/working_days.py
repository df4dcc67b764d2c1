"""Working days (R7.3): a date with hours in the declaration's working-day calendar."""

from __future__ import annotations

import datetime as dt

from stabil.clock.days_off import DaysOff
from stabil.clock.errors import ClockError
from stabil.clock.weekly import day_kind
from stabil.clock.years import FIRST_YEAR, LAST_YEAR
from stabil.declaration.hours import WeekPattern

_DAY = dt.timedelta(days=1)


class WorkingDays:
    def __init__(self, pattern: WeekPattern, days_off: DaysOff) -> None:
        self.pattern = pattern
        self.days_off = days_off

    def includes(self, day: dt.date) -> bool:
        _check_year(day)
        return bool(self.pattern.days[day_kind(day, self.days_off)])

    def add(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (before it if negative); `day` itself for 0."""
        step = _DAY if count >= 0 else -_DAY
        remaining = abs(count)
        while remaining:
            day = _check_year(day + step)
            if self.pattern.days[day_kind(day, self.days_off)]:
                remaining -= 1
        return day


def _check_year(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ClockError(f"{day} is outside the years the clock covers ({FIRST_YEAR}-{LAST_YEAR})")
    return day
