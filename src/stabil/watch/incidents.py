"""From outages to the desk: a confirmed outage of a part that counts opens an incident, or
joins the one the service's monitors opened already; recovery notes it and suggests
resolving, but never resolves (a human decides the fault is gone, R7.4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of, version_named
from stabil.declaration import Declaration
from stabil.desk.models import Incident
from stabil.desk.notes import add_note
from stabil.desk.notify import local_text
from stabil.desk.service import Channel, NewIncident, open_incident
from stabil.desk.states import State as IncidentState
from stabil.desk.suggestion import Impact
from stabil.records.models import NoteVisibility
from stabil.watch.availability import counts
from stabil.watch.models import Monitor
from stabil.watch.states import State

# Incidents still being worked: a new outage of the service joins one of these.
_OPEN = (IncidentState.registered.value, IncidentState.handed_over.value)
# The whole service (or a part that counts) is unavailable to everyone, with no way around.
OUTAGE_IMPACT = Impact(users_affected_percent=100, central_function=True, workaround=False)


def follow(session: Session, monitor: Monitor, previous: State, now: dt.datetime) -> None:
    """What the desk hears of the monitor's new state, which began at `state_since`."""
    state = State(monitor.state)
    # The declaration only when the desk hears something: most changes (unknown to up after
    # a restart of the prober) tell it nothing.
    if state is State.down and previous is not State.down:
        declaration = _declaration(session, monitor, now)
        if counts(declaration, monitor.part) and monitor.incident_id is None:
            _open_or_join(session, monitor, declaration, now)
    elif previous is State.down and monitor.incident_id is not None:
        _recovered(session, monitor, _declaration(session, monitor, now), now)


def _declaration(session: Session, monitor: Monitor, now: dt.datetime) -> Declaration:
    return declaration_of(version_named(session, monitor.service.key, now.date()))


def what_is_down(monitor: Monitor, declaration: Declaration) -> str:
    """The part's name in Danish, or the service's."""
    if monitor.part is not None:
        for part in declaration.parts():
            if part.key == monitor.part:
                return part.name.da
    return declaration.metadata.name.da


def _open_or_join(
    session: Session, monitor: Monitor, declaration: Declaration, now: dt.datetime
) -> None:
    since = local_text(monitor.state_since, declaration)
    seen = f"Overvågningen ({monitor.name}) har set {what_is_down(monitor, declaration)} nede"
    reason = _reason(monitor)
    joined = _open_incident_of(session, monitor.service_id)
    if joined is not None:
        add_note(
            session,
            None,
            joined,
            note=f"{seen} siden {since}{reason}.",
            visibility=NoteVisibility.internal,
            now=now,
        )
        monitor.incident_id = joined.id
        return
    new = NewIncident(
        service=monitor.service.key,
        title=f"{what_is_down(monitor, declaration)} er utilgængelig",
        description=f"{seen} siden {since}{reason}. Registreret af Stabil.",
        impact=OUTAGE_IMPACT,
        detected_at=monitor.state_since,
        channel=Channel.monitor,
    )
    incident = open_incident(session, None, new, now)
    session.flush()
    monitor.incident_id = incident.id


def _recovered(
    session: Session, monitor: Monitor, declaration: Declaration, now: dt.datetime
) -> None:
    incident = session.get(Incident, monitor.incident_id)
    monitor.incident_id = None
    if incident is None or incident.state not in _OPEN:
        return
    note = (
        f"Overvågningen ({monitor.name}) ser {what_is_down(monitor, declaration)} oppe igen "
        f"siden {local_text(monitor.state_since, declaration)}. Er fejlen væk, kan incidentet "
        "løses."
    )
    add_note(session, None, incident, note=note, visibility=NoteVisibility.internal, now=now)


def _open_incident_of(session: Session, service_id: int) -> Incident | None:
    """The newest incident the service's monitoring opened that is still being worked."""
    return session.scalar(
        select(Incident)
        .where(
            Incident.service_id == service_id,
            Incident.channel == Channel.monitor.value,
            Incident.state.in_(_OPEN),
        )
        .order_by(Incident.registered_at.desc())
        .limit(1)
    )


def _reason(monitor: Monitor) -> str:
    evidence = monitor.state_evidence
    if evidence.get("error"):
        return f" ({evidence['error']})"
    if evidence.get("status_code"):
        return f" (HTTP {evidence['status_code']})"
    return ""
