"""Which service period holds an instant (R2), and ranges cut at period changes.

Borger.dk: primary is Monday-Friday 08:30-16:30 except holidays and the extra non-working days
(5 June, 24 and 31 December); secondary is all other time (R2.2-R2.4); half-open (R2.5).
"""

from __future__ import annotations

import datetime as dt

import pytest

from stabil.clock import Clock, ClockError, Segment
from tests.clock.conftest import local, utc


@pytest.mark.parametrize(
    ("instant", "period"),
    [
        (local(2026, 4, 7, 8, 29, 59), "secondary"),  # Tuesday, one second before opening
        (local(2026, 4, 7, 8, 30), "primary"),  # R2.5: the start belongs to the range
        (local(2026, 4, 7, 16, 29, 59), "primary"),
        (local(2026, 4, 7, 16, 30), "secondary"),  # R2.5: the end does not
        (local(2026, 4, 7, 0, 0), "secondary"),  # midnight
        (local(2026, 4, 11, 12, 0), "secondary"),  # Saturday
        (local(2026, 4, 3, 12, 0), "secondary"),  # Langfredag, a Friday holiday (R2.4)
        (local(2026, 5, 14, 12, 0), "secondary"),  # Kristi himmelfartsdag (Ascension)
        (local(2026, 5, 25, 12, 0), "secondary"),  # Anden pinsedag (Whit Monday)
        (local(2026, 6, 5, 12, 0), "secondary"),  # 5 June, an extra non-working day
        (local(2026, 12, 24, 12, 0), "secondary"),  # 24 December, extra
        (local(2026, 12, 31, 12, 0), "secondary"),  # 31 December, extra
        (local(2027, 1, 1, 12, 0), "secondary"),  # Nytårsdag
        (local(2023, 5, 5, 12, 0), "secondary"),  # Store Bededag 2023, still a holiday
        (local(2024, 4, 26, 12, 0), "primary"),  # its date in 2024, no longer a holiday
        (utc(2026, 4, 7, 6, 30), "primary"),  # 06:30 UTC is 08:30 CEST
    ],
)
def test_period_at_r2_5_edges(borger: Clock, instant: dt.datetime, period: str) -> None:
    assert borger.period_at(instant) == period


def test_the_second_declaration_has_business_and_off_hours(webservice: Clock) -> None:
    # Business hours: Monday-Thursday 07-17, Friday 07-15.
    assert webservice.period_at(local(2026, 4, 9, 16, 59)) == "business"  # Thursday
    assert webservice.period_at(local(2026, 4, 10, 15, 0)) == "off_hours"  # Friday
    assert webservice.period_at(local(2026, 4, 10, 14, 59)) == "business"


def test_segments_of_an_ordinary_day(borger: Clock) -> None:
    segments = borger.segments(local(2026, 4, 7), local(2026, 4, 8))
    assert segments == [
        Segment(local(2026, 4, 7), local(2026, 4, 7, 8, 30), "secondary"),
        Segment(local(2026, 4, 7, 8, 30), local(2026, 4, 7, 16, 30), "primary"),
        Segment(local(2026, 4, 7, 16, 30), local(2026, 4, 8), "secondary"),
    ]
    assert [segment.seconds for segment in segments] == [30600, 28800, 27000]


def test_segments_over_easter_are_one_secondary_piece(borger: Clock) -> None:
    # Wednesday 1 April 16:30 to Tuesday 7 April 08:30 2026 is closed: Skærtorsdag, Langfredag,
    # the weekend and Anden påskedag.
    segments = borger.segments(local(2026, 4, 1, 12), local(2026, 4, 7, 12))
    assert [(item.start, item.end, item.period) for item in segments] == [
        (local(2026, 4, 1, 12), local(2026, 4, 1, 16, 30), "primary"),
        (local(2026, 4, 1, 16, 30), local(2026, 4, 7, 8, 30), "secondary"),
        (local(2026, 4, 7, 8, 30), local(2026, 4, 7, 12), "primary"),
    ]
    # Wednesday 16:30 to Tuesday 08:30 is 5 days and 16 hours (DST began on 29 March).
    assert segments[1].seconds == 136 * 3600


def test_segments_are_in_utc_and_empty_for_an_empty_range(borger: Clock) -> None:
    (segment,) = borger.segments(local(2026, 4, 7, 9), local(2026, 4, 7, 10))
    assert segment.start.tzinfo is dt.UTC
    assert segment.start == utc(2026, 4, 7, 7)
    assert borger.segments(local(2026, 4, 7, 10), local(2026, 4, 7, 10)) == []
    assert borger.segments(local(2026, 4, 7, 10), local(2026, 4, 7, 9)) == []


def test_periods_at_dst_boundaries_in_the_night_calendar(dst_hours: Clock) -> None:
    # Spring, Sunday 29 March 2026: the clocks jump from 02:00 CET to 03:00 CEST at 01:00 UTC.
    # 02:30 never happens, so the night opens at the jump; it closes at 03:30 CEST (01:30 UTC).
    assert dst_hours.period_at(utc(2026, 3, 29, 0, 59)) == "day"
    assert dst_hours.period_at(utc(2026, 3, 29, 1, 0)) == "night"
    assert dst_hours.period_at(utc(2026, 3, 29, 1, 30)) == "day"
    # Autumn, Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:30
    # happens twice; the night opens at the first (00:30 UTC) and closes at 03:30 CET (02:30 UTC).
    assert dst_hours.period_at(utc(2026, 10, 25, 0, 29)) == "day"
    assert dst_hours.period_at(utc(2026, 10, 25, 0, 30)) == "night"
    assert dst_hours.period_at(local(2026, 10, 25, 2, 45, fold=1)) == "night"  # 01:45 UTC
    assert dst_hours.period_at(utc(2026, 10, 25, 2, 30)) == "day"


def test_no_period_is_an_error_when_periods_leave_gaps() -> None:
    from stabil.declaration import parse_declaration
    from tests.clock.conftest import DST_DECLARATION

    text = DST_DECLARATION.replace(
        "service_periods: {periods: [night, day]}",
        "service_periods: {periods: [night], cover_all_time: false}",
    )
    clock = Clock(parse_declaration(text))
    assert clock.period_at(local(2026, 4, 7, 2, 45)) == "night"
    with pytest.raises(ClockError, match="no service period holds"):
        clock.period_at(local(2026, 4, 7, 12))
    (segment,) = clock.segments(local(2026, 4, 7), local(2026, 4, 8))
    assert (segment.start, segment.end) == (local(2026, 4, 7, 2, 30), local(2026, 4, 7, 3, 30))
    assert list(clock.periods_at([local(2026, 4, 7, 12).timestamp()])) == [-1]
