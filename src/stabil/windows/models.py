"""Tables of service windows: planned (or unplanned) maintenance, with its history (R13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    column,
    select,
    table,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from stabil.catalog.models import DeclarationVersion, Service
from stabil.db.base import Base
from stabil.records.models import Event, HasEffectiveTime, HasNote, Recorded
from stabil.status.models import Message

# The changes' table as far as a window needs it: named here rather than imported, since the
# changes package builds on this one (a change shows its windows and their quota, R12.1).
_CHANGES = table("changes", column("id"), column("key", String))


class ServiceWindow(Recorded, Base):
    """A window's current facts; every change to them is also a ServiceWindowEvent."""

    __tablename__ = "service_windows"
    # The rules look up a service's other windows by time, and the quota by kind.
    __table_args__ = (Index("ix_service_windows_service_start", "service_id", "planned_start"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    declaration_version_id: Mapped[int] = mapped_column(ForeignKey("declaration_versions.id"))
    kind: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)
    planned_start: Mapped[dt.datetime]
    planned_end: Mapped[dt.datetime]
    actual_start: Mapped[dt.datetime | None]
    actual_end: Mapped[dt.datetime | None]
    announced_at: Mapped[dt.datetime | None]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str | None] = mapped_column(Text)
    affected: Mapped[list[str]] = mapped_column(JSON, comment="Affected parts of the service.")
    compliant: Mapped[bool] = mapped_column(Boolean)
    violations: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, comment="The rules the window breaks, as last checked; empty when compliant."
    )
    override_reason: Mapped[str | None] = mapped_column(
        Text, comment="Why a window that breaks rules was recorded anyway."
    )
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_messages.id"),
        comment="The operational message that announced the window and tells of it (R12.2).",
    )
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_id: Mapped[int | None] = mapped_column(
        ForeignKey("changes.id"), index=True, comment="The change the window is for, if any."
    )
    change_key: Mapped[str | None] = column_property(
        select(_CHANGES.c.key)
        .where(_CHANGES.c.id == change_id)
        .correlate_except(_CHANGES)
        .scalar_subquery()
    )

    service: Mapped[Service] = relationship()
    declaration_version: Mapped[DeclarationVersion] = relationship()
    message: Mapped[Message | None] = relationship()
    events: Mapped[list[ServiceWindowEvent]] = relationship(
        back_populates="window", order_by="ServiceWindowEvent.seq", viewonly=True
    )


class ServiceWindowEvent(HasEffectiveTime, HasNote, Event, Base):
    """One change of a window, never updated or deleted."""

    __tablename__ = "service_window_events"
    __table_args__ = (UniqueConstraint("window_id", "seq"),)

    window_id: Mapped[int] = mapped_column(ForeignKey("service_windows.id"), index=True)

    window: Mapped[ServiceWindow] = relationship(back_populates="events")
