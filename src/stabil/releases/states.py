"""A release's states: planned, announced to its users in writing, released; or cancelled
before it is released (R11)."""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK
from stabil.records.machine import Machine, Step


class ReleaseState(StrEnum):
    planned = "planned"
    announced = "announced"
    released = "released"
    cancelled = "cancelled"


class ReleaseAction(StrEnum):
    announce = "announce"
    release = "release"
    cancel = "cancel"


State, Action = ReleaseState, ReleaseAction
MACHINE = Machine[ReleaseState, ReleaseAction](
    [
        Step(State.planned, Action.announce, State.announced, WORK),
        # Only a release that needs no notice may go out unannounced (access.transitions_for).
        Step(State.planned, Action.release, State.released, WORK),
        Step(State.announced, Action.release, State.released, WORK),
        Step(State.planned, Action.cancel, State.cancelled, WORK),
        Step(State.announced, Action.cancel, State.cancelled, WORK),
    ]
)
# A release whose date and notes may still change.
OPEN = (State.planned, State.announced)
