"""Appending to an incident's immutable history, and the declaration it is judged by."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.service import declaration_of
from stabil.declaration import Declaration
from stabil.desk.models import Incident, IncidentEvent


class NoteVisibility(StrEnum):
    """Who reads a note on the incident's timeline; the writer chooses when writing it."""

    internal = "internal"  # the desk and the working supplier
    shared = "shared"  # also the reporting authority


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
    note_visibility: NoteVisibility = NoteVisibility.internal,
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
        note_visibility=None if note is None else note_visibility.value,
    )
    session.add(event)
    return event
