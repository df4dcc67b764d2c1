"""Elapsed calendar time between two instants (R2.5, R7.3), including both DST Sundays."""

from __future__ import annotations

import datetime as dt

import pytest

from stabil.clock import Clock
from tests.clock.conftest import local, utc

HOUR = 3600


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        # Two seconds around opening: only 08:30:00-08:30:01 is primary (R2.5).
        (local(2026, 4, 7, 8, 29, 59), local(2026, 4, 7, 8, 30, 1), 1),
        (local(2026, 4, 7, 16, 29, 59), local(2026, 4, 7, 16, 30, 1), 1),
        (local(2026, 4, 7), local(2026, 4, 8), 8 * HOUR),  # one working day
        # Monday 13 to Monday 20 April 2026: five working days.
        (local(2026, 4, 13), local(2026, 4, 20), 40 * HOUR),
        # Wednesday 1 to Thursday 9 April: 1, 7 and 8 April (Easter in between).
        (local(2026, 4, 1), local(2026, 4, 9), 24 * HOUR),
        # December 2026: 23 weekdays, less 24, 25 and 31 December.
        (local(2026, 12, 1), local(2027, 1, 1), 20 * 8 * HOUR),
        (local(2026, 4, 7, 12), local(2026, 4, 7, 12), 0),  # empty
        (local(2026, 4, 7, 12), local(2026, 4, 7, 11), 0),  # end before start
    ],
)
def test_primary_elapsed(borger: Clock, start: dt.datetime, end: dt.datetime, seconds: int) -> None:
    assert borger.elapsed("primary", start, end) == seconds


@pytest.mark.parametrize(
    ("sunday", "hours"),
    [
        (dt.date(2025, 3, 30), 23),  # spring: the clocks skip 02:00-03:00
        (dt.date(2026, 3, 29), 23),
        (dt.date(2027, 3, 28), 23),
        (dt.date(2025, 10, 26), 25),  # autumn: 02:00-03:00 happens twice
        (dt.date(2026, 10, 25), 25),
        (dt.date(2027, 10, 31), 25),
    ],
)
def test_dst_sundays_last_23_or_25_hours(borger: Clock, sunday: dt.date, hours: int) -> None:
    midnight = local(sunday.year, sunday.month, sunday.day)
    next_midnight = midnight + dt.timedelta(days=1)  # wall-clock arithmetic: the next midnight
    assert borger.elapsed("always", midnight, next_midnight) == hours * HOUR
    assert borger.elapsed("secondary", midnight, next_midnight) == hours * HOUR
    assert borger.elapsed("primary", midnight, next_midnight) == 0


def test_a_spring_dst_weekend_of_secondary_time(borger: Clock) -> None:
    # Friday 27 March 2026 16:30 to Monday 30 March 08:30: 64 wall hours, one of them skipped.
    start, end = local(2026, 3, 27, 16, 30), local(2026, 3, 30, 8, 30)
    assert borger.elapsed("secondary", start, end) == 63 * HOUR
    assert borger.elapsed("primary", start, end) == 0


def test_boundaries_in_the_skipped_and_repeated_hours(dst_hours: Clock) -> None:
    # The night calendar is open 02:30-03:30 local time. On 29 March 2026 02:30 never happens,
    # so it opens at the jump (01:00 UTC) and closes at 03:30 CEST (01:30 UTC): 30 minutes.
    assert dst_hours.elapsed("night", utc(2026, 3, 29), utc(2026, 3, 29, 6)) == 1800
    assert dst_hours.next_open("night", utc(2026, 3, 29)) == utc(2026, 3, 29, 1)
    # On 25 October 2026 it opens at the first 02:30 (CEST, 00:30 UTC) and closes at 03:30 CET
    # (02:30 UTC): two hours.
    assert dst_hours.elapsed("night", utc(2026, 10, 25), utc(2026, 10, 25, 6)) == 7200
    assert dst_hours.next_open("night", utc(2026, 10, 24, 22)) == utc(2026, 10, 25, 0, 30)
    # The rest of the day is the complement: 24 h in UTC minus the night's 2 h.
    assert dst_hours.elapsed("day", utc(2026, 10, 25), utc(2026, 10, 26)) == 22 * HOUR


def test_elapsed_to_the_microsecond(borger: Clock) -> None:
    start = local(2026, 4, 7, 8, 29, 59)
    end = local(2026, 4, 7, 8, 30) + dt.timedelta(microseconds=1)
    assert borger.elapsed("primary", start, end) == 0.000001
