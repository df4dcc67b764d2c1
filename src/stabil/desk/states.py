"""Incident states and the transitions between them (R7.2, R7.4)."""

from __future__ import annotations

from enum import StrEnum


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


ALLOWED: dict[State, tuple[Action, ...]] = {
    State.registered: (Action.handed_over, Action.cancelled),
    # Handing over again passes the incident to another party.
    State.handed_over: (Action.handed_over, Action.resolved, Action.cancelled),
    State.resolved: (Action.closed, Action.reopened),
    State.closed: (),
    State.cancelled: (),
}

TARGET_STATE: dict[Action, State] = {
    Action.handed_over: State.handed_over,
    Action.resolved: State.resolved,
    Action.closed: State.closed,
    Action.reopened: State.handed_over,
    Action.cancelled: State.cancelled,
}

# How far an incident has come; a timer that stops at a state is stopped in every later one.
PROGRESS: dict[State, int] = {
    State.registered: 0,
    State.handed_over: 1,
    State.resolved: 2,
    State.closed: 3,
}


def allowed_actions(state: State) -> tuple[Action, ...]:
    return ALLOWED[state]
