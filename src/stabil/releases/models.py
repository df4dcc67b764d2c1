"""Tables of releases: a service's coming versions, their notice and their history (R11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.accounts.models import User
from stabil.catalog.models import DeclarationVersion, Service
from stabil.db.base import Base
from stabil.records.models import Event, HasEffectiveTime, HasNote, Recorded
from stabil.status.models import Message


class Release(Recorded, Base):
    """A release's current facts; every change to them is also a ReleaseEvent."""

    __tablename__ = "releases"
    # Lists show a service's releases in the order they are planned.
    __table_args__ = (Index("ix_releases_service_date", "service_id", "planned_date"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    declaration_version_id: Mapped[int] = mapped_column(ForeignKey("declaration_versions.id"))
    version: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)
    planned_date: Mapped[dt.date] = mapped_column(comment="A local date in the service's zone.")
    interface_change: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, comment="Release notes in Danish.")
    notes_en: Mapped[str | None] = mapped_column(Text)
    announced_at: Mapped[dt.datetime | None] = mapped_column(
        comment="The written notice: notice counts from it (R11.1)."
    )
    released_at: Mapped[dt.datetime | None]
    notice_months: Mapped[int] = mapped_column(
        Integer, comment="The notice the declaration asks of this release; 0: none."
    )
    earliest_date: Mapped[dt.date | None] = mapped_column(
        comment="The earliest release date the notice allows, as last checked."
    )
    notice_met: Mapped[bool] = mapped_column(Boolean)
    shorter_notice_reason: Mapped[str | None] = mapped_column(
        String(32), comment="Why a shorter notice was allowed: legal, technical or urgent."
    )
    help_obligation: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, comment="The declaration's duty to help after shorter notice, by language."
    )
    help_given_at: Mapped[dt.datetime | None]
    help_given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_messages.id"), comment="The operational message that announced it."
    )
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service: Mapped[Service] = relationship()
    declaration_version: Mapped[DeclarationVersion] = relationship()
    message: Mapped[Message | None] = relationship()
    help_given_by: Mapped[User | None] = relationship(foreign_keys=[help_given_by_id])
    events: Mapped[list[ReleaseEvent]] = relationship(
        back_populates="release", order_by="ReleaseEvent.seq", viewonly=True
    )


class ReleaseEvent(HasEffectiveTime, HasNote, Event, Base):
    """One change of a release, never updated or deleted."""

    __tablename__ = "release_events"
    __table_args__ = (UniqueConstraint("release_id", "seq"),)

    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)

    release: Mapped[Release] = relationship(back_populates="events")
