"""Tables of the incident desk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.accounts.models import Organisation
from stabil.catalog.models import DeclarationVersion, Service
from stabil.db.base import Base
from stabil.db.types import now_utc
from stabil.records.models import Event, HasEffectiveTime, HasNoteVisibility, Recorded, YearSequence


class Incident(Recorded, Base):
    """An incident's current facts; every change to them is also an IncidentEvent."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("service_id", "year", "number"),
        # The API's list, newest first: without it, each page sorts every incident.
        Index("ix_incidents_registered", "registered_at", "id"),
        # A period's reports: the incidents detected in it, and those changed since it.
        Index("ix_incidents_service_detected", "service_id", "detected_at"),
        Index("ix_incidents_service_state_since", "service_id", "state_since"),
    )

    key: Mapped[str] = mapped_column(String(32), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    declaration_version_id: Mapped[int] = mapped_column(ForeignKey("declaration_versions.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    detected_at: Mapped[dt.datetime]
    registered_at: Mapped[dt.datetime]
    users_affected_percent: Mapped[float | None] = mapped_column(
        Float, comment="Share of the usual users affected; null when the report did not say."
    )
    security_breach: Mapped[bool] = mapped_column(Boolean)
    legal_breach: Mapped[bool] = mapped_column(Boolean)
    workaround: Mapped[bool] = mapped_column(Boolean)
    central_function: Mapped[bool] = mapped_column(Boolean)
    suggested_priority: Mapped[int] = mapped_column(Integer)
    suggestion_reason: Mapped[str] = mapped_column(Text)
    suggestion_reason_da: Mapped[str] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, index=True)
    priority_reason: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    state_since: Mapped[dt.datetime] = mapped_column(
        comment="Effective time of the latest transition; a later one may not be earlier."
    )
    party_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(
        index=True,
        comment="The earliest due time of its running timers, for the queue's order; null when "
        "none runs. Kept with the timers (desk.history.refresh_timers).",
    )

    service: Mapped[Service] = relationship()
    declaration_version: Mapped[DeclarationVersion] = relationship()
    reporter_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[reporter_organisation_id]
    )
    party: Mapped[Organisation | None] = relationship(foreign_keys=[party_id])
    timers: Mapped[list[IncidentTimer]] = relationship(
        back_populates="incident", order_by="IncidentTimer.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[IncidentEvent]] = relationship(
        back_populates="incident", order_by="IncidentEvent.seq", viewonly=True
    )


class IncidentEvent(HasEffectiveTime, HasNoteVisibility, Event, Base):
    """One change of an incident, never updated or deleted: who, when, what, before and after."""

    __tablename__ = "incident_events"
    __table_args__ = (UniqueConstraint("incident_id", "seq"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)

    incident: Mapped[Incident] = relationship(back_populates="events")


class IncidentTimer(Base):
    """A timer's state as last computed, kept so that lists and the worker can query due times.

    The truth is the incident's history; this row is refreshed from it on every change.
    """

    __tablename__ = "incident_timers"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind"),
        Index("ix_incident_timers_running_due", "running", "due_at"),
        Index("ix_incident_timers_decided_at", "decided_at"),
        # The start time (R4.1) counts the timers of a kind stopped in a period.
        Index("ix_incident_timers_kind_stopped_at", "kind", "stopped_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[str] = mapped_column(String(32))
    calendar: Mapped[str] = mapped_column(String(64))
    target_seconds: Mapped[float] = mapped_column(Float)
    started_at: Mapped[dt.datetime]
    running: Mapped[bool] = mapped_column(Boolean)
    run_started_at: Mapped[dt.datetime | None] = mapped_column(
        comment="Start of the current run; with completed_seconds it gives the time used now."
    )
    completed_seconds: Mapped[float] = mapped_column(
        Float, comment="Service time of the runs that have ended."
    )
    due_at: Mapped[dt.datetime]
    stopped_at: Mapped[dt.datetime | None]
    met: Mapped[bool | None] = mapped_column(Boolean)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[dt.datetime | None] = mapped_column(
        comment="When reports count it: its stop when met, when it passed its target when "
        "missed; null while it runs within its target (R7.5, R7.6)."
    )

    incident: Mapped[Incident] = relationship(back_populates="timers")


class IncidentSequence(YearSequence, Base):
    """The last incident number used per service and year, for keys like BDK-2026-0042."""

    __tablename__ = "incident_sequences"


class Escalation(Base):
    """A warning or breach of one timer under one escalation rule: recorded once (R8)."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("incident_id", "timer", "rule", "stage"),
        # A period's report counts those reached in it.
        Index("ix_escalations_reached_at", "reached_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    timer: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16), comment="warning or breach")
    kind: Mapped[str] = mapped_column(String(16), comment="functional or hierarchical")
    reached_at: Mapped[dt.datetime] = mapped_column(comment="When the threshold was reached.")
    recorded_at: Mapped[dt.datetime]
    deliver_after: Mapped[dt.datetime] = mapped_column(
        comment="Its notifications wait for the rule's hours."
    )
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(
        comment="When the history, as corrected, showed it never happened; it then counts "
        "nowhere. The row stays, as history does."
    )


class MajorReview(Base):
    """The post-review report of a major incident, due some days after resolution (R9.7)."""

    __tablename__ = "major_reviews"
    # A period's report lists the reports that fell due in it (R9.7).
    __table_args__ = (Index("ix_major_reviews_due_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    due_at: Mapped[dt.datetime]
    report: Mapped[str] = mapped_column(Text, default="", comment="Markdown.")
    actions: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, comment="[{text, owner, done}]: what is to change after it."
    )
    submitted_at: Mapped[dt.datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    incident: Mapped[Incident] = relationship()
