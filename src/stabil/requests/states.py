"""A service request's lifecycle, and how it maps onto the states the timers understand."""

from __future__ import annotations

from enum import StrEnum

from stabil.desk.states import State


class Category(StrEnum):
    """What is asked for: information, advice or access (e.g. a password reset)."""

    information = "information"
    advice = "advice"
    access = "access"
    other = "other"


class RequestState(StrEnum):
    submitted = "submitted"
    in_progress = "in_progress"  # someone works on it: the reaction timer stops
    fulfilled = "fulfilled"  # answered or done: the resolution timer stops
    rejected = "rejected"  # answered with a refusal and its reason; that stops the timers too
    withdrawn = "withdrawn"  # the requester no longer needs it; left out of every measure
    closed = "closed"


ALLOWED: dict[RequestState, tuple[RequestState, ...]] = {
    RequestState.submitted: (
        RequestState.in_progress,
        RequestState.fulfilled,
        RequestState.rejected,
        RequestState.withdrawn,
    ),
    RequestState.in_progress: (
        RequestState.fulfilled,
        RequestState.rejected,
        RequestState.withdrawn,
    ),
    RequestState.fulfilled: (RequestState.closed,),
    RequestState.rejected: (),
    RequestState.withdrawn: (),
    RequestState.closed: (),
}

# The timers are the declaration's, computed by the desk's pure timer function: each request
# state stands for the incident state with the same effect on them.
TIMER_STATE: dict[RequestState, State] = {
    RequestState.submitted: State.registered,
    RequestState.in_progress: State.handed_over,
    RequestState.fulfilled: State.resolved,
    RequestState.rejected: State.resolved,
    RequestState.withdrawn: State.cancelled,
    RequestState.closed: State.closed,
}


def allowed_states(state: RequestState) -> tuple[RequestState, ...]:
    return ALLOWED[state]
