"""Appending to a recorded entity's history and reading it back: the one place that knows how
an event is numbered.

An event's `seq` is the entity's revision after it: the first event is 1, and `revision`
always equals the `seq` of the latest event. The unique (entity, seq) key of every event
table makes a second writer that read the same revision fail instead of forking the history;
callers hold the entity's row for update.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert, inspect, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from stabil.accounts.models import User
from stabil.errors import Invalid
from stabil.records.models import Event, NoteVisibility, Recorded


@dataclass(frozen=True, slots=True)
class Change:
    """What one event says. Only a table that keeps notes takes a note."""

    kind: str
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    actor: User | None = None
    effective_at: dt.datetime | None = None  # None: it happened when it was recorded
    note: str | None = None
    note_visibility: NoteVisibility | None = None  # where the writer of a note chooses


@dataclass(frozen=True, slots=True)
class History:
    """A kind of entity's event table, and how that table names the entity."""

    model: type[Event]
    table: Table
    column: str  # the column holding the entity's id, e.g. incident_id
    relationship: str  # the event's relationship to the entity, e.g. incident


def append_event(
    session: Session,
    entity: Recorded,
    *,
    kind: str,
    recorded_at: dt.datetime,
    actor: User | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    effective_at: dt.datetime | None = None,
    note: str | None = None,
    note_visibility: NoteVisibility | None = None,
) -> Event:
    """Append one event to the entity's history and move its revision on."""
    change = Change(kind, before or {}, after or {}, actor, effective_at, note, note_visibility)
    history = history_of(type(entity))
    row = _row(history, change, entity.revision + 1, recorded_at)
    # Through the relationship: an entity not flushed yet has no id to put in the column.
    event = history.model(**{history.relationship: entity}, **row)
    entity.revision += 1
    entity.updated_at = recorded_at
    session.add(event)
    return event


def append_events(
    session: Session, changes: Sequence[tuple[Recorded, Change]], recorded_at: dt.datetime
) -> None:
    """Append many events with one INSERT per table, and move the revisions on in few UPDATEs.

    For the worker's batches, where a round trip per event would cost more than the work. The
    entities must be flushed; they keep their new revision as if it were read from the database.
    """
    added: Counter[Recorded] = Counter()
    rows: dict[History, list[dict[str, Any]]] = {}
    for entity, change in changes:
        added[entity] += 1
        history = history_of(type(entity))
        row = _row(history, change, entity.revision + added[entity], recorded_at)
        rows.setdefault(history, []).append({history.column: entity.id, **row})
    for history, values in rows.items():
        session.execute(insert(history.table), values)
    _move_revisions(session, added, recorded_at)


def events_of(session: Session, entity: Recorded) -> list[Event]:
    """The entity's history, oldest first, with each event's actor loaded."""
    history = history_of(type(entity))
    session.flush()  # the events appended in this transaction are part of it
    model = history.model
    return list(
        session.scalars(
            select(model)
            .where(getattr(model, history.column) == entity.id)
            .options(selectinload(model.actor))
            .order_by(model.seq)
        )
    )


def history_of(entity_type: type[Recorded]) -> History:
    """Read from the entity's `events` relationship, so that nothing is declared twice."""
    events = inspect(entity_type).relationships["events"]
    [(_, column)] = events.local_remote_pairs
    if not events.back_populates:
        raise TypeError(f"{entity_type.__name__}.events must name its back_populates")
    table = cast(Table, events.mapper.local_table)
    return History(events.mapper.class_, table, column.key, events.back_populates)


# Columns only some event tables have; each gets a value in every row of a table that has it,
# so that the rows of one INSERT all have the same columns.
_OPTIONAL = ("effective_at", "note", "note_visibility")


def _row(history: History, change: Change, seq: int, recorded_at: dt.datetime) -> dict[str, Any]:
    row: dict[str, Any] = {
        "seq": seq,
        "kind": change.kind,
        "actor_id": change.actor.id if change.actor else None,
        "recorded_at": recorded_at,
        "before": change.before,
        "after": change.after,
    }
    given = {
        "effective_at": change.effective_at or recorded_at,
        "note": change.note,
        "note_visibility": (
            None
            if change.note is None
            else (change.note_visibility or NoteVisibility.internal).value
        ),
    }
    columns = history.table.columns
    if change.note is not None and "note" not in columns:
        raise TypeError(f"{history.model.__name__} keeps no notes")
    row.update((name, given[name]) for name in _OPTIONAL if name in columns)
    return row


def _move_revisions(session: Session, added: Counter[Recorded], recorded_at: dt.datetime) -> None:
    # Entities of one kind that gained the same number of events move on in one statement.
    groups: dict[tuple[type[Recorded], int], list[Recorded]] = {}
    for entity, count in added.items():
        groups.setdefault((type(entity), count), []).append(entity)
    for (kind, count), entities in groups.items():
        mapped = cast(Any, kind)
        session.execute(
            update(mapped)
            .where(mapped.id.in_([entity.id for entity in entities]))
            .values(revision=mapped.revision + count, updated_at=recorded_at)
            .execution_options(synchronize_session=False)
        )
        for entity in entities:
            set_committed_value(entity, "revision", entity.revision + count)
            set_committed_value(entity, "updated_at", recorded_at)


def up_to_now(field: str, at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """`at`, the effective time of a change entered afterwards: it happened, so it cannot lie
    in the future; refused at `field` if it does."""
    if at > now:
        raise Invalid(field, "cannot be in the future (it is {now} now)", now=now.isoformat())
    return at
