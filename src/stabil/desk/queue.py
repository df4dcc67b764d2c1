"""The desk's queue: the open incidents a user may see, what is due first at the top.

Ordered by the incident's earliest running due time (`Incident.next_due_at`, kept with the
timers), so an index gives the order: a page costs the same with 100 incidents or 100,000.
Counts come from the same scoped query as the rows, so nobody learns of incidents they may
not see, not even how many there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import Organisation, User
from stabil.catalog.models import Service
from stabil.clock import clock_for
from stabil.db.paging import Paging
from stabil.db.queries import contains_text
from stabil.desk.access import visible
from stabil.desk.events import declaration_for
from stabil.desk.models import Incident
from stabil.desk.present import live_timer
from stabil.desk.states import State
from stabil.desk.timer_view import TimerView, timer_view, warning_share

OPEN = (State.registered, State.handed_over, State.resolved)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    service: str | None = None
    state: State | None = None
    priority: int | None = None
    party: str | None = None  # an organisation's key
    breached: bool = False
    text: str | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    incident: Incident
    priority_name: dict[str, str]  # by language
    major: bool
    timers: dict[str, TimerView]
    zone: str


@dataclass(frozen=True, slots=True)
class Queue:
    rows: list[QueueRow]
    total: int  # open incidents matching the filter
    breached: int  # of those, with a running timer past its target
    page: int
    pages: int


def open_queue(
    session: Session, reader: User, filters: QueueFilter, *, paging: Paging, now: dt.datetime
) -> Queue:
    """One page of the queue as `reader` may see it, and the counts of the whole of it."""
    conditions = and_(visible(reader), *_conditions(filters, now))
    total, breached = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Incident.next_due_at < now, 1), else_=0)), 0),
        ).where(conditions)
    ).one()
    paging = paging.within(total)
    incidents = session.scalars(
        select(Incident)
        .where(conditions)
        .options(
            selectinload(Incident.timers),
            selectinload(Incident.service),
            selectinload(Incident.declaration_version),
            selectinload(Incident.party),
        )
        .order_by(Incident.next_due_at.asc().nulls_last(), Incident.id)
        .limit(paging.size)
        .offset(paging.offset)
    ).all()
    rows = [_row(incident, now) for incident in incidents]
    return Queue(
        rows=rows,
        total=total,
        breached=breached,
        page=paging.number,
        pages=paging.pages(total),
    )


def _conditions(filters: QueueFilter, now: dt.datetime) -> list[ColumnElement[bool]]:
    states = [filters.state] if filters.state in OPEN else list(OPEN)
    conditions: list[ColumnElement[bool]] = [Incident.state.in_([s.value for s in states])]
    if filters.service:
        conditions.append(Incident.service.has(Service.key == filters.service))
    if filters.priority:
        conditions.append(Incident.priority == filters.priority)
    if filters.party:
        conditions.append(Incident.party.has(Organisation.key == filters.party))
    if filters.breached:
        conditions.append(Incident.next_due_at < now)
    if filters.text:
        conditions.append(contains_text((Incident.title, Incident.key), filters.text))
    return conditions


def _row(incident: Incident, now: dt.datetime) -> QueueRow:
    declaration = declaration_for(incident)
    clock = clock_for(declaration)
    priority = next(p for p in declaration.priorities if p.level == incident.priority)
    timers = {
        row.kind: timer_view(
            row.kind,
            live_timer(row, clock, now),
            warning_share(declaration, incident.priority, row.kind),
            now,
        )
        for row in incident.timers
    }
    return QueueRow(
        incident=incident,
        priority_name={"da": priority.name.get("da"), "en": priority.name.get("en")},
        major=priority.major,
        timers=timers,
        zone=declaration.time.timezone,
    )
