"""Timers derived from history with the declaration's clock (R7.2-R7.4).

Expected instants are worked out by hand in the comments; Borger.dk counts primary service
time, Monday-Friday 08:30-16:30 local time, holidays and 5 June, 24 and 31 December excluded.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.desk.states import State
from stabil.desk.timers import Step, TimerState, compute_timer

CPH = ZoneInfo("Europe/Copenhagen")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def timer(
    declaration: Declaration,
    kind: str,
    priority: int,
    detected: dt.datetime,
    steps: list[tuple[dt.datetime, State, bool]],
    now: dt.datetime,
    registered: dt.datetime | None = None,
) -> TimerState:
    clock = clock_for(declaration)
    history = [Step(detected, State.registered)] + [Step(at, s, r) for at, s, r in steps]
    return compute_timer(
        clock=clock,
        kind=kind,
        timer=declaration.timers[kind],
        calendar=declaration.target(priority, kind).calendar,
        target_seconds=clock.target_seconds(priority, kind),
        detected_at=detected,
        registered_at=registered or detected,
        steps=history,
        now=now,
    )


def test_reaction_over_a_weekend_r7_3(borger_dk: Declaration) -> None:
    # Detected Saturday 10:00: no primary time until Monday 08:30; 15 minutes later is 08:45.
    state = timer(borger_dk, "reaction", 1, local(2026, 4, 11, 10), [], now=local(2026, 4, 13, 8))
    assert state.running
    assert state.due_at == local(2026, 4, 13, 8, 45)
    assert state.elapsed_seconds == 0
    assert not state.breached


def test_reaction_breached_after_due(borger_dk: Declaration) -> None:
    state = timer(borger_dk, "reaction", 1, local(2026, 4, 11, 10), [], now=local(2026, 4, 13, 9))
    assert state.breached
    assert state.elapsed_seconds == 30 * 60  # 08:30-09:00


def test_reaction_stops_at_hand_over_r7_2(borger_dk: Declaration) -> None:
    # Friday 16:20 detected: 10 min until 16:30, 5 more on Monday: due Monday 08:35.
    steps = [(local(2026, 4, 20, 8, 33), State.handed_over, False)]
    state = timer(borger_dk, "reaction", 1, local(2026, 4, 17, 16, 20), steps, local(2026, 5, 1))
    assert not state.running
    assert state.due_at == local(2026, 4, 20, 8, 35)
    assert state.stopped_at == local(2026, 4, 20, 8, 33)
    assert state.elapsed_seconds == 13 * 60
    assert state.met is True


def test_working_days_over_easter_2026(borger_dk: Declaration) -> None:
    # P3 reaction is 2 working days = 960 min. Wednesday 1 April 10:00-16:30 gives 390; 2-6
    # April are Easter holidays and a weekend; Tuesday 7 April gives 480 (870); the last 90
    # minutes end Wednesday 8 April 10:00.
    state = timer(borger_dk, "reaction", 3, local(2026, 4, 1, 10), [], now=local(2026, 4, 1, 11))
    assert state.due_at == local(2026, 4, 8, 10)


def test_reopened_resolution_continues_r7_4(borger_dk: Declaration) -> None:
    # P2 resolution is 480 min. Tuesday 08:30-12:30 uses 240; reopened Wednesday 10:00 the
    # other 240 run until 14:00. Resolved again at 11:00: 300 minutes in all, met.
    detected = local(2026, 4, 14, 8, 30)
    handed = (local(2026, 4, 14, 9), State.handed_over, False)
    resolved = (local(2026, 4, 14, 12, 30), State.resolved, False)
    reopened = (local(2026, 4, 15, 10), State.handed_over, True)
    running = timer(
        borger_dk,
        "resolution",
        2,
        detected,
        [handed, resolved, reopened],
        now=local(2026, 4, 15, 10, 30),
    )
    assert running.running
    assert running.due_at == local(2026, 4, 15, 14)
    assert running.elapsed_seconds == 270 * 60
    again = (local(2026, 4, 15, 11), State.resolved, False)
    done = timer(
        borger_dk,
        "resolution",
        2,
        detected,
        [handed, resolved, reopened, again],
        now=local(2026, 4, 16),
    )
    assert done.elapsed_seconds == 300 * 60
    assert done.met is True
    assert done.stopped_at == local(2026, 4, 15, 11)


def test_reaction_stays_stopped_after_a_reopening(borger_dk: Declaration) -> None:
    detected = local(2026, 4, 14, 8, 30)
    steps = [
        (local(2026, 4, 14, 8, 40), State.handed_over, False),
        (local(2026, 4, 14, 9), State.resolved, False),
        (local(2026, 4, 14, 10), State.handed_over, True),
    ]
    state = timer(borger_dk, "reaction", 1, detected, steps, now=local(2026, 4, 14, 12))
    assert not state.running
    assert state.elapsed_seconds == 10 * 60
    assert state.met is True


def test_restart_on_reopen_counts_from_the_reopening(example_declaration: Declaration) -> None:
    # Example SLA: resolution restarts on reopening and P1 counts all time: 4 hours again.
    detected = dt.datetime(2026, 3, 7, 22, tzinfo=dt.UTC)
    steps = [
        (dt.datetime(2026, 3, 7, 23, tzinfo=dt.UTC), State.handed_over, False),
        (dt.datetime(2026, 3, 8, 1, tzinfo=dt.UTC), State.resolved, False),
        (dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC), State.handed_over, True),
    ]
    now = dt.datetime(2026, 3, 8, 6, tzinfo=dt.UTC)
    state = timer(example_declaration, "resolution", 1, detected, steps, now)
    assert state.due_at == dt.datetime(2026, 3, 8, 9, tzinfo=dt.UTC)
    assert state.elapsed_seconds == 3600


def test_cancelled_timer_is_excluded(borger_dk: Declaration) -> None:
    detected = local(2026, 4, 14, 9)
    steps = [(local(2026, 4, 14, 9, 5), State.cancelled, False)]
    state = timer(borger_dk, "resolution", 2, detected, steps, now=local(2026, 4, 14, 10))
    assert not state.running
    assert state.excluded
    assert state.elapsed_seconds == 5 * 60


def test_timer_started_at_registration(example_declaration: Declaration) -> None:
    # The example's timers start at registration: detected 06:00 UTC, registered 07:00 UTC;
    # P1 reaction 30 min of all time is due 07:30 UTC.
    detected = dt.datetime(2026, 3, 9, 6, tzinfo=dt.UTC)
    registered = dt.datetime(2026, 3, 9, 7, tzinfo=dt.UTC)
    now = dt.datetime(2026, 3, 9, 7, 10, tzinfo=dt.UTC)
    state = timer(example_declaration, "reaction", 1, detected, [], now, registered=registered)
    assert state.started_at == registered
    assert state.due_at == dt.datetime(2026, 3, 9, 7, 30, tzinfo=dt.UTC)
    assert state.elapsed_seconds == 600
