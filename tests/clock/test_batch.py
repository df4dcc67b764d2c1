"""The batch API (numpy arrays of epoch seconds) gives the scalar API's answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pytest

from stabil.clock import Clock, ClockError
from tests.clock.conftest import UTC, local

QUERIES = 100_000
CALENDARS = ["primary", "secondary", "always", "orientation_period_1", "on_call"]
BORGER_TARGETS = [15 * 60, 240 * 60, 480 * 60, 2 * 480 * 60, 4 * 480 * 60, 30 * 480 * 60]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
US = dt.timedelta(microseconds=1)


def _instant(micros: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=micros)


def _micros(seconds: npt.NDArray[np.float64]) -> list[int]:
    return [int(value) for value in np.rint(seconds * 1e6)]


def test_scalar_and_batch_agree_on_100_000_random_queries(borger: Clock) -> None:
    rng = np.random.default_rng(20260407)
    low = (dt.datetime(2025, 1, 1, tzinfo=UTC) - EPOCH) // US
    high = (dt.datetime(2028, 1, 1, tzinfo=UTC) - EPOCH) // US
    # Whole microseconds; as float seconds they convert back exactly in these years.
    starts = rng.integers(low, high, QUERIES)
    ends = starts + rng.integers(0, 30 * 86_400 * 10**6, QUERIES)
    arbitrary = rng.integers(0, 20 * 86_400 * 10**6, QUERIES)
    durations = np.where(
        rng.random(QUERIES) < 0.5, rng.choice(BORGER_TARGETS, QUERIES) * 10**6, arbitrary
    )
    calendars = rng.choice(len(CALENDARS), QUERIES)
    for index, calendar in enumerate(CALENDARS):
        chosen = calendars == index
        start, end, amount = starts[chosen], ends[chosen], durations[chosen]
        due = _micros(borger.deadlines(calendar, start / 1e6, amount / 1e6))
        took = borger.elapsed_many(calendar, start / 1e6, end / 1e6)
        for n in range(len(start)):
            first = _instant(int(start[n]))
            scalar_due = borger.deadline(calendar, first, int(amount[n]) / 1e6)
            assert (scalar_due - EPOCH) // US == due[n]
            assert borger.elapsed(calendar, first, _instant(int(end[n]))) == took[n]
    labels = borger.periods_at(starts / 1e6)
    names = [borger.periods[label] for label in labels]
    assert names == [borger.period_at(_instant(int(value))) for value in starts]


def test_target_deadlines_r7_3(borger: Clock) -> None:
    starts = [local(2026, 4, 11, 10).timestamp(), local(2026, 4, 7, 16, 15).timestamp()]
    expected = [local(2026, 4, 13, 8, 45).timestamp(), local(2026, 4, 7, 16, 30).timestamp()]
    assert list(borger.target_deadlines(1, "reaction", starts)) == expected


def test_batch_edges(borger: Clock) -> None:
    saturday = local(2026, 4, 11, 10).timestamp()
    assert borger.deadlines("primary", [], []).shape == (0,)
    assert borger.elapsed_many("primary", [], []).shape == (0,)
    assert borger.periods_at([]).shape == (0,)
    assert list(borger.deadlines("primary", [saturday], 0)) == [saturday]  # zero: the start
    assert list(borger.elapsed_many("primary", [saturday + 60], [saturday])) == [0]
    with pytest.raises(ClockError, match="finite"):
        borger.deadlines("primary", [float("nan")], [60])
    with pytest.raises(ClockError, match="at least 0 seconds"):
        borger.deadlines("primary", [saturday], [-60])
    with pytest.raises(ClockError, match="no calendar is named 'nope'"):
        borger.elapsed_many("nope", [saturday], [saturday])


def test_batch_deadlines_grow_the_tables_into_later_years(borger: Clock) -> None:
    # 30 working days from 20 December run into the next year, which the tables grow into;
    # from 2399 that is past the last year the clock covers.
    start = local(2300, 12, 20, 12).timestamp()
    (due,) = borger.deadlines("primary", [start], [30 * 480 * 60])
    assert due == borger.deadline("primary", local(2300, 12, 20, 12), 30 * 480 * 60).timestamp()
    with pytest.raises(ClockError, match="after 2399"):
        borger.deadlines("primary", [local(2399, 12, 20, 12).timestamp()], [30 * 480 * 60])
