"""Timer state derived from an incident's history, never stored as the only truth (R7).

A timer runs from its start (detection or registration) while the incident has not reached
the state that stops it; a reopening lets it continue where it stopped, or restart, as the
declaration says (R7.4). Elapsed time counts only the target's calendar (R7.3). Everything
here is a pure function of the history and the clock, so a changed priority or a late entry
recomputes the whole timer from the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from stabil.clock import Clock
from stabil.declaration.priorities import OnReopen, Timer, TimerStart
from stabil.desk.states import PROGRESS, State

# Elapsed times are sums of float seconds; a microsecond is far below any target's precision.
TOLERANCE_SECONDS = 1e-6


@dataclass(frozen=True, slots=True)
class Step:
    """The incident entered `state` at `at` (effective time); `reopen` marks a reopening."""

    at: dt.datetime
    state: State
    reopen: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerState:
    kind: str
    calendar: str
    target_seconds: float
    started_at: dt.datetime
    running: bool
    run_started_at: dt.datetime | None  # start of the current run, while running
    completed_seconds: float  # service time of the runs that have ended
    due_at: dt.datetime
    # `due_at` is `deadline_from` plus the target's rest after `counted_before`: what the
    # clock's explanation of the deadline starts from.
    deadline_from: dt.datetime
    counted_before: float
    stopped_at: dt.datetime | None
    elapsed_seconds: float  # service time used up to `now` (or the stop)
    met: bool | None
    breached: bool
    excluded: bool
    # When a report counts the timer: its stop when met, the instant it passed its target
    # when missed; None while it runs and has not passed its target in an earlier run.
    decided_at: dt.datetime | None = None


def stop_rank(timer: Timer) -> int:
    return min(PROGRESS[State(stop.value)] for stop in timer.stops)


def running_in(state: State, timer: Timer) -> bool:
    return state is not State.cancelled and PROGRESS[state] < stop_rank(timer)


@dataclass(slots=True)
class Run:
    """An interval `[begin, end)` in which the timer ran; `end` is None while it runs."""

    begin: dt.datetime
    end: dt.datetime | None = None


def runs_of(timer: Timer, start: dt.datetime, steps: Sequence[Step]) -> list[Run]:
    """The intervals in which the timer ran, from its start on; the last may be open."""
    runs: list[Run] = []
    running = False
    for step in steps:
        if step.reopen and timer.on_reopen is OnReopen.restart:
            runs = []
            running = False
        now_running = running_in(step.state, timer)
        if running and not now_running:
            runs[-1].end = step.at
        elif now_running and not running:
            runs.append(Run(step.at))
        running = now_running
    # A timer that starts at registration ignores what ran before it.
    return [
        Run(max(run.begin, start), run.end) for run in runs if run.end is None or run.end > start
    ]


def compute_timer(
    *,
    clock: Clock,
    kind: str,
    timer: Timer,
    calendar: str,
    target_seconds: float,
    detected_at: dt.datetime,
    registered_at: dt.datetime,
    steps: Sequence[Step],
    now: dt.datetime,
) -> TimerState:
    start = detected_at if timer.starts is TimerStart.detected else registered_at
    runs = runs_of(timer, start, steps)
    closed = [(run.begin, run.end) for run in runs if run.end is not None]
    spent = [clock.elapsed(calendar, begin, end) for begin, end in closed]
    current = runs[-1] if runs and runs[-1].end is None else None
    passed = _passed_target(clock, calendar, target_seconds, closed, spent)
    if current is not None:
        before = sum(spent)
        elapsed = before + clock.elapsed(calendar, current.begin, max(now, current.begin))
        due = clock.deadline(calendar, current.begin, max(0.0, target_seconds - before))
        return TimerState(
            kind=kind,
            calendar=calendar,
            target_seconds=target_seconds,
            started_at=start,
            running=True,
            run_started_at=current.begin,
            completed_seconds=before,
            due_at=due,
            deadline_from=current.begin,
            counted_before=before,
            stopped_at=None,
            elapsed_seconds=elapsed,
            met=None,
            breached=now > due,
            excluded=False,
            decided_at=passed,
        )
    last_start = closed[-1][0] if closed else start
    before_last = sum(spent[:-1])
    due = clock.deadline(calendar, last_start, max(0.0, target_seconds - before_last))
    elapsed = sum(spent)
    stopped_at = closed[-1][1] if closed else start
    cancelled = any(step.state is State.cancelled for step in steps)
    met = elapsed <= target_seconds + TOLERANCE_SECONDS
    return TimerState(
        kind=kind,
        calendar=calendar,
        target_seconds=target_seconds,
        started_at=start,
        running=False,
        run_started_at=None,
        completed_seconds=elapsed,
        due_at=due,
        deadline_from=last_start,
        counted_before=before_last,
        stopped_at=stopped_at,
        elapsed_seconds=elapsed,
        met=met,
        breached=False,
        excluded=cancelled,
        decided_at=stopped_at if met else passed or due,
    )


def _passed_target(
    clock: Clock,
    calendar: str,
    target_seconds: float,
    closed: Sequence[tuple[dt.datetime, dt.datetime]],
    spent: Sequence[float],
) -> dt.datetime | None:
    """The instant the ended runs used up the target, if they did: a timer missed in its
    first run and stopped after a reopening was missed then, not at its last run's deadline."""
    before = 0.0
    for (begin, _), used in zip(closed, spent, strict=True):
        if before + used > target_seconds + TOLERANCE_SECONDS:
            return clock.deadline(calendar, begin, target_seconds - before)
        before += used
    return None
