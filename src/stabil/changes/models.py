"""Tables of changes: a planned change to a service, its windows and its history (R12.1)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.records.models import Event, HasNote, Recorded, YearSequence
from stabil.windows.models import ServiceWindow


class Change(Recorded, Base):
    """A change's current facts; every change to them is also a ChangeEvent."""

    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("service_id", "year", "number"),)

    key: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    risk: Mapped[str] = mapped_column(String(16))
    implementation_plan: Mapped[str] = mapped_column(Text)
    fallback_plan: Mapped[str] = mapped_column(Text)
    planned_start: Mapped[dt.datetime]
    planned_end: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(16), index=True)
    state_since: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service: Mapped[Service] = relationship()
    # Linked and unlinked by setting the window's change_id (changes.service.link_window).
    windows: Mapped[list[ServiceWindow]] = relationship(
        viewonly=True, order_by=(ServiceWindow.planned_start, ServiceWindow.id)
    )
    events: Mapped[list[ChangeEvent]] = relationship(
        back_populates="change", order_by="ChangeEvent.seq", viewonly=True
    )


class ChangeEvent(HasNote, Event, Base):
    """One change of a change record, never updated or deleted."""

    __tablename__ = "change_events"
    __table_args__ = (UniqueConstraint("change_id", "seq"),)

    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)

    change: Mapped[Change] = relationship(back_populates="events")


class ChangeSequence(YearSequence, Base):
    """The last change number used per service and year, for keys like CHG-BDK-2026-0001."""

    __tablename__ = "change_sequences"
