"""How long a major incident's service has been down, for the step after an hour (R9.4).

Without better knowledge the desk counts from detection. A package that measures downtime
(watch, from its monitors) registers a reader; the first reader that knows the incident
answers with the downtime it measured, so that a service back within the hour calls for no
step, and one down for an hour in pieces does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from stabil.desk.models import Incident


@dataclass(frozen=True, slots=True)
class Downtime:
    seconds: float  # downtime since the incident was detected
    ongoing: bool  # whether the service is down still


DowntimeReader = Callable[[Session, Incident, dt.datetime], Downtime | None]
_READERS: list[DowntimeReader] = []


def reads_downtime(reader: DowntimeReader) -> DowntimeReader:
    """Register a reader; it answers None for an incident it knows nothing of."""
    if reader not in _READERS:
        _READERS.append(reader)
    return reader


def downtime_of(session: Session, incident: Incident, now: dt.datetime) -> Downtime | None:
    """The measured downtime of the incident's service, or None when nothing measured it."""
    for reader in _READERS:
        found = reader(session, incident, now)
        if found is not None:
            return found
    return None
