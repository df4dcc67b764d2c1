"""Reaction and resolution timers of a service request, when its declaration sets targets.

A declaration may have a priority of kind `service_request` with its own targets; a request
then runs the declaration's timers against them, computed from its history by the desk's pure
timer function, never stored. Without such a priority (Borger.dk) a request has no targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from stabil.catalog.service import declaration_of
from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.declaration.priorities import Priority, PriorityKind
from stabil.desk.timers import Step, TimerState, compute_timer
from stabil.records.models import Event
from stabil.requests.models import ServiceRequest
from stabil.requests.states import TIMER_STATE, RequestState


def request_priorities(declaration: Declaration) -> list[Priority]:
    """The declaration's priorities for service requests, lowest level first."""
    chosen = [item for item in declaration.priorities if item.kind is PriorityKind.service_request]
    return sorted(chosen, key=lambda item: item.level)


def steps_of(request: ServiceRequest, events: Sequence[Event]) -> list[Step]:
    """The request's history as timer steps: its submission, then each change of state."""
    steps = [Step(request.submitted_at, TIMER_STATE[RequestState.submitted])]
    for event in events:
        if event.kind == "transition":
            state = RequestState(event.after["state"])
            steps.append(Step(event.recorded_at, TIMER_STATE[state]))
    return steps


def request_timers(
    request: ServiceRequest, events: Sequence[Event], now: dt.datetime
) -> dict[str, TimerState]:
    """Each timer the request's priority has a target for, as of `now`; none without one."""
    if request.priority is None:
        return {}
    declaration = declaration_of(request.declaration_version)
    clock = clock_for(declaration)
    targets = declaration.priority(request.priority).targets
    steps = steps_of(request, events)
    return {
        kind: compute_timer(
            clock=clock,
            kind=kind,
            timer=timer,
            calendar=targets[kind].calendar,
            target_seconds=clock.target_seconds(request.priority, kind),
            detected_at=request.submitted_at,
            registered_at=request.submitted_at,
            steps=steps,
            now=now,
        )
        for kind, timer in declaration.timers.items()
        if kind in targets
    }
