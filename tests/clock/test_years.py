"""Any year from 1900 to 2399 works; tables are built lazily, a local year at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from stabil.clock import FIRST_YEAR, LAST_YEAR, Clock, ClockError
from stabil.clock.instants import from_micros, to_micros
from stabil.declaration import Declaration
from tests.clock.conftest import local


def test_1970_easter_and_store_bededag(borger: Clock) -> None:
    # Easter Sunday 1970 was 29 March (computus: a=13, h=1, l=6), so Thursday 26 to Monday 30
    # March were holidays; Denmark kept no DST in 1970, so every offset is +01:00.
    due = borger.target_deadline(1, "reaction", local(1970, 3, 25, 16, 20))
    assert due == local(1970, 3, 31, 8, 35)
    assert due.astimezone(local(1970, 1, 1).tzinfo).isoformat() == "1970-03-31T08:35:00+01:00"
    # Store Bededag, the fourth Friday after Easter: 24 April 1970.
    assert borger.target_deadline(1, "reaction", local(1970, 4, 23, 16, 20)) == local(
        1970, 4, 27, 8, 35
    )


def test_2200_easter_beyond_the_holidays_package_default_range(borger: Clock) -> None:
    # The holidays package stops at 2100 by default. Easter Sunday 2200 is 6 April (computus:
    # a=15, h=10, l=5), so Thursday 3 to Monday 7 April are closed.
    due = borger.target_deadline(1, "reaction", local(2200, 4, 2, 16, 20))
    assert due == local(2200, 4, 8, 8, 35)
    assert not borger.is_working_day(dt.date(2200, 12, 25))


def test_tables_grow_backwards_and_forwards(borger: Clock) -> None:
    # Queries far apart in any order, each answered right: a Tuesday in September (no Danish
    # holiday falls in September) at 09:00, so 15 minutes later.
    for year, month, day in [(2300, 9, 11), (1901, 9, 10), (2399, 9, 14), (1969, 9, 9)]:
        start = local(year, month, day, 9)
        assert start.weekday() == 1  # checks the chosen dates, not the clock
        assert borger.target_deadline(1, "reaction", start) == local(year, month, day, 9, 15)


def test_instants_outside_the_covered_years_are_errors(borger: Clock) -> None:
    assert (FIRST_YEAR, LAST_YEAR) == (1900, 2399)
    with pytest.raises(ClockError, match=r"outside the years the clock covers \(1900-2399\)"):
        borger.period_at(local(1899, 12, 31, 12))
    with pytest.raises(ClockError, match="outside the years"):
        borger.elapsed("primary", local(2026, 1, 1), local(2400, 1, 1, 12))
    with pytest.raises(ClockError, match="the last year the clock covers"):
        borger.deadline("primary", local(2399, 12, 31, 12), 3600)


def test_growing_forward_keeps_the_year_counts_start_in(borger_dk: Declaration) -> None:
    # A deadline counts open time from its span's first year. If another query grows the table
    # backwards while a deadline is growing it forwards, the deadline's count must still hold.
    clock = Clock(borger_dk)
    table = clock.table("primary")
    start = to_micros(local(2027, 12, 20, 8, 30))  # a Monday
    span = table.covering(start, start)  # 2027 and 2028
    table.covering(to_micros(local(2000, 6, 1)), start)  # another query: now from 2000
    # 30 working days: 20-23 and 27-30 December (24 and 31 are extra days off), then
    # 3-28 January 2028 (20), 31 January and 1 February: due at closing time, 1 February.
    count = span.counted(start) + 30 * 480 * 60 * 10**6
    grown = table.reaching(span, count + span.total)  # beyond 2028, to force growth
    assert grown.first_year == span.first_year
    assert from_micros(grown.instant_at(count)) == local(2028, 2, 1, 16, 30)
    assert clock.target_deadline(4, "resolution", local(2027, 12, 20, 8, 30)) == local(
        2028, 2, 1, 16, 30
    )
