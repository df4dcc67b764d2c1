"""Tables of meetings: a forum's planned and held meetings, their minutes, their actions and
their history (R17, R9.8)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.accounts.models import Organisation
from stabil.catalog.models import DeclarationVersion, Service
from stabil.db.base import Base
from stabil.records.models import Event, HasNote, Recorded


class Meeting(Recorded, Base):
    """One meeting of a declared forum; every change to it is also a MeetingEvent."""

    __tablename__ = "meetings"
    # The schedule looks up a forum's meetings of a service by time.
    __table_args__ = (Index("ix_meetings_service_forum_start", "service_id", "forum", "starts_at"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    declaration_version_id: Mapped[int] = mapped_column(ForeignKey("declaration_versions.id"))
    forum: Mapped[str] = mapped_column(
        String(64),
        comment="The declared meeting: a key of meetings[], or review_meeting (R9.8).",
    )
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    location: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), index=True)
    over_quota: Mapped[bool] = mapped_column(
        Boolean, comment="Planned beyond the declared number a year: allowed, and flagged."
    )
    invitees: Mapped[list[str]] = mapped_column(
        JSON, comment="Addresses reminded besides those the declaration names."
    )
    minutes: Mapped[str] = mapped_column(Text, comment="The decision minutes, in Markdown.")
    decisions: Mapped[list[str]] = mapped_column(JSON, comment="The decisions, one per item.")
    minutes_at: Mapped[dt.datetime | None] = mapped_column(comment="When minutes were recorded.")
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service: Mapped[Service] = relationship()
    declaration_version: Mapped[DeclarationVersion] = relationship()
    actions: Mapped[list[MeetingAction]] = relationship(
        back_populates="meeting", order_by="MeetingAction.id", viewonly=True
    )
    events: Mapped[list[MeetingEvent]] = relationship(
        back_populates="meeting", order_by="MeetingEvent.seq", viewonly=True
    )


class MeetingEvent(HasNote, Event, Base):
    """One change of a meeting or of one of its actions, never updated or deleted."""

    __tablename__ = "meeting_events"
    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="events")


class MeetingAction(Base):
    """An action of a meeting's minutes, tracked across the forum's meetings until done.

    Its changes are events of its meeting (action_added, action_done), so that the meeting's
    history tells what its minutes led to.
    """

    __tablename__ = "meeting_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), comment="The organisation that owns the action."
    )
    due_on: Mapped[dt.date] = mapped_column(Date, comment="A local date in the service's zone.")
    state: Mapped[str] = mapped_column(String(16), index=True)
    done_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]

    meeting: Mapped[Meeting] = relationship(back_populates="actions")
    owner: Mapped[Organisation] = relationship()
