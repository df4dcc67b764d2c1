"""A meeting's states: planned, then held (its minutes recorded) or cancelled; and an
action's: open until done."""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK
from stabil.records.machine import Machine, Step


class MeetingState(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class MeetingStep(StrEnum):
    record_minutes = "record_minutes"
    cancel = "cancel"


class ActionState(StrEnum):
    open = "open"
    done = "done"


State, Do = MeetingState, MeetingStep
MACHINE = Machine[MeetingState, MeetingStep](
    [
        Step(State.planned, Do.record_minutes, State.held, WORK),
        # Minutes are amended after the meeting, when the participants approve them (R17.1).
        Step(State.held, Do.record_minutes, State.held, WORK),
        Step(State.planned, Do.cancel, State.cancelled, WORK),
    ]
)
# Meetings that take place (or did): what the schedule counts and the calendar shows.
TAKING_PLACE = (State.planned, State.held)
