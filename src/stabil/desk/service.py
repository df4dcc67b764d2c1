"""Opening, editing and finding incidents. Functions take a session and never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.clock import clock_for
from stabil.db.queries import contains_text, count_and_page, one_by_key
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.desk.access import (
    can_see,
    check_can_edit,
    check_can_report,
    not_found,
    visible,
)
from stabil.desk.events import declaration_for
from stabil.desk.history import refresh_timers
from stabil.desk.models import Incident, IncidentSequence, IncidentTimer
from stabil.desk.reporting import route_report
from stabil.desk.states import State
from stabil.desk.suggestion import Impact, suggest_priority
from stabil.desk.timers import Step
from stabil.errors import Invalid, Names
from stabil.records.history import append_event
from stabil.records.numbering import next_key


class Channel(StrEnum):
    phone = "phone"
    mail = "mail"
    web = "web"
    api = "api"
    monitor = "monitor"


class Responsible(StrEnum):
    """Who must have the fault fixed (R15.1)."""

    agency = "agency"
    authority = "authority"
    supplier = "supplier"


@dataclass(frozen=True, slots=True)
class NewIncident:
    service: str
    title: str
    description: str
    impact: Impact = field(default_factory=Impact)
    detected_at: dt.datetime | None = None
    priority: int | None = None
    priority_reason: str | None = None
    channel: Channel = Channel.api
    reporter_name: str | None = None
    responsible: Responsible = Responsible.agency


def open_incident(
    session: Session, actor: User | None, new: NewIncident, now: dt.datetime | None = None
) -> Incident:
    """Register an incident under the declaration version in force when it was detected;
    with no actor, Stabil registers it itself (its monitoring saw an outage)."""
    if actor is not None:
        check_can_report(actor)
    now = now or now_utc()
    detected = new.detected_at or now
    if detected > now:
        raise Invalid("detected_at", "lies in the future (give when it was detected, up to now)")
    stored = version_named(session, new.service, detected.date())
    declaration = declaration_of(stored)
    suggestion = suggest_priority(declaration, new.impact)
    priority = new.priority or suggestion.priority
    _check_priority(declaration, priority, suggestion.priority, new.priority_reason)
    numbered = next_key(
        session, IncidentSequence, service_id=stored.service_id, declaration=declaration, now=now
    )
    incident = Incident(
        key=numbered.key,
        service_id=stored.service_id,
        declaration_version_id=stored.id,
        year=numbered.year,
        number=numbered.number,
        title=new.title,
        description=new.description,
        channel=new.channel.value,
        reported_by_id=actor.id if actor else None,
        reporter_organisation_id=actor.organisation_id if actor else None,
        reporter_name=new.reporter_name,
        detected_at=detected,
        registered_at=now,
        users_affected_percent=new.impact.users_affected_percent,
        security_breach=bool(new.impact.security_breach),
        legal_breach=bool(new.impact.legal_breach),
        workaround=bool(new.impact.workaround),
        central_function=bool(new.impact.central_function),
        suggested_priority=suggestion.priority,
        suggestion_reason=suggestion.reason_en,
        suggestion_reason_da=suggestion.reason_da,
        priority=priority,
        priority_reason=new.priority_reason if priority != suggestion.priority else None,
        responsible=new.responsible.value,
        state=State.registered.value,
        state_since=detected,
        revision=0,
        updated_at=now,
    )
    # Set, not loaded: the caller shows the incident, and each would otherwise be a query.
    incident.service = stored.service
    incident.declaration_version = stored
    incident.reporter_organisation = actor.organisation if actor else None
    incident.party = None
    incident.timers = []
    session.add(incident)
    append_event(
        session,
        incident,
        kind="opened",
        actor=actor,
        effective_at=detected,
        recorded_at=now,
        before={},
        after=snapshot(incident),
    )
    refresh_timers(session, incident, now, steps=[Step(detected, State.registered)], new=True)
    route_report(session, incident, declaration, clock_for(declaration), now)
    return incident


def _check_priority(
    declaration: Declaration, priority: int, suggested: int, reason: str | None
) -> None:
    levels = sorted(item.level for item in declaration.priorities)
    if priority not in levels:
        raise Invalid(
            "priority",
            "{priority} is not a priority of this service (use {levels})",
            priority=priority,
            levels=levels,
        )
    rules = declaration.priority_suggestion
    needs_reason = rules.override_requires_reason if rules else True
    if priority != suggested and needs_reason and not (reason and reason.strip()):
        raise Invalid(
            "priority_reason",
            "is required when the priority ({priority}) differs from the suggested "
            "priority ({suggested}) (R6.5)",
            priority=priority,
            suggested=suggested,
        )


def snapshot(incident: Incident) -> dict[str, Any]:
    """The facts of an incident as recorded in an `opened` event."""
    return {
        "key": incident.key,
        "title": incident.title,
        "description": incident.description,
        "channel": incident.channel,
        "reporter_name": incident.reporter_name,
        "detected_at": incident.detected_at.isoformat(),
        "impact": {
            "users_affected_percent": incident.users_affected_percent,
            "security_breach": incident.security_breach,
            "legal_breach": incident.legal_breach,
            "workaround": incident.workaround,
            "central_function": incident.central_function,
        },
        "suggested_priority": incident.suggested_priority,
        "priority": incident.priority,
        "priority_reason": incident.priority_reason,
        "responsible": incident.responsible,
        "state": incident.state,
        "declaration_version_id": incident.declaration_version_id,
    }


def change_priority(
    session: Session,
    actor: User,
    incident: Incident,
    priority: int,
    reason: str | None,
    now: dt.datetime | None = None,
) -> None:
    """Set another priority; the timers are recomputed from detection with its targets."""
    check_can_edit(actor, incident)
    now = now or now_utc()
    if priority == incident.priority:
        return
    declaration = declaration_for(incident)
    if not (reason and reason.strip()):
        raise Invalid("priority_reason", "is required when the priority changes (R6.5)")
    _check_priority(declaration, priority, priority, reason)
    before = {"priority": incident.priority, "priority_reason": incident.priority_reason}
    incident.priority = priority
    incident.priority_reason = reason
    after = {"priority": priority, "priority_reason": reason}
    append_event(
        session,
        incident,
        kind="priority_changed",
        actor=actor,
        effective_at=now,
        recorded_at=now,
        before=before,
        after=after,
    )
    refresh_timers(session, incident, now)


EDITABLE = ("title", "description", "responsible")


def edit_incident(
    session: Session,
    actor: User,
    incident: Incident,
    changes: dict[str, str],
    now: dt.datetime | None = None,
) -> None:
    """Change descriptive fields; one event holds every field that really changed."""
    check_can_edit(actor, incident)
    now = now or now_utc()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            raise Invalid(name, "cannot be edited (editable: {editable})", editable=Names(EDITABLE))
        if getattr(incident, name) != value:
            before[name] = getattr(incident, name)
            after[name] = value
            setattr(incident, name, value)
    if after:
        append_event(
            session,
            incident,
            kind="edited",
            actor=actor,
            effective_at=now,
            recorded_at=now,
            before=before,
            after=after,
        )


def get_incident(session: Session, actor: User, key: str, *, for_update: bool = False) -> Incident:
    """The incident with `key` if the actor may see it; locked for a change when asked."""
    statement = select(Incident).where(Incident.key == key)
    incident = one_by_key(session, statement, key, max_length=32, for_update=for_update)
    if incident is None or not can_see(actor, incident):
        raise not_found(key)
    return incident


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    service: str | None = None
    state: State | None = None
    priority: int | None = None
    breached: bool | None = None
    text: str | None = None


def list_incidents(
    session: Session,
    actor: User,
    filters: IncidentFilter,
    *,
    limit: int,
    offset: int,
    now: dt.datetime | None = None,
) -> tuple[list[Incident], int]:
    """A page of the incidents the actor may see, newest first, and how many match in all."""
    now = now or now_utc()
    conditions = [visible(actor), *_conditions(filters, now)]
    matching = (
        select(Incident)
        .where(and_(*conditions))
        .options(
            selectinload(Incident.timers),
            selectinload(Incident.service),
            selectinload(Incident.declaration_version),
        )
        .order_by(Incident.registered_at.desc(), Incident.id.desc())
    )
    return count_and_page(session, matching, limit=limit, offset=offset)


def _conditions(filters: IncidentFilter, now: dt.datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.service:
        conditions.append(Incident.service.has(Service.key == filters.service))
    if filters.state:
        conditions.append(Incident.state == filters.state.value)
    if filters.priority:
        conditions.append(Incident.priority == filters.priority)
    if filters.breached is not None:
        overdue = Incident.timers.any(and_(IncidentTimer.running, IncidentTimer.due_at < now))
        conditions.append(overdue if filters.breached else ~overdue)
    if filters.text:
        columns = (Incident.title, Incident.description, Incident.key)
        conditions.append(contains_text(columns, filters.text))
    return conditions
