"""A service window's states: planned, announced to its stakeholders, under way, done; or
cancelled at any point before it is done (R13)."""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK
from stabil.records.machine import Machine, Step


class WindowState(StrEnum):
    planned = "planned"
    announced = "announced"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"


class WindowAction(StrEnum):
    announce = "announce"
    start = "start"
    complete = "complete"
    cancel = "cancel"


State, Action = WindowState, WindowAction
MACHINE = Machine[WindowState, WindowAction](
    [
        Step(State.planned, Action.announce, State.announced, WORK),
        # An unplanned window (a kind with `planned: false`) may start before it is announced.
        Step(State.planned, Action.start, State.in_progress, WORK),
        Step(State.announced, Action.start, State.in_progress, WORK),
        Step(State.in_progress, Action.complete, State.completed, WORK),
        Step(State.planned, Action.cancel, State.cancelled, WORK),
        Step(State.announced, Action.cancel, State.cancelled, WORK),
        Step(State.in_progress, Action.cancel, State.cancelled, WORK),
    ]
)
# Windows that hold their time and count in the quota.
HOLDING = (State.planned, State.announced, State.in_progress, State.completed)
