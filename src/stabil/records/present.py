"""An event as the API shows it to one reader, for every kind of record.

What a reader may not see is left out the same way everywhere: a person's address becomes
their organisation (accounts.privacy), lists of addresses notified become how many, an
internal note is shown only to those who work the record, and the incident keys an event
lists are cut to those the reader may see.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from stabil.accounts.models import User
from stabil.accounts.privacy import person_label, without_addresses
from stabil.records.models import (
    Event,
    HasEffectiveTime,
    HasNote,
    HasNoteVisibility,
    NoteVisibility,
)
from stabil.records.schemas import EventOut

# Facts of an event that list incident keys.
INCIDENT_LISTS = ("incidents", "incidents_linked")


def event_out(
    event: Event,
    reader: User,
    *,
    reads_internal_notes: bool = False,
    incidents_shown: Collection[str] | None = None,
) -> EventOut:
    """One event as `reader` may see it.

    `reads_internal_notes`: whether the reader may read the internal notes of this record;
    the domain's rule, so nobody does unless the domain says so.
    `incidents_shown`: the incident keys the reader may see, where the events list some.
    """
    note, visibility = _note(event, reads_internal_notes)
    facts = [without_addresses(part, reader) for part in (event.before, event.after)]
    if incidents_shown is not None:
        facts = [without_hidden_incidents(part, incidents_shown) for part in facts]
    return EventOut(
        seq=event.seq,
        kind=event.kind,
        actor=person_label(event.actor, reader),
        recorded_at=event.recorded_at,
        effective_at=(
            event.effective_at if isinstance(event, HasEffectiveTime) else event.recorded_at
        ),
        before=facts[0],
        after=facts[1],
        note=note,
        note_visibility=visibility,
    )


def _note(event: Event, reads_internal: bool) -> tuple[str | None, NoteVisibility | None]:
    if not isinstance(event, HasNote) or event.note is None:
        return None, None
    if not isinstance(event, HasNoteVisibility):
        return event.note, NoteVisibility.shared  # the record's every reader reads its notes
    # Notes written before the writer could choose count as internal.
    visibility = NoteVisibility(event.note_visibility or NoteVisibility.internal)
    if visibility is NoteVisibility.internal and not reads_internal:
        return None, None
    return event.note, visibility


def incident_keys_in(facts: Collection[dict[str, Any]]) -> set[str]:
    """The incident keys the facts of some events list."""
    return {
        key
        for item in facts
        for name in INCIDENT_LISTS
        if isinstance(item.get(name), list)
        for key in item[name]
    }


def without_hidden_incidents(facts: dict[str, Any], shown: Collection[str]) -> dict[str, Any]:
    """The facts, with the lists of incident keys cut to those in `shown`."""
    return {
        name: [key for key in value if key in shown]
        if name in INCIDENT_LISTS and isinstance(value, list)
        else value
        for name, value in facts.items()
    }
