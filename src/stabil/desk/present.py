"""Incidents as the API shows them, with timers brought up to the moment of asking."""

from __future__ import annotations

import datetime as dt

from stabil.accounts.models import User
from stabil.clock import Clock, clock_for
from stabil.desk.access import transitions_for
from stabil.desk.events import declaration_for
from stabil.desk.models import Incident, IncidentTimer
from stabil.desk.schemas import ImpactOut, IncidentOut
from stabil.desk.service import Channel, Responsible
from stabil.desk.states import State
from stabil.schemas import TimerOut


def live_timer(row: IncidentTimer, clock: Clock, now: dt.datetime) -> TimerOut:
    """The stored timer as of `now`: a running timer has used more service time since."""
    elapsed = row.completed_seconds
    if row.running and row.run_started_at is not None and now > row.run_started_at:
        elapsed += clock.elapsed(row.calendar, row.run_started_at, now)
    return TimerOut(
        calendar=row.calendar,
        target_seconds=row.target_seconds,
        started_at=row.started_at,
        due_at=row.due_at,
        stopped_at=row.stopped_at,
        running=row.running,
        elapsed_seconds=round(elapsed, 3),
        met=row.met,
        breached=row.running and now > row.due_at,
    )


def incident_out(incident: Incident, now: dt.datetime, reader: User) -> IncidentOut:
    """The incident as `reader` sees it: `allowed_transitions` are what the reader may do."""
    declaration = declaration_for(incident)
    clock = clock_for(declaration)
    return IncidentOut(
        key=incident.key,
        service=incident.service.key,
        title=incident.title,
        description=incident.description,
        state=State(incident.state),
        priority=incident.priority,
        priority_reason=incident.priority_reason,
        suggested_priority=incident.suggested_priority,
        suggestion_reason=incident.suggestion_reason,
        suggestion_reason_da=incident.suggestion_reason_da,
        major=incident.priority in declaration.major_priorities(),
        impact=ImpactOut(
            users_affected_percent=incident.users_affected_percent,
            security_breach=incident.security_breach,
            legal_breach=incident.legal_breach,
            workaround=incident.workaround,
            central_function=incident.central_function,
        ),
        channel=Channel(incident.channel),
        reporter=incident.reporter_name,
        reporter_organisation=(
            incident.reporter_organisation.key if incident.reporter_organisation else None
        ),
        responsible=Responsible(incident.responsible),
        party=incident.party.key if incident.party else None,
        detected_at=incident.detected_at,
        registered_at=incident.registered_at,
        declaration_version=incident.declaration_version.version,
        timers={row.kind: live_timer(row, clock, now) for row in incident.timers},
        allowed_transitions=transitions_for(reader, incident),
        revision=incident.revision,
    )
