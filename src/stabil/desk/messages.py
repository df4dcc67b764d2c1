"""What the desk reads of the operational messages: when each about an incident was posted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from stabil.desk.models import Incident


@dataclass(frozen=True, slots=True)
class Post:
    """A message about the incident was posted or updated at `at`; `type` is its type."""

    at: dt.datetime
    type: str


def posts_about(session: Session, incident: Incident) -> list[Post]:
    # Imported here: the status domain links messages to incidents, so it imports the desk.
    from stabil.status.service import message_times_for_incident

    return [Post(at, kind) for at, kind in message_times_for_incident(session, incident.id)]
