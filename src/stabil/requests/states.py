"""A service request's lifecycle, and how it maps onto the states the timers understand."""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK, Role
from stabil.desk.states import State
from stabil.records.machine import Machine, becomes


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


# A step is named after the state it leads to. The desk handles every request; an authority
# may withdraw its own (it sees only those) while it is open.
WITHDRAW = WORK | {Role.authority}
MACHINE = Machine[RequestState, RequestState](
    [
        becomes(RequestState.submitted, RequestState.in_progress, WORK),
        becomes(RequestState.submitted, RequestState.fulfilled, WORK),
        becomes(RequestState.submitted, RequestState.rejected, WORK),
        becomes(RequestState.submitted, RequestState.withdrawn, WITHDRAW),
        becomes(RequestState.in_progress, RequestState.fulfilled, WORK),
        becomes(RequestState.in_progress, RequestState.rejected, WORK),
        becomes(RequestState.in_progress, RequestState.withdrawn, WITHDRAW),
        becomes(RequestState.fulfilled, RequestState.closed, WORK),
    ],
)

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
