"""A calendar's weekly hours laid out over one local year as instants (R2.5: half-open)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from itertools import pairwise

from stabil.clock.days_off import DaysOff
from stabil.clock.instants import MICROS_PER_DAY, MICROS_PER_MINUTE, wall_to_micros
from stabil.clock.years import YearBounds
from stabil.declaration.hours import HOLIDAY_OFFSET, MINUTES_PER_DAY, WeekPattern

Interval = tuple[int, int]
_DAY = dt.timedelta(days=1)


def day_kind(day: dt.date, days_off: DaysOff) -> int:
    """The week pattern's index for a date: its weekday, or that weekday's holiday variant."""
    return day.weekday() + (HOLIDAY_OFFSET if day in days_off else 0)


def year_intervals(
    pattern: WeekPattern, year: int, years: YearBounds, days_off: DaysOff
) -> list[Interval]:
    """The calendar's open intervals in local year `year`, in order, touching ones merged."""
    intervals: list[Interval] = []
    midnights = years.midnights(year)
    day = dt.date(year, 1, 1)
    for midnight, next_midnight in pairwise(midnights):
        for item in pattern.days[day_kind(day, days_off)]:
            start = _instant(years.zone, day, item.start, midnight, next_midnight)
            end = _instant(years.zone, day, item.end, midnight, next_midnight)
            if start < end:
                _append(intervals, start, end)
        day += _DAY
    return intervals


def _instant(
    zone: zoneinfo.ZoneInfo, day: dt.date, minute: int, midnight: int, next_midnight: int
) -> int:
    """The instant of a wall time on `day`, given the instants of its two midnights."""
    if minute == 0:
        return midnight
    if minute == MINUTES_PER_DAY:
        return next_midnight
    # On a day of 24 hours a wall time is a fixed distance from midnight. On the two DST
    # Sundays it is not: the same reading lies an hour nearer to or further from midnight, or
    # falls in the skipped hour, so each boundary of those days is converted on its own.
    if next_midnight - midnight == MICROS_PER_DAY:
        return midnight + minute * MICROS_PER_MINUTE
    return wall_to_micros(zone, day, minute)


def _append(intervals: list[Interval], start: int, end: int) -> None:
    if intervals and intervals[-1][1] == start:
        intervals[-1] = (intervals[-1][0], end)
    else:
        intervals.append((start, end))


def merged(chunks: list[list[Interval]]) -> list[Interval]:
    """Consecutive years' intervals as one list, merging an interval that spans the new year."""
    intervals: list[Interval] = []
    for chunk in chunks:
        for start, end in chunk:
            _append(intervals, start, end)
    return intervals
