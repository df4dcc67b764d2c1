"""Tables of problems: a root cause linked to many incidents, with its history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.accounts.models import Organisation
from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.desk.models import Incident
from stabil.records.models import Event, HasNote, Recorded, YearSequence


class Problem(Recorded, Base):
    """A problem's current facts; every change to them is also a ProblemEvent."""

    __tablename__ = "problems"
    __table_args__ = (UniqueConstraint("service_id", "year", "number"),)

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

    service: Mapped[Service] = relationship()
    owner: Mapped[Organisation | None] = relationship()
    links: Mapped[list[ProblemIncident]] = relationship(
        order_by="ProblemIncident.linked_at", cascade="all, delete-orphan"
    )
    events: Mapped[list[ProblemEvent]] = relationship(
        back_populates="problem", order_by="ProblemEvent.seq", viewonly=True
    )


class ProblemIncident(Base):
    __tablename__ = "problem_incidents"

    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id"), primary_key=True, index=True
    )
    linked_at: Mapped[dt.datetime]

    incident: Mapped[Incident] = relationship()


class ProblemEvent(HasNote, Event, Base):
    """One change of a problem, never updated or deleted."""

    __tablename__ = "problem_events"
    __table_args__ = (UniqueConstraint("problem_id", "seq"),)

    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), index=True)

    problem: Mapped[Problem] = relationship(back_populates="events")


class ProblemSequence(YearSequence, Base):
    """The last problem number used per service and year, for keys like PRB-BDK-2026-0001."""

    __tablename__ = "problem_sequences"
