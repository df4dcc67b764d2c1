"""Which timers a period decides, and how each did (R7.5, R7.6).

A timer is decided in the period in which it stopped within its target (met), or in which it
passed its target (missed), whether it has stopped since or still runs; so a timer breached
in March and stopped in April counts in March, once. A running timer within its target
belongs to a later period. Cancelled incidents never count. The rows are the timers as
`desk.history.refresh_timers` keeps them from each incident's events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from stabil.desk.models import Incident, IncidentTimer
from stabil.desk.states import State


@dataclass(frozen=True, slots=True)
class DecidedTimer:
    incident: str
    title: str
    priority: int
    timer: str
    state: str
    started_at: dt.datetime
    due_at: dt.datetime
    stopped_at: dt.datetime | None
    decided_at: dt.datetime
    met: bool
    elapsed_seconds: float | None  # None for a running timer: still growing
    target_seconds: float

    def evidence(self) -> dict[str, object]:
        over = None
        if not self.met:
            end = self.stopped_at
            over = None if end is None else max(0.0, (end - self.due_at).total_seconds() / 60)
        return {
            "incident": self.incident,
            "title": self.title,
            "priority": self.priority,
            "timer": self.timer,
            "started_at": self.started_at,
            "due_at": self.due_at,
            "stopped_at": self.stopped_at,
            "decided_at": self.decided_at,
            "met": self.met,
            "elapsed_minutes": _minutes(self.elapsed_seconds),
            "target_minutes": _minutes(self.target_seconds),
            "over_by_minutes": None if over is None else round(over, 2),
            "state": self.state,
        }


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def decided_timers(
    session: Session,
    service_id: int,
    timers: Iterable[str],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> list[DecidedTimer]:
    """The timers of kinds `timers` decided in `[start, end)` as known at `now`, in the order
    they were decided. Two index ranges: decided timers, and running ones past their due."""
    until = min(end, now)
    decided = and_(IncidentTimer.decided_at >= start, IncidentTimer.decided_at < end)
    breached_running = and_(
        IncidentTimer.running,
        IncidentTimer.decided_at.is_(None),
        IncidentTimer.due_at >= start,
        IncidentTimer.due_at < until,
    )
    rows = session.execute(
        select(
            Incident.key,
            Incident.title,
            Incident.priority,
            Incident.state,
            IncidentTimer.kind,
            IncidentTimer.started_at,
            IncidentTimer.due_at,
            IncidentTimer.stopped_at,
            IncidentTimer.decided_at,
            IncidentTimer.met,
            IncidentTimer.running,
            IncidentTimer.completed_seconds,
            IncidentTimer.target_seconds,
        )
        .join(Incident, Incident.id == IncidentTimer.incident_id)
        .where(
            Incident.service_id == service_id,
            Incident.state != State.cancelled.value,
            ~IncidentTimer.excluded,
            IncidentTimer.kind.in_(list(timers)),
            or_(decided, breached_running),
        )
    ).all()
    found = [
        DecidedTimer(
            incident=row.key,
            title=row.title,
            priority=row.priority,
            timer=row.kind,
            state=row.state,
            started_at=row.started_at,
            due_at=row.due_at,
            stopped_at=row.stopped_at,
            decided_at=row.decided_at or row.due_at,
            met=bool(row.met) and not row.running,
            elapsed_seconds=None if row.running else row.completed_seconds,
            target_seconds=row.target_seconds,
        )
        for row in rows
    ]
    return sorted(found, key=lambda item: (item.decided_at, item.incident, item.timer))
