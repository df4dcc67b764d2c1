"""The downtime of a major incident's service as the monitors measured it (R9.4).

Registered with the desk on import: an incident a monitor opened or joined has its downtime
read from the log, so the step after an hour of downtime comes after an hour of downtime,
not an hour after detection.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from stabil.desk.downtime import Downtime, reads_downtime
from stabil.desk.models import Incident
from stabil.watch.availability import downtime_seconds
from stabil.watch.models import Monitor, StateInterval
from stabil.watch.states import State


@reads_downtime
def from_monitors(session: Session, incident: Incident, now: dt.datetime) -> Downtime | None:
    """None for an incident no monitor is linked to: the desk then counts from detection."""
    linked = session.scalars(select(Monitor).where(Monitor.incident_id == incident.id)).all()
    logged = session.scalar(select(exists().where(StateInterval.incident_id == incident.id)))
    if not linked and not logged:
        return None
    seconds = downtime_seconds(session, incident.service, incident.detected_at, now)
    return Downtime(seconds, ongoing=any(item.state == State.down for item in linked))
