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

from sqlalchemy import select
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
    they were decided.

    Two queries, each one index range: the timers decided in the range, and the running ones
    that passed their due time in it. SQLite, which keeps no statistics, is told the index:
    left to itself it walks every timer of the service, or of the kind, which grows with the
    history. The kind is left to the rows found for the same reason.
    """
    wanted = set(timers)
    columns = (
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
        IncidentTimer.excluded,
    )
    joined = (
        select(*columns)
        .join(Incident, Incident.id == IncidentTimer.incident_id)
        .where(Incident.service_id == service_id)
    )
    decided = joined.where(
        IncidentTimer.decided_at >= start, IncidentTimer.decided_at < end
    ).with_hint(IncidentTimer, "INDEXED BY ix_incident_timers_decided_at", "sqlite")
    breached_running = joined.where(
        IncidentTimer.running,
        IncidentTimer.due_at >= start,
        IncidentTimer.due_at < min(end, now),
    ).with_hint(IncidentTimer, "INDEXED BY ix_incident_timers_running_due", "sqlite")
    rows = [
        row
        for statement in (decided, breached_running)
        for row in session.execute(statement)
        if row.kind in wanted
        and row.state != State.cancelled.value
        and not row.excluded
        # A running timer that passed its target in an earlier run was decided then.
        and (not row.running or row.decided_at is None or statement is decided)
    ]
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
