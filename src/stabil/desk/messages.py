"""The operational messages told about an incident, as the incident's own timeline keeps them.

The status domain posts messages and links them to incidents. For every entry of a message
about an incident (the posting, each update, the resolution) it records a `status_message`
event on the incident through `note_status_message`. So the desk reads what was told, and
when, from its own history (R14), and never needs the status domain: that one depends on the
desk, not the other way round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.desk.models import Incident, IncidentEvent
from stabil.records.history import append_event

STATUS_MESSAGE = "status_message"


class Post(NamedTuple):
    """A message about the incident was posted or updated at `at`; `type` is its type."""

    at: dt.datetime
    type: str


def note_status_message(
    session: Session,
    incident: Incident,
    *,
    message_id: int,
    at: dt.datetime,
    type: str,
    actor: User | None,
    now: dt.datetime,
) -> None:
    """Record on the incident that a message about it was posted or updated at `at`.

    The caller holds the incident's row for update, as for every event it records.
    """
    append_event(
        session,
        incident,
        kind=STATUS_MESSAGE,
        actor=actor,
        effective_at=at,
        recorded_at=now,
        before={},
        after={"message": message_id, "type": type},
    )


def posts_about(session: Session, incident: Incident) -> list[Post]:
    """When messages about the incident were posted or updated, oldest first, with their type.

    These are the entries of every message linked to the incident, whenever the link was
    made. Orientation deadlines (R14.4) are computed from them.
    """
    return posts_about_incidents(session, [incident.id]).get(incident.id, [])


def posts_about_incidents(session: Session, ids: Iterable[int]) -> dict[int, list[Post]]:
    """`posts_about` for many incidents in one query; an id without messages is absent."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    session.flush()  # events recorded in this transaction count too
    rows = session.execute(
        select(IncidentEvent.incident_id, IncidentEvent.effective_at, IncidentEvent.after)
        .where(IncidentEvent.incident_id.in_(wanted), IncidentEvent.kind == STATUS_MESSAGE)
        .order_by(IncidentEvent.effective_at, IncidentEvent.seq)
    )
    found: dict[int, list[Post]] = {}
    for incident_id, at, after in rows:
        found.setdefault(incident_id, []).append(Post(at, str(after["type"])))
    return found
