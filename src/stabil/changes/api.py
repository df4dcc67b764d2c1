"""JSON routes of changes; each parses, calls the service, and answers (R12.1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from stabil.accounts.auth import CurrentUser
from stabil.accounts.models import User
from stabil.changes.models import Change
from stabil.changes.present import change_out
from stabil.changes.schemas import (
    ChangeIn,
    ChangeOut,
    ChangePage,
    ChangePatch,
    ChangeTransitionIn,
    WindowLinkIn,
)
from stabil.changes.service import (
    ChangeFilter,
    NewChange,
    edit_change,
    get_change,
    link_window,
    list_changes,
    move,
    quota_for,
    quotas_for,
    request_change,
    unlink_window,
)
from stabil.changes.states import ChangeState, ChangeType
from stabil.errors import Invalid
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.schemas import Text
from stabil.web.deps import SessionDep
from stabil.web.openapi import TRANSITION_CONFLICT
from stabil.web.params import Limit, Offset, RowId

router = APIRouter(prefix="/changes", tags=["changes"])


@router.post("", status_code=201, summary="Record a change")
def create(body: ChangeIn, user: CurrentUser, session: SessionDep) -> ChangeOut:
    change = request_change(session, user, NewChange(**body.model_dump()))
    return _out(session, change, user)


@router.get("", summary="List changes, newest first")
def index(
    user: CurrentUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    state: ChangeState | None = None,
    change_type: Annotated[ChangeType | None, Query(alias="type")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ChangePage:
    filters = ChangeFilter(service, state, change_type)
    items, total = list_changes(session, user, filters, limit=limit, offset=offset)
    quotas = quotas_for(session, items)
    return ChangePage(
        items=[change_out(item, user, quotas[item.id]) for item in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{key}", summary="One change")
def show(key: str, user: CurrentUser, session: SessionDep) -> ChangeOut:
    return _out(session, get_change(session, user, key), user)


@router.patch(
    "/{key}",
    summary="Change the plan while the change is requested or approved",
    responses=TRANSITION_CONFLICT,
)
def patch(key: str, body: ChangePatch, user: CurrentUser, session: SessionDep) -> ChangeOut:
    change = get_change(session, user, key, for_update=True)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise Invalid("body", "give at least one field of the plan to change")
    edit_change(session, user, change, changes)
    return _out(session, change, user)


@router.post(
    "/{key}/transitions",
    summary="Move a change to another state",
    responses=TRANSITION_CONFLICT,
)
def transition(
    key: str, body: ChangeTransitionIn, user: CurrentUser, session: SessionDep
) -> ChangeOut:
    change = get_change(session, user, key, for_update=True)
    move(session, user, change, body.to, note=body.note)
    return _out(session, change, user)


@router.post(
    "/{key}/windows",
    summary="Link a service window of the change's service",
    responses=TRANSITION_CONFLICT,
)
def link(key: str, body: WindowLinkIn, user: CurrentUser, session: SessionDep) -> ChangeOut:
    change = get_change(session, user, key, for_update=True)
    link_window(session, user, change, body.window)
    return _out(session, change, user)


@router.delete(
    "/{key}/windows/{window_id}",
    status_code=204,
    summary="Unlink a service window",
    responses=TRANSITION_CONFLICT,
)
def unlink(key: str, window_id: RowId, user: CurrentUser, session: SessionDep) -> Response:
    change = get_change(session, user, key, for_update=True)
    unlink_window(session, user, change, window_id)
    return Response(status_code=204)


@router.get("/{key}/events", summary="The change's history, oldest first")
def events(key: str, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    change = get_change(session, user, key)
    return [event_out(row, user) for row in events_of(session, change)]


def _out(session: Session, change: Change, user: User) -> ChangeOut:
    return change_out(change, user, quota_for(session, change))
