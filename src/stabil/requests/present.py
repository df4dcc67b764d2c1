"""Service requests as the API shows them, with timers brought up to the moment of asking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from stabil.accounts.models import User
from stabil.desk.timers import TimerState
from stabil.records.models import Event
from stabil.requests.access import transitions_for
from stabil.requests.models import ServiceRequest
from stabil.requests.schemas import RequestOut, RequestTimerOut
from stabil.requests.states import Category, RequestState
from stabil.requests.timers import request_timers


def timer_out(state: TimerState) -> RequestTimerOut:
    return RequestTimerOut(
        calendar=state.calendar,
        target_seconds=state.target_seconds,
        started_at=state.started_at,
        due_at=state.due_at,
        stopped_at=state.stopped_at,
        running=state.running,
        elapsed_seconds=round(state.elapsed_seconds, 3),
        met=state.met,
        breached=state.breached,
        excluded=state.excluded,
    )


def request_out(
    request: ServiceRequest, events: Sequence[Event], now: dt.datetime, reader: User
) -> RequestOut:
    """The request as `reader` sees it: `allowed_transitions` are those the reader may make."""
    state = RequestState(request.state)
    timers = request_timers(request, events, now)
    return RequestOut(
        key=request.key,
        service=request.service.key,
        title=request.title,
        description=request.description,
        category=Category(request.category),
        state=state,
        state_since=request.state_since,
        reason=request.reason,
        requester=request.requester_name,
        organisation=request.organisation.key if request.organisation else None,
        priority=request.priority,
        submitted_at=request.submitted_at,
        declaration_version=request.declaration_version.version,
        timers={kind: timer_out(item) for kind, item in timers.items()},
        allowed_transitions=transitions_for(reader, request),
        revision=request.revision,
    )
