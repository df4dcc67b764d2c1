"""Incident states and the transitions between them (R7.2, R7.4)."""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK, Role
from stabil.records.machine import Machine, Step


class State(StrEnum):
    registered = "registered"
    handed_over = "handed_over"  # work has started: handed to a party for resolution (R7.2)
    resolved = "resolved"  # service restored by a fix or a work-around (R7.4)
    closed = "closed"
    cancelled = "cancelled"  # kept in history, excluded from KPIs


class Action(StrEnum):
    """What a transition request asks for; `reopened` leads back to `handed_over`."""

    handed_over = "handed_over"
    resolved = "resolved"
    closed = "closed"
    reopened = "reopened"
    cancelled = "cancelled"


# Operators and admins take every step; a supplier resolves what is handed to it (it sees only
# that); an authority may withdraw its own report (it sees only those) before work starts.
MACHINE = Machine[State, Action](
    [
        Step(State.registered, Action.handed_over, State.handed_over, WORK),
        Step(State.registered, Action.cancelled, State.cancelled, WORK | {Role.authority}),
        # Handing over again passes the incident to another party.
        Step(State.handed_over, Action.handed_over, State.handed_over, WORK),
        Step(State.handed_over, Action.resolved, State.resolved, WORK | {Role.supplier}),
        Step(State.handed_over, Action.cancelled, State.cancelled, WORK),
        Step(State.resolved, Action.closed, State.closed, WORK),
        Step(State.resolved, Action.reopened, State.handed_over, WORK),
    ],
)

# How far an incident has come; a timer that stops at a state is stopped in every later one.
PROGRESS: dict[State, int] = {
    State.registered: 0,
    State.handed_over: 1,
    State.resolved: 2,
    State.closed: 3,
}
