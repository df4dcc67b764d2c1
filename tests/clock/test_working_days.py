"""Working days (R7.3, R2.4): a date with primary service time for Borger.dk."""

from __future__ import annotations

import datetime as dt

import pytest

from stabil.clock import Clock, ClockError


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 4, 7), True),  # a Tuesday
        (dt.date(2026, 4, 11), False),  # Saturday
        (dt.date(2026, 4, 3), False),  # Langfredag
        (dt.date(2026, 5, 14), False),  # Kristi himmelfartsdag
        (dt.date(2026, 6, 5), False),  # 5 June, extra
        (dt.date(2026, 12, 24), False),  # extra
        (dt.date(2026, 12, 31), False),  # extra
        (dt.date(2027, 1, 1), False),  # Nytårsdag
        (dt.date(2023, 5, 5), False),  # Store Bededag 2023
        (dt.date(2024, 4, 26), True),  # the same Friday in 2024: no longer a holiday
    ],
)
def test_is_working_day(borger: Clock, day: dt.date, working: bool) -> None:
    assert borger.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "count", "result"),
    [
        (dt.date(2026, 4, 7), 0, dt.date(2026, 4, 7)),
        (dt.date(2026, 4, 1), 1, dt.date(2026, 4, 7)),  # over Easter
        (dt.date(2026, 4, 7), -1, dt.date(2026, 4, 1)),  # and back
        (dt.date(2026, 12, 23), 1, dt.date(2026, 12, 28)),  # over Christmas
        (dt.date(2026, 12, 30), 1, dt.date(2027, 1, 4)),  # over New Year
        (dt.date(2023, 5, 4), 1, dt.date(2023, 5, 8)),  # Store Bededag 2023
        (dt.date(2024, 4, 25), 1, dt.date(2024, 4, 26)),  # no Store Bededag in 2024
        # 30 working days from Friday 2 January 2026: six holiday-free weeks from 5 January.
        (dt.date(2026, 1, 2), 30, dt.date(2026, 2, 13)),
    ],
)
def test_add_working_days(borger: Clock, day: dt.date, count: int, result: dt.date) -> None:
    assert borger.add_working_days(day, count) == result


def test_the_example_declaration_has_a_shorter_week(webservice: Clock) -> None:
    # Its working days are the days with business hours: Monday-Friday; 5 June is a normal
    # day there (no extra days off), so Thursday 4 June plus one is Friday 5 June.
    assert webservice.is_working_day(dt.date(2026, 6, 5))
    assert webservice.add_working_days(dt.date(2026, 6, 4), 1) == dt.date(2026, 6, 5)


def test_days_outside_the_covered_years_are_errors(borger: Clock) -> None:
    with pytest.raises(ClockError, match="outside the years the clock covers"):
        borger.is_working_day(dt.date(2400, 1, 3))
