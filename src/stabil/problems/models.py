"""Tables of problems: a root cause linked to many incidents, with its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from stabil.accounts.models import Organisation, User
from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.db.types import now_utc
from stabil.desk.models import Incident


class Problem(Base):
    """A problem's current facts; every change to them is also a ProblemEvent."""

    __tablename__ = "problems"
    __table_args__ = (UniqueConstraint("service_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str] = mapped_column(Text)
    workaround: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    state_since: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    service: Mapped[Service] = relationship()
    owner: Mapped[Organisation | None] = relationship()
    links: Mapped[list[ProblemIncident]] = relationship(
        order_by="ProblemIncident.linked_at", cascade="all, delete-orphan"
    )


class ProblemIncident(Base):
    __tablename__ = "problem_incidents"

    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id"), primary_key=True, index=True
    )
    linked_at: Mapped[dt.datetime]

    incident: Mapped[Incident] = relationship()


class ProblemEvent(Base):
    """One change of a problem, never updated or deleted."""

    __tablename__ = "problem_events"
    __table_args__ = (UniqueConstraint("problem_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


@sa_event.listens_for(ProblemEvent, "before_update")
@sa_event.listens_for(ProblemEvent, "before_delete")
def _events_are_immutable(_mapper: Mapper[Any], _connection: Any, target: ProblemEvent) -> None:
    raise PermissionError(f"problem event {target.id} is immutable")


class ProblemSequence(Base):
    """The last problem number used per service and year, for keys like PRB-BDK-2026-0001."""

    __tablename__ = "problem_sequences"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
