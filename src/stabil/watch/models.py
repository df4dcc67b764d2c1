"""Tables of watch: monitors, the log of state intervals, and raw probe results (R3).

The log is append-only: an interval is written once it has ended, and never changed; the
interval still running is the monitor's current state. An interval that crosses midnight
(UTC) is stored as one row per day, so that the figures of any range read only the rows that
start in it and the day before; a year of them for 100 monitors is some 40,000 rows, however
often the monitors are probed. Raw probe results are kept for `probe_retention_days`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.desk.models import Incident
from stabil.records.models import Event, HasNote, Immutable, Recorded


class Monitor(Recorded, Base):
    """What is watched, how, and its current state; every change to its set-up is an event."""

    __tablename__ = "monitors"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    part: Mapped[str | None] = mapped_column(
        String(64), comment="A part of the service the declaration names; none: the service."
    )
    kind: Mapped[str] = mapped_column(String(16), comment="http, tcp, heartbeat or external.")
    target: Mapped[str | None] = mapped_column(
        String(2048), comment="The URL (http) or host:port (tcp) probed; none for the others."
    )
    expected_status: Mapped[list[int]] = mapped_column(
        JSON, comment="HTTP status codes that count as up; empty: any below 400."
    )
    body_text: Mapped[str | None] = mapped_column(String(500))
    body_regex: Mapped[str | None] = mapped_column(String(500))
    degraded_ms: Mapped[int | None] = mapped_column(
        Integer, comment="Answers slower than this many milliseconds are degraded."
    )
    tls_warn_days: Mapped[int | None] = mapped_column(
        Integer, comment="Warn when the certificate expires within this many days."
    )
    interval_seconds: Mapped[int] = mapped_column(Integer)
    timeout_seconds: Mapped[float] = mapped_column(Float)
    fail_after: Mapped[int] = mapped_column(
        Integer, comment="Consecutive failed probes before the state is down (or degraded)."
    )
    recover_after: Mapped[int] = mapped_column(
        Integer, comment="Consecutive good probes before the state is up again."
    )
    grace_seconds: Mapped[int] = mapped_column(
        Integer, comment="Heartbeat: how late a call may be before it is missed."
    )
    token_digest: Mapped[str | None] = mapped_column(
        String(64), unique=True, comment="Heartbeat: SHA-256 of the token the system calls with."
    )
    labels: Mapped[dict[str, str]] = mapped_column(
        JSON, comment="External: the alert labels that name this monitor (all must match)."
    )
    state: Mapped[str] = mapped_column(String(16))
    state_since: Mapped[dt.datetime] = mapped_column(
        comment="Start of the interval still running; it is logged when the state changes."
    )
    state_source: Mapped[str] = mapped_column(String(16))
    state_evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_heartbeat_at: Mapped[dt.datetime | None]
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), comment="The incident the current outage opened or joined."
    )
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[dt.datetime | None] = mapped_column(
        comment="Removed monitors are kept: their intervals are part of the figures."
    )

    service: Mapped[Service] = relationship()
    incident: Mapped[Incident | None] = relationship()
    events: Mapped[list[MonitorEvent]] = relationship(
        back_populates="monitor", order_by="MonitorEvent.seq", viewonly=True
    )


class MonitorEvent(HasNote, Event, Base):
    """One change of a monitor's set-up (added, changed, removed), never updated or deleted."""

    __tablename__ = "monitor_events"
    __table_args__ = (UniqueConstraint("monitor_id", "seq"),)

    monitor_id: Mapped[int] = mapped_column(ForeignKey("monitors.id"), index=True)

    monitor: Mapped[Monitor] = relationship(back_populates="events")


class StateInterval(Immutable, Base):
    """A piece of time `[start, end)` in which a part (or the service) was in one state.

    Probes and Alertmanager write the intervals of their monitor; a manual entry or an import
    names the service and part itself, and says who entered it and why.
    """

    __tablename__ = "watch_intervals"
    __table_args__ = (
        Index("ix_watch_intervals_service_start", "service_id", "start"),
        Index("ix_watch_intervals_monitor_start", "monitor_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    part: Mapped[str | None] = mapped_column(String(64))
    monitor_id: Mapped[int | None] = mapped_column(ForeignKey("monitors.id"))
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[dict[str, Any]] = mapped_column(
        JSON, comment="What showed the state: status code, error, latency, alert."
    )
    reason: Mapped[str | None] = mapped_column(Text, comment="Why, for a manual entry.")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    recorded_at: Mapped[dt.datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service: Mapped[Service] = relationship()
    monitor: Mapped[Monitor | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class ProbeResult(Base):
    """One probe's raw result, kept for `probe_retention_days` and then dropped."""

    __tablename__ = "probe_results"

    monitor_id: Mapped[int] = mapped_column(ForeignKey("monitors.id"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(primary_key=True)
    outcome: Mapped[str] = mapped_column(String(8), comment="up, degraded or down.")
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    error: Mapped[str | None] = mapped_column(String(300), comment="Why it failed, in English.")
    reason: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, comment="The same as a template and its values, for a page to translate."
    )
