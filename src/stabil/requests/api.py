"""JSON routes of service requests; each parses, calls one service function, and answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from stabil.accounts.auth import CurrentUser
from stabil.db.types import now_utc
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.requests import service
from stabil.requests.present import request_out
from stabil.requests.schemas import (
    RequestIn,
    RequestOut,
    RequestPage,
    RequestTransitionIn,
)
from stabil.requests.service import NewRequest, RequestFilter
from stabil.requests.states import Category, RequestState
from stabil.schemas import Text
from stabil.web.deps import SessionDep
from stabil.web.openapi import TRANSITION_CONFLICT
from stabil.web.params import Limit, Offset

router = APIRouter(prefix="/requests", tags=["service requests"])


@router.post("", status_code=201, summary="Submit a service request")
def create(body: RequestIn, user: CurrentUser, session: SessionDep) -> RequestOut:
    new = NewRequest(
        service=body.service,
        title=body.title,
        description=body.description,
        category=body.category,
        requester_name=body.requester,
        priority=body.priority,
    )
    request = service.submit_request(session, user, new)
    return request_out(request, events_of(session, request), now_utc(), user)


@router.get("", summary="List service requests, newest first")
def index(
    user: CurrentUser,
    session: SessionDep,
    service_key: Annotated[Text | None, Query(alias="service", max_length=64)] = None,
    state: RequestState | None = None,
    category: Category | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RequestPage:
    filters = RequestFilter(service_key, state, category)
    items, total = service.list_requests(session, user, filters, limit=limit, offset=offset)
    now = now_utc()
    return RequestPage(
        items=[request_out(item, item.events, now, user) for item in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{key}", summary="One service request")
def show(key: str, user: CurrentUser, session: SessionDep) -> RequestOut:
    request = service.get_request(session, user, key)
    return request_out(request, events_of(session, request), now_utc(), user)


@router.post(
    "/{key}/transitions",
    summary="Move a service request to another state",
    responses=TRANSITION_CONFLICT,
)
def transition(
    key: str, body: RequestTransitionIn, user: CurrentUser, session: SessionDep
) -> RequestOut:
    request = service.get_request(session, user, key, for_update=True)
    now = now_utc()
    service.move(session, user, request, body.to, note=body.note, reason=body.reason, now=now)
    return request_out(request, events_of(session, request), now, user)


@router.get("/{key}/events", summary="The service request's history, oldest first")
def events(key: str, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    request = service.get_request(session, user, key)
    return [event_out(event, user) for event in events_of(session, request)]
