"""Tables of service requests: their own lifecycle and history, never counted as incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from stabil.accounts.models import Organisation, User
from stabil.catalog.models import DeclarationVersion, Service
from stabil.db.base import Base
from stabil.db.types import now_utc


class ServiceRequest(Base):
    """A request's current facts; every change to them is also a ServiceRequestEvent."""

    __tablename__ = "service_requests"
    __table_args__ = (UniqueConstraint("service_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
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
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    service: Mapped[Service] = relationship()
    declaration_version: Mapped[DeclarationVersion] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    events: Mapped[list[ServiceRequestEvent]] = relationship(
        back_populates="request", order_by="ServiceRequestEvent.seq", viewonly=True
    )


class ServiceRequestEvent(Base):
    """One change of a service request, never updated or deleted."""

    __tablename__ = "service_request_events"
    __table_args__ = (UniqueConstraint("request_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


@sa_event.listens_for(ServiceRequestEvent, "before_update")
@sa_event.listens_for(ServiceRequestEvent, "before_delete")
def _events_are_immutable(
    _mapper: Mapper[Any], _connection: Any, target: ServiceRequestEvent
) -> None:
    raise PermissionError(f"service request event {target.id} is immutable")


class ServiceRequestSequence(Base):
    """The last request number used per service and year, for keys like SR-BDK-2026-0001."""

    __tablename__ = "service_request_sequences"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
