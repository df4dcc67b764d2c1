"""The incident's immutable events, and the timers derived from them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.service import declaration_of
from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.desk.models import Incident, IncidentEvent, IncidentTimer
from stabil.desk.states import State
from stabil.desk.timers import Step, TimerState, compute_timer


def declaration_for(incident: Incident) -> Declaration:
    """The declaration version the incident was opened under; later versions never apply."""
    return declaration_of(incident.declaration_version)


def record_event(
    session: Session,
    incident: Incident,
    *,
    kind: str,
    actor: User | None,
    effective_at: dt.datetime,
    recorded_at: dt.datetime,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str | None = None,
) -> IncidentEvent:
    """Append one event. The (incident, seq) key makes a concurrent second writer fail."""
    incident.revision += 1
    incident.updated_at = recorded_at
    event = IncidentEvent(
        incident=incident,
        seq=incident.revision,
        kind=kind,
        actor_id=actor.id if actor else None,
        recorded_at=recorded_at,
        effective_at=effective_at,
        before=before,
        after=after,
        note=note,
    )
    session.add(event)
    return event


def steps_of(session: Session, incident: Incident) -> list[Step]:
    """The incident's state history in effective time: detection, then each transition."""
    session.flush()
    events = session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "transition")
        .order_by(IncidentEvent.seq)
    )
    steps = [Step(incident.detected_at, State.registered)]
    for event in events:
        steps.append(
            Step(event.effective_at, State(event.after["state"]), bool(event.after.get("reopen")))
        )
    return steps


def compute_timers(
    session: Session, incident: Incident, now: dt.datetime, steps: list[Step] | None = None
) -> list[TimerState]:
    declaration = declaration_for(incident)
    clock = clock_for(declaration)
    steps = steps if steps is not None else steps_of(session, incident)
    return [
        compute_timer(
            clock=clock,
            kind=kind,
            timer=timer,
            calendar=declaration.target(incident.priority, kind).calendar,
            target_seconds=clock.target_seconds(incident.priority, kind),
            detected_at=incident.detected_at,
            registered_at=incident.registered_at,
            steps=steps,
            now=now,
        )
        for kind, timer in declaration.timers.items()
    ]


def refresh_timers(
    session: Session, incident: Incident, now: dt.datetime, steps: list[Step] | None = None
) -> None:
    """Recompute every timer of the incident from its history and store the result.

    `steps` spares the query when the caller knows the history (a new incident has none).
    """
    rows = {row.kind: row for row in incident.timers}
    for state in compute_timers(session, incident, now, steps):
        row = rows.get(state.kind)
        if row is None:
            row = IncidentTimer(kind=state.kind)
            incident.timers.append(row)
        row.calendar = state.calendar
        row.target_seconds = state.target_seconds
        row.started_at = state.started_at
        row.running = state.running
        row.run_started_at = state.run_started_at
        row.completed_seconds = state.completed_seconds
        row.due_at = state.due_at
        row.stopped_at = state.stopped_at
        row.met = state.met
        row.excluded = state.excluded
