"""Properties that hold for every start, duration and calendar (hypothesis).

Instants are drawn to the microsecond over 2025-2027, the years reports look at, and sometimes
from 1970-2200; durations include Borger.dk's targets (R7.1, R7.3) and arbitrary amounts.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from stabil.clock import Clock
from tests.clock.conftest import UTC

EXAMPLES = settings(max_examples=150, deadline=None)
MICROSECOND = dt.timedelta(microseconds=1)
CALENDARS = st.sampled_from(
    ["primary", "secondary", "always", "orientation_period_1", "on_call", "window_nights"]
)


def _instants(first_year: int, last_year: int) -> st.SearchStrategy[dt.datetime]:
    return st.datetimes(
        min_value=dt.datetime(first_year, 1, 1), max_value=dt.datetime(last_year, 12, 31)
    ).map(lambda naive: naive.replace(tzinfo=UTC))


INSTANTS = st.one_of(_instants(2025, 2027), _instants(2025, 2027), _instants(1970, 2200))
BORGER_TARGETS = [15 * 60, 240 * 60, 480 * 60, 2 * 480 * 60, 4 * 480 * 60, 30 * 480 * 60]
# Whole microseconds, as seconds: up to 40 days of calendar time.
DURATIONS = st.one_of(
    st.sampled_from(BORGER_TARGETS),
    st.integers(min_value=0, max_value=40 * 86_400 * 10**6).map(lambda micros: micros / 10**6),
)


def _micros(seconds: float) -> int:
    return round(seconds * 10**6)


@EXAMPLES
@given(calendar=CALENDARS, start=INSTANTS, seconds=DURATIONS)
def test_elapsed_of_a_deadline_is_the_duration(
    borger: Clock, calendar: str, start: dt.datetime, seconds: float
) -> None:
    due = borger.deadline(calendar, start, seconds)
    assert due >= start
    assert borger.elapsed(calendar, start, due) == seconds
    if seconds > 0:  # and it is the earliest such instant
        assert borger.elapsed(calendar, start, due - MICROSECOND) < seconds


@EXAMPLES
@given(calendar=CALENDARS, starts=st.lists(INSTANTS, min_size=2, max_size=2), seconds=DURATIONS)
def test_deadlines_are_monotone_in_the_start(
    borger: Clock, calendar: str, starts: list[dt.datetime], seconds: float
) -> None:
    early, late = sorted(starts)
    assert borger.deadline(calendar, early, seconds) <= borger.deadline(calendar, late, seconds)


@EXAMPLES
@given(calendar=CALENDARS, start=INSTANTS, durations=st.lists(DURATIONS, min_size=2, max_size=2))
def test_deadlines_are_monotone_in_the_duration(
    borger: Clock, calendar: str, start: dt.datetime, durations: list[float]
) -> None:
    short, long = sorted(durations)
    assert borger.deadline(calendar, start, short) <= borger.deadline(calendar, start, long)


@EXAMPLES
@given(calendar=CALENDARS, instants=st.lists(INSTANTS, min_size=3, max_size=3))
def test_elapsed_is_additive_over_a_split_point(
    borger: Clock, calendar: str, instants: list[dt.datetime]
) -> None:
    first, middle, last = sorted(instants)
    whole = _micros(borger.elapsed(calendar, first, last))
    parts = _micros(borger.elapsed(calendar, first, middle))
    parts += _micros(borger.elapsed(calendar, middle, last))
    # The clock counts whole microseconds, but a float of seconds holds them exactly only up
    # to about a century (2**53 microseconds is 285 years, and the fraction costs a bit more).
    assert abs(whole - parts) <= (0 if (last - first).days < 36_500 else 1)
    assert borger.elapsed(calendar, last, first) == 0 or first == last


@EXAMPLES
@given(start=INSTANTS, hours=st.integers(min_value=0, max_value=24 * 21))
def test_period_boundaries_agree_with_segments_r2_5(
    borger: Clock, start: dt.datetime, hours: int
) -> None:
    end = start + dt.timedelta(hours=hours, microseconds=1)
    segments = borger.segments(start, end)
    assert segments[0].start == start
    assert segments[-1].end == end
    for before, after in pairwise(segments):
        assert before.end == after.start
        assert before.period != after.period  # every cut is a change of period
        assert borger.period_at(before.end) == after.period  # R2.5: a bound is the later one's
    for segment in segments:
        assert borger.period_at(segment.start) == segment.period
        assert borger.period_at(segment.end - MICROSECOND) == segment.period
        # The segment lies wholly in its period's calendar.
        assert borger.elapsed(segment.period, segment.start, segment.end) == segment.seconds


@EXAMPLES
@given(calendar=CALENDARS, instant=INSTANTS)
def test_next_open_is_the_first_open_instant(
    borger: Clock, calendar: str, instant: dt.datetime
) -> None:
    found = borger.next_open(calendar, instant)
    assert borger.is_open(calendar, found)
    assert borger.elapsed(calendar, instant, found) == 0
    assert (found == instant) == borger.is_open(calendar, instant)


@EXAMPLES
@given(
    day=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 12, 31)),
    count=st.integers(min_value=-40, max_value=40),
)
def test_adding_working_days_lands_on_the_nth_one_r7_3(
    borger: Clock, day: dt.date, count: int
) -> None:
    result = borger.add_working_days(day, count)
    if count == 0:
        assert result == day
        return
    assert borger.is_working_day(result)
    # Forwards the days counted are (day, result]; backwards they are [result, day).
    first = day + dt.timedelta(days=1) if count > 0 else result
    last = result if count > 0 else day - dt.timedelta(days=1)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    assert sum(borger.is_working_day(item) for item in days) == abs(count)


@EXAMPLES
@given(detected=INSTANTS)
def test_orientation_r14_5(borger: Clock, detected: dt.datetime) -> None:
    due = borger.orientation_first_due(detected)
    assert due > detected
    if borger.is_open("orientation_period_1", detected):
        assert due - detected == dt.timedelta(hours=1)  # elapsed, exact across DST
    else:
        local = due.astimezone(borger.zone)
        assert (local.hour, local.minute, local.second) == (8, 0, 0)
        assert due - detected <= dt.timedelta(hours=24)
    update = borger.orientation_next_due(detected)
    assert update >= detected + dt.timedelta(hours=1)
