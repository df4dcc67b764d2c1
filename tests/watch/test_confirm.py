"""Confirmation of probe outcomes: one failure is not an outage, and an outage starts at the
first failed probe of the run that confirmed it (R3.3)."""

from __future__ import annotations

import datetime as dt

from stabil.watch.confirm import Confirmed, Observation, Tracker
from stabil.watch.states import State

T0 = dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC)


def probes(tracker: Tracker, *outcomes: State) -> list[Confirmed | None]:
    return [
        tracker.observe(Observation(T0 + dt.timedelta(minutes=n), outcome, {"n": n}))
        for n, outcome in enumerate(outcomes)
    ]


def test_three_failures_confirm_an_outage_from_the_first_of_them() -> None:
    tracker = Tracker(State.up, fail_after=3, recover_after=2)
    found = probes(tracker, State.down, State.down, State.down)
    assert found[:2] == [None, None]
    assert found[2] == Confirmed(State.down, T0, {"n": 0})
    assert tracker.state is State.down


def test_a_good_probe_between_failures_starts_the_count_again() -> None:
    tracker = Tracker(State.up, fail_after=3)
    found = probes(tracker, State.down, State.down, State.up, State.down, State.down)
    assert found == [None] * 5
    assert (tracker.state, tracker.pending) == (State.up, 2)


def test_recovery_needs_its_own_count_and_starts_at_the_first_good_probe() -> None:
    tracker = Tracker(State.down, fail_after=3, recover_after=2)
    found = probes(tracker, State.up, State.up)
    assert found == [None, Confirmed(State.up, T0, {"n": 0})]


def test_a_slow_run_is_its_own_state_and_a_change_of_kind_restarts_the_count() -> None:
    tracker = Tracker(State.up, fail_after=2)
    found = probes(tracker, State.degraded, State.down, State.down)
    assert found[:2] == [None, None]
    assert found[2] == Confirmed(State.down, T0 + dt.timedelta(minutes=1), {"n": 1})


def test_after_a_gap_one_good_probe_is_data_enough_but_a_failure_is_still_confirmed() -> None:
    assert probes(Tracker(State.unknown, recover_after=3), State.up) == [
        Confirmed(State.up, T0, {"n": 0})
    ]
    assert probes(Tracker(State.unknown, fail_after=2), State.down) == [None]
