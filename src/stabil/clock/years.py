"""The local years the clock covers, and where each begins as an instant."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

from stabil.clock.errors import ClockError
from stabil.clock.instants import MICROS_PER_DAY, from_micros, wall_to_micros

FIRST_YEAR = 1900
LAST_YEAR = 2399
_AVERAGE_YEAR = MICROS_PER_DAY * 365_2425 // 10_000


class YearBounds:
    """Local new-year instants of one time zone; tables are built and extended per local year."""

    def __init__(self, zone: zoneinfo.ZoneInfo) -> None:
        self.zone = zone
        self.start = cache(self._start)
        self.midnights = cache(self._midnights)

    def _start(self, year: int) -> int:
        """Local midnight of 1 January `year`, as an instant."""
        return wall_to_micros(self.zone, dt.date(year, 1, 1), 0)

    def _midnights(self, year: int) -> list[int]:
        """Every local midnight of `year` as an instant, and the first of the next year.

        Shared by all calendars of a zone: converting midnights is most of a table's cost.
        """
        first = dt.date(year, 1, 1)
        days = (dt.date(year + 1, 1, 1) - first).days
        return [wall_to_micros(self.zone, first + dt.timedelta(n), 0) for n in range(days + 1)]

    def year_of(self, micros: int) -> int:
        """The local year an instant falls in; outside the covered years is a ClockError."""
        if not self.start(FIRST_YEAR) <= micros < self.start(LAST_YEAR + 1):
            when = from_micros(micros).isoformat()
            raise ClockError(
                f"{when} is outside the years the clock covers ({FIRST_YEAR}-{LAST_YEAR})"
            )
        year = 1970 + micros // _AVERAGE_YEAR
        while self.start(year) > micros:
            year -= 1
        while self.start(year + 1) <= micros:
            year += 1
        return year
