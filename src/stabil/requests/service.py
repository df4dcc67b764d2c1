"""Submitting, handling and finding service requests. Functions take a session, never commit.

A request is not an incident: it lives in its own table with its own states and events, so no
incident list, timer or KPI ever counts it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.catalog.service import (
    declaration_of,
    list_services,
    version_in_force,
    version_named,
)
from stabil.db.queries import count_and_page, one_by_key
from stabil.db.types import now_utc
from stabil.declaration.base import Text
from stabil.errors import Invalid
from stabil.records.history import append_event
from stabil.records.numbering import next_key
from stabil.requests.access import can_see, check_can_submit, check_step, not_found, visible
from stabil.requests.models import ServiceRequest, ServiceRequestSequence
from stabil.requests.states import Category, RequestState
from stabil.requests.timers import request_priorities


@dataclass(frozen=True, slots=True)
class NewRequest:
    service: str
    title: str
    description: str = ""
    category: Category = Category.information
    requester_name: str | None = None
    priority: int | None = None


def submit_request(
    session: Session, actor: User, new: NewRequest, now: dt.datetime | None = None
) -> ServiceRequest:
    """Register a request under the declaration version in force, with its priority if any."""
    check_can_submit(actor)
    now = now or now_utc()
    stored = version_named(session, new.service, now.date())
    declaration = declaration_of(stored)
    levels = [item.level for item in request_priorities(declaration)]
    if new.priority is not None and new.priority not in levels:
        if levels:
            raise Invalid(
                "priority",
                "{priority} is not a service-request priority of {service} (use one of {levels})",
                priority=new.priority,
                service=declaration.key,
                levels=levels,
            )
        raise Invalid(
            "priority",
            "{priority} is not a service-request priority of {service} "
            "(it sets no priority for them)",
            priority=new.priority,
            service=declaration.key,
        )
    numbered = next_key(
        session,
        ServiceRequestSequence,
        service_id=stored.service_id,
        declaration=declaration,
        now=now,
        kind="SR",
    )
    request = ServiceRequest(
        key=numbered.key,
        service_id=stored.service_id,
        declaration_version_id=stored.id,
        year=numbered.year,
        number=numbered.number,
        category=new.category.value,
        title=new.title,
        description=new.description,
        requester_id=actor.id,
        organisation_id=actor.organisation_id,
        requester_name=new.requester_name,
        priority=new.priority if new.priority is not None else (levels[0] if levels else None),
        submitted_at=now,
        state=RequestState.submitted.value,
        state_since=now,
        reason=None,
        revision=0,
        updated_at=now,
    )
    request.service = stored.service
    request.declaration_version = stored
    request.organisation = actor.organisation
    session.add(request)
    append_event(
        session, request, kind="submitted", actor=actor, recorded_at=now, after=snapshot(request)
    )
    return request


@dataclass(frozen=True, slots=True)
class PriorityChoice:
    service: Service
    level: int
    name: Text  # the priority's name in the declaration, Danish and maybe English


def priority_choices(session: Session, on: dt.date) -> list[PriorityChoice]:
    """The service-request priorities each service's declaration in force on `on` offers."""
    choices = []
    for service in list_services(session):
        stored = version_in_force(session, service.key, on)
        if stored is None:
            continue
        for priority in request_priorities(declaration_of(stored)):
            choices.append(PriorityChoice(service, priority.level, priority.name))
    return choices


def snapshot(request: ServiceRequest) -> dict[str, Any]:
    return {
        "key": request.key,
        "title": request.title,
        "description": request.description,
        "category": request.category,
        "requester_name": request.requester_name,
        "priority": request.priority,
        "state": request.state,
        "declaration_version_id": request.declaration_version_id,
    }


def start(
    session: Session,
    actor: User,
    request: ServiceRequest,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Someone works on the request: the reaction timer stops."""
    _transition(session, actor, request, RequestState.in_progress, note, {}, now)


def fulfil(
    session: Session,
    actor: User,
    request: ServiceRequest,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The information, advice or access was given: the resolution timer stops."""
    _transition(session, actor, request, RequestState.fulfilled, note, {}, now)


def reject(
    session: Session,
    actor: User,
    request: ServiceRequest,
    *,
    reason: str | None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Refuse the request, saying why; a refusal is an answer, so the timers stop."""
    check_step(actor, request, RequestState.rejected)
    if not (reason and reason.strip()):
        raise Invalid("reason", "say why the request is rejected")
    _transition(session, actor, request, RequestState.rejected, note, {"reason": reason}, now)
    request.reason = reason


def withdraw(
    session: Session,
    actor: User,
    request: ServiceRequest,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The requester no longer needs it; it stays in history, outside every measure."""
    _transition(session, actor, request, RequestState.withdrawn, note, {}, now)


def close(
    session: Session,
    actor: User,
    request: ServiceRequest,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    _transition(session, actor, request, RequestState.closed, note, {}, now)


def move(
    session: Session,
    actor: User,
    request: ServiceRequest,
    to: RequestState,
    *,
    note: str | None = None,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Take the step to `to` with its own function; `submitted` is never a next state (409)."""
    now = now or now_utc()
    if to is RequestState.rejected:
        reject(session, actor, request, reason=reason, note=note, now=now)
    elif to in STEPS:
        STEPS[to](session, actor, request, note=note, now=now)
    else:
        check_step(actor, request, to)


def _transition(
    session: Session,
    actor: User,
    request: ServiceRequest,
    target: RequestState,
    note: str | None,
    extra: dict[str, Any],
    now: dt.datetime | None,
) -> None:
    now = now or now_utc()
    current = request.state
    request.state = check_step(actor, request, target).value
    request.state_since = now
    append_event(
        session,
        request,
        kind="transition",
        actor=actor,
        recorded_at=now,
        before={"state": current},
        after={"state": request.state, **extra},
        note=note,
    )


STEPS = {
    RequestState.in_progress: start,
    RequestState.fulfilled: fulfil,
    RequestState.withdrawn: withdraw,
    RequestState.closed: close,
}


def get_request(
    session: Session, actor: User, key: str, *, for_update: bool = False
) -> ServiceRequest:
    """The request with `key` if the actor may see it; locked for a change when asked."""
    statement = select(ServiceRequest).where(ServiceRequest.key == key)
    request = one_by_key(session, statement, key, max_length=64, for_update=for_update)
    if request is None or not can_see(actor, request):
        raise not_found(key)
    return request


@dataclass(frozen=True, slots=True)
class RequestFilter:
    service: str | None = None
    state: RequestState | None = None
    category: Category | None = None


def list_requests(
    session: Session, actor: User, filters: RequestFilter, *, limit: int, offset: int
) -> tuple[list[ServiceRequest], int]:
    """A page of the requests the actor may see, newest first, and how many match in all."""
    matching = (
        select(ServiceRequest)
        .where(and_(true(), visible(actor), *_conditions(filters)))
        .options(
            selectinload(ServiceRequest.service),
            selectinload(ServiceRequest.declaration_version),
            selectinload(ServiceRequest.organisation),
            selectinload(ServiceRequest.events),
        )
        .order_by(ServiceRequest.submitted_at.desc(), ServiceRequest.id.desc())
    )
    return count_and_page(session, matching, limit=limit, offset=offset)


def _conditions(filters: RequestFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.service:
        conditions.append(ServiceRequest.service.has(Service.key == filters.service))
    if filters.state:
        conditions.append(ServiceRequest.state == filters.state.value)
    if filters.category:
        conditions.append(ServiceRequest.category == filters.category.value)
    return conditions
