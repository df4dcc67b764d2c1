"""The columns every recorded entity, event table and yearly numbering has.

A domain's table derives from these mixins and `Base`, and adds what is its own: the entity's
fields, and in its event table the column that names the entity (with a unique constraint on
it and `seq`, which makes a concurrent second writer of the same revision fail) and the
relationship `events` on the entity that leads to it.

Some columns carry `sort_order` so that every table keeps the column order it was created
with: `id` first, then the table's own columns (in an event table, the one naming the entity),
then the shared ones.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, declared_attr, mapped_column, relationship

from stabil.accounts.models import User
from stabil.db.types import now_utc


class NoteVisibility(StrEnum):
    """Who reads a note; where a domain lets the writer choose, the writer chooses it."""

    internal = "internal"  # those who work the record (for an incident: the desk, its supplier)
    shared = "shared"  # everyone who may see the record


class Recorded:
    """An entity whose every change is an event row; `revision` counts those rows.

    The entity declares `events`, a view-only relationship to its event table ordered by
    `seq`, with `back_populates` naming the event's relationship to the entity; the history
    functions find the table, and the column naming the entity, from it.
    """

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc)


class Immutable:
    """A history row: written once, never updated or deleted (see the guard below)."""


class Event(Immutable):
    """One change of a recorded entity: who, when, what kind, the facts before and after."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    seq: Mapped[int] = mapped_column(Integer, sort_order=1)
    kind: Mapped[str] = mapped_column(String(32), sort_order=2)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), sort_order=3)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now_utc, sort_order=4)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, sort_order=6)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, sort_order=7)

    @declared_attr
    def actor(cls) -> Mapped[User | None]:  # noqa: N805 (declared_attr is given the class)
        return relationship(User)


class HasEffectiveTime:
    """The change may be entered afterwards: `effective_at` is when it really happened."""

    effective_at: Mapped[dt.datetime] = mapped_column(sort_order=5)


class HasNote:
    """An event may carry a note in words, read by everyone who may see the record."""

    note: Mapped[str | None] = mapped_column(Text, sort_order=8)


class HasNoteVisibility(HasNote):
    """The writer of a note chooses who reads it."""

    note_visibility: Mapped[str | None] = mapped_column(
        String(16),
        CheckConstraint("note_visibility IN ('internal', 'shared')", name="note_visibility"),
        sort_order=9,
        comment="internal or shared, for a note; who may read it.",
    )


class YearSequence:
    """The last number used per service and year, for keys like BDK-2026-0042."""

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


@event.listens_for(Immutable, "before_update", propagate=True)
@event.listens_for(Immutable, "before_delete", propagate=True)
def _history_is_immutable(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    # A correction is a new event; rewriting an old one would rewrite what the KPIs and the
    # timers were computed from.
    raise PermissionError(f"{type(target).__name__} {target.id} is immutable")
