"""Tables of service requests: their own lifecycle and history, never counted as incidents."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.accounts.models import Organisation
from stabil.catalog.models import DeclarationVersion, Service
from stabil.db.base import Base
from stabil.records.models import Event, HasNote, Recorded, YearSequence


class ServiceRequest(Recorded, Base):
    """A request's current facts; every change to them is also a ServiceRequestEvent."""

    __tablename__ = "service_requests"
    __table_args__ = (UniqueConstraint("service_id", "year", "number"),)

    key: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    declaration_version_id: Mapped[int] = mapped_column(ForeignKey("declaration_versions.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, comment="The requester's organisation."
    )
    requester_name: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[int | None] = mapped_column(
        Integer, comment="The declaration's service-request priority; none: no targets."
    )
    submitted_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(16), index=True)
    state_since: Mapped[dt.datetime]
    reason: Mapped[str | None] = mapped_column(Text, comment="Why it was rejected.")

    service: Mapped[Service] = relationship()
    declaration_version: Mapped[DeclarationVersion] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    events: Mapped[list[ServiceRequestEvent]] = relationship(
        back_populates="request", order_by="ServiceRequestEvent.seq", viewonly=True
    )


class ServiceRequestEvent(HasNote, Event, Base):
    """One change of a service request, never updated or deleted."""

    __tablename__ = "service_request_events"
    __table_args__ = (UniqueConstraint("request_id", "seq"),)

    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")


class ServiceRequestSequence(YearSequence, Base):
    """The last request number used per service and year, for keys like SR-BDK-2026-0001."""

    __tablename__ = "service_request_sequences"
