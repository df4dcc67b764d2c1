"""Tables of operational status: messages with their timeline and their links to incidents.

One message entity serves everything told to a service's users (R10.3, R14.1); the public
status page and self-service subscriptions read and extend these tables, never copies of them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.desk.models import Incident
from stabil.records.models import Event, Immutable, Recorded


class Message(Recorded, Base):
    """An operational message's current facts; its texts are entries, its changes events."""

    __tablename__ = "status_messages"
    __table_args__ = (Index("ix_status_messages_service_id_posted_at", "service_id", "posted_at"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    type: Mapped[str] = mapped_column(String(32), comment="A MessageType of the declaration.")
    state: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, comment="Danish text as first posted.")
    body_en: Mapped[str | None] = mapped_column(Text)
    affected: Mapped[list[str]] = mapped_column(JSON, comment="Affected parts of the service.")
    affected_users: Mapped[str | None] = mapped_column(Text, comment="Who and how many (R9.3).")
    cause: Mapped[str | None] = mapped_column(Text)
    horizon: Mapped[str | None] = mapped_column(Text, comment="Expected horizon, in words.")
    horizon_at: Mapped[dt.datetime | None] = mapped_column(comment="Expected horizon, an instant.")
    posted_at: Mapped[dt.datetime]
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]

    service: Mapped[Service] = relationship()
    links: Mapped[list[MessageIncident]] = relationship(order_by="MessageIncident.linked_at")
    entries: Mapped[list[MessageEntry]] = relationship(
        back_populates="message", order_by="MessageEntry.seq"
    )
    events: Mapped[list[MessageEvent]] = relationship(
        back_populates="message", order_by="MessageEvent.seq", viewonly=True
    )


class MessageIncident(Base):
    """A message is about an incident; orientation deadlines (R14) read these links."""

    __tablename__ = "status_message_incidents"

    message_id: Mapped[int] = mapped_column(ForeignKey("status_messages.id"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id"), primary_key=True, index=True
    )
    linked_at: Mapped[dt.datetime]

    incident: Mapped[Incident] = relationship()


class MessageEntry(Immutable, Base):
    """One text told on the status channel: the posting, each update, the resolution.

    A status page shows these as the message's timeline; their times are the times the
    users were told (R14.4).
    """

    __tablename__ = "status_message_entries"
    __table_args__ = (UniqueConstraint("message_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("status_messages.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), comment="posted, updated or resolved.")
    at: Mapped[dt.datetime]
    type: Mapped[str] = mapped_column(String(32), comment="The message's type at that time.")
    body: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    message: Mapped[Message] = relationship(back_populates="entries")


class MessageEvent(Event, Base):
    """One change of a message, never updated or deleted."""

    __tablename__ = "status_message_events"
    __table_args__ = (UniqueConstraint("message_id", "seq"),)

    message_id: Mapped[int] = mapped_column(ForeignKey("status_messages.id"), index=True)

    message: Mapped[Message] = relationship(back_populates="events")
