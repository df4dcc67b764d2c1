"""JSON routes of the incident desk. Each parses, calls one service function, and answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from stabil.accounts.auth import CurrentUser
from stabil.accounts.models import User
from stabil.db.types import now_utc
from stabil.desk import transitions
from stabil.desk.access import sees_internal_notes
from stabil.desk.notes import add_note
from stabil.desk.present import incident_out
from stabil.desk.schemas import (
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    NoteIn,
    TransitionIn,
)
from stabil.desk.service import (
    IncidentFilter,
    NewIncident,
    change_priority,
    edit_incident,
    get_incident,
    list_incidents,
    open_incident,
)
from stabil.desk.states import State
from stabil.desk.suggestion import Impact
from stabil.errors import Invalid
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.schemas import Text
from stabil.web.deps import SessionDep
from stabil.web.idempotency import IdempotencyKey, once
from stabil.web.openapi import TRANSITION_CONFLICT
from stabil.web.params import Limit, Offset

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.post("", status_code=201, summary="Report an incident", response_model=IncidentOut)
def create(
    body: IncidentIn,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    result = once(
        session,
        user,
        idempotency_key,
        namespace="desk",
        route="POST /incidents",
        body=body,
        response=response,
        model=IncidentOut,
        act=lambda: _create(session, user, body),
    )
    # Written directly: the model is built and checked already, and FastAPI would check it
    # twice more on the way out. The most frequent write should not pay for that.
    return Response(
        result.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers={
            name: value
            for name, value in response.headers.items()
            if name.lower() != "content-length"  # the placeholder's, not this body's
        },
    )


def _create(session: Session, user: User, body: IncidentIn) -> IncidentOut:
    incident = open_incident(
        session,
        user,
        NewIncident(
            service=body.service,
            title=body.title,
            description=body.description,
            impact=Impact(**body.impact.model_dump(exclude_unset=True)),
            detected_at=body.detected_at,
            priority=body.priority,
            priority_reason=body.priority_reason,
            channel=body.channel,
            reporter_name=body.reporter,
            responsible=body.responsible,
        ),
    )
    return incident_out(incident, now_utc(), user)


@router.get("", summary="List incidents")
def index(
    user: CurrentUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    state: State | None = None,
    priority: Annotated[int | None, Query(ge=1, le=9)] = None,
    breached: bool | None = None,
    text: Annotated[Text | None, Query(max_length=200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> IncidentPage:
    now = now_utc()
    filters = IncidentFilter(service, state, priority, breached, text)
    items, total = list_incidents(session, user, filters, limit=limit, offset=offset, now=now)
    return IncidentPage(
        items=[incident_out(item, now, user) for item in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{key}", summary="One incident")
def show(key: str, user: CurrentUser, session: SessionDep) -> IncidentOut:
    return incident_out(get_incident(session, user, key), now_utc(), user)


@router.patch("/{key}", summary="Edit an incident or change its priority")
def patch(key: str, body: IncidentPatch, user: CurrentUser, session: SessionDep) -> IncidentOut:
    incident = get_incident(session, user, key, for_update=True)
    changes: dict[str, Any] = body.model_dump(
        exclude_unset=True, exclude={"priority", "priority_reason"}, mode="json"
    )
    if not changes and body.priority is None:
        raise Invalid("body", "give at least one of title, description, responsible, priority")
    now = now_utc()
    if changes:
        edit_incident(session, user, incident, changes, now)
    if body.priority is not None:
        change_priority(session, user, incident, body.priority, body.priority_reason, now)
    return incident_out(incident, now, user)


@router.post(
    "/{key}/transitions",
    summary="Move an incident to another state",
    responses=TRANSITION_CONFLICT,
)
def transition(key: str, body: TransitionIn, user: CurrentUser, session: SessionDep) -> IncidentOut:
    incident = get_incident(session, user, key, for_update=True)
    now = now_utc()
    transitions.take(
        session,
        user,
        incident,
        body.to,
        party=body.party,
        reason=body.reason,
        at=body.at,
        note=body.note,
        note_visibility=body.note_visibility,
        now=now,
    )
    return incident_out(incident, now, user)


@router.get("/{key}/events", summary="The incident's history, oldest first")
def events(key: str, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    incident = get_incident(session, user, key)
    internal = sees_internal_notes(user)
    return [
        event_out(row, user, reads_internal_notes=internal) for row in events_of(session, incident)
    ]


@router.post("/{key}/notes", status_code=201, summary="Write a note on the incident's timeline")
def note(key: str, body: NoteIn, user: CurrentUser, session: SessionDep) -> EventOut:
    incident = get_incident(session, user, key, for_update=True)
    event = add_note(session, user, incident, note=body.note, visibility=body.note_visibility)
    return event_out(event, user, reads_internal_notes=sees_internal_notes(user))
