"""The demo's plan, pure computation from a seed and the declaration: a year of it has the
proportions and the times of day of a real desk, and nothing after its end."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.demo.actions import Action, Report
from stabil.demo.plan import make_plan, months_before
from stabil.desk.suggestion import suggest_priority

END = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def year(borger_dk: Declaration) -> list[Action]:
    return make_plan(borger_dk, seed=7, start=months_before(END, 12), end=END)


def _reports(actions: list[Action]) -> list[Report]:
    return [action.op for action in actions if isinstance(action.op, Report)]


def test_priorities_come_in_realistic_proportions(
    year: list[Action], borger_dk: Declaration
) -> None:
    # The declaration's four priorities (R6.1-R6.4): critical rare, low the most common.
    levels = Counter(
        report.priority or suggest_priority(borger_dk, report.impact).priority
        for report in _reports(year)
    )
    total = sum(levels.values())
    shares = {level: 100 * count / total for level, count in levels.items()}
    assert total > 400
    assert 1.5 <= shares[1] <= 5.5
    assert 8 <= shares[2] <= 16
    assert 29 <= shares[3] <= 41
    assert 44 <= shares[4] <= 58


def test_most_faults_are_detected_in_working_hours_some_at_night_and_weekends(
    year: list[Action], borger_dk: Declaration
) -> None:
    clock = clock_for(borger_dk)
    local = [report.detected_at.astimezone(borger_dk.time.zone) for report in _reports(year)]
    office = [
        t for t in local if clock.is_working_day(t.date()) and 7.5 <= t.hour + t.minute / 60 < 17
    ]
    night = [t for t in local if t.hour < 6]
    off_days = [t for t in local if not clock.is_working_day(t.date())]
    assert len(office) / len(local) >= 0.6
    assert len(night) >= 10
    assert len(off_days) >= 30


def test_nothing_is_planned_after_the_end_and_all_is_in_order(year: list[Action]) -> None:
    assert max(action.at for action in year) <= END
    assert year == sorted(year, key=Action.sort_key)


def test_the_seed_decides_the_plan(borger_dk: Declaration) -> None:
    start = months_before(END, 2)
    first = make_plan(borger_dk, seed=1, start=start, end=END)
    assert make_plan(borger_dk, seed=1, start=start, end=END) == first
    assert make_plan(borger_dk, seed=2, start=start, end=END) != first


@pytest.mark.parametrize(
    ("instant", "months", "expected"),
    [
        (
            dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC),
            1,
            dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC),
        ),
        (dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 12, dt.datetime(2025, 1, 15, tzinfo=dt.UTC)),
        (dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 13, dt.datetime(2024, 12, 15, tzinfo=dt.UTC)),
    ],
)
def test_months_before_counts_calendar_months(
    instant: dt.datetime, months: int, expected: dt.datetime
) -> None:
    assert months_before(instant, months) == expected
