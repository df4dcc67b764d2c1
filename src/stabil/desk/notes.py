"""A note on an incident's timeline, outside any transition: what was learnt, tried or agreed.

Those who work the incident write notes: the desk, and the supplier it is handed to. The
writer chooses who reads it, as on a transition: internal (the desk and the working supplier)
or shared (the reporting authority too).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import WORK, Role
from stabil.db.types import now_utc
from stabil.desk.access import check_can_see
from stabil.desk.models import Incident, IncidentEvent
from stabil.errors import Forbidden, Invalid
from stabil.records.history import append_event
from stabil.records.models import NoteVisibility

NOTE = "note"
WRITE_NOTES = WORK | {Role.supplier}


def may_note(user: User) -> bool:
    """Whether `user`'s role writes notes on the incidents it sees."""
    return user.role in WRITE_NOTES


def add_note(
    session: Session,
    actor: User | None,
    incident: Incident,
    *,
    note: str,
    visibility: NoteVisibility = NoteVisibility.internal,
    now: dt.datetime | None = None,
) -> IncidentEvent:
    """A note on the incident; with no actor, Stabil writes it (e.g. its monitoring)."""
    if actor is not None:
        check_can_see(actor, incident)
        if not may_note(actor):
            raise Forbidden("only admins, operators and the incident's supplier may write notes")
    if not note.strip():
        raise Invalid("note", "is empty (write what is to be noted)")
    now = now or now_utc()
    event = append_event(
        session,
        incident,
        kind=NOTE,
        actor=actor,
        recorded_at=now,
        effective_at=now,
        note=note,
        note_visibility=visibility,
    )
    assert isinstance(event, IncidentEvent)
    event.actor = actor  # set, not loaded: the answer names who wrote it
    return event
