"""The timers derived from an incident's history, and the work they plan for later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.clock import clock_for
from stabil.desk.escalation import plan_escalations
from stabil.desk.events import declaration_for
from stabil.desk.majors import plan_major
from stabil.desk.models import Incident, IncidentEvent, IncidentTimer
from stabil.desk.states import State
from stabil.desk.timers import Step, TimerState, compute_timer
from stabil.worker.jobs import Plan


def steps_of(session: Session, incident: Incident) -> list[Step]:
    """The incident's state history in effective time: detection, then each transition."""
    session.flush()
    events = session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "transition")
        .order_by(IncidentEvent.seq)
    )
    return steps_from(incident, events)


def steps_from(incident: Incident, events: Iterable[IncidentEvent]) -> list[Step]:
    """`steps_of` from events already read (in order; those not transitions are passed over)."""
    steps = [Step(incident.detected_at, State.registered)]
    for event in events:
        if event.kind != "transition":
            continue
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
    session: Session,
    incident: Incident,
    now: dt.datetime,
    steps: list[Step] | None = None,
    *,
    new: bool = False,
) -> None:
    """Recompute every timer of the incident from its history, store it, and plan what it
    calls for: escalations (R8) and, for a major incident, its reminders and reviews (R9, R14).

    `steps` spares the query when the caller knows the history; `new` says the incident was
    just opened, so it has no planned jobs to cancel.
    """
    rows = {row.kind: row for row in incident.timers}
    states = compute_timers(session, incident, now, steps)
    for state in states:
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
        row.decided_at = state.decided_at
    running = [state.due_at for state in states if state.running]
    incident.next_due_at = min(running) if running else None
    declaration = declaration_for(incident)
    clock = clock_for(declaration)
    plan = Plan()
    plan_escalations(plan, incident, declaration, clock, states, now)
    plan_major(plan, session, incident, declaration, clock, now)
    if new:
        plan.cancels.clear()  # a new incident has no jobs yet
    plan.write(session)
