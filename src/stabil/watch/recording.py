"""Writing the log: a monitor's state changes, and intervals entered whole (R3).

Functions take a session and never commit. The interval a monitor is in is kept on the
monitor; when its state changes, the interval that ended is appended to the log, cut at
midnight UTC (see models), and never changed again. Each change asks for the service's public
site, which shows the states and the days' downtime, to be published again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.publishing import request_publish
from stabil.watch.confirm import Confirmed
from stabil.watch.models import Monitor, StateInterval
from stabil.watch.states import Source, State
from stabil.watch.timeline import by_day


@dataclass(frozen=True, slots=True)
class Entry:
    """An interval to log as it is: a manual entry, an imported outage, a closed alert."""

    service_id: int
    start: dt.datetime
    end: dt.datetime
    state: State
    source: Source
    part: str | None = None
    monitor_id: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    incident_id: int | None = None


def log_interval(
    session: Session, entry: Entry, now: dt.datetime, recorded_by: User | None = None
) -> list[StateInterval]:
    """Append `entry` to the log, one row per UTC day it spans."""
    rows = _log(session, entry, now, recorded_by)
    request_publish(session, entry.service_id, now)
    return rows


def log_intervals(
    session: Session, entries: list[Entry], now: dt.datetime, recorded_by: User | None = None
) -> int:
    """Append many entries (an import); how many rows. One publication per service."""
    logged = sum(len(_log(session, entry, now, recorded_by)) for entry in entries)
    for service_id in dict.fromkeys(entry.service_id for entry in entries):
        request_publish(session, service_id, now)
    return logged


def _log(
    session: Session, entry: Entry, now: dt.datetime, recorded_by: User | None = None
) -> list[StateInterval]:
    rows = [
        StateInterval(
            service_id=entry.service_id,
            part=entry.part,
            monitor_id=entry.monitor_id,
            start=start,
            end=end,
            state=entry.state.value,
            source=entry.source.value,
            evidence=entry.evidence,
            reason=entry.reason,
            incident_id=entry.incident_id,
            recorded_at=now,
            recorded_by_id=recorded_by.id if recorded_by else None,
        )
        for start, end in by_day(entry.start, entry.end)
    ]
    session.add_all(rows)
    return rows


def change_state(
    session: Session, monitor: Monitor, confirmed: Confirmed, source: Source, now: dt.datetime
) -> State:
    """The monitor is in a new state from `confirmed.since`: the interval it was in ends there
    and is logged. Gives the state it was in."""
    previous = State(monitor.state)
    since = max(confirmed.since, monitor.state_since)
    _close(session, monitor, since, now)
    monitor.state = confirmed.state.value
    monitor.state_since = since
    monitor.state_source = source.value
    monitor.state_evidence = confirmed.evidence
    request_publish(session, monitor.service_id, now)
    return previous


def lose_track(
    session: Session, monitor: Monitor, last_seen: dt.datetime, now: dt.datetime
) -> None:
    """Nothing watched the monitor after `last_seen` (the prober stopped, or a machine was
    down): its state holds up to there, and the time after is unknown, never up or down."""
    if monitor.state == State.unknown:
        return
    since = max(last_seen, monitor.state_since)
    _close(session, monitor, since, now)
    monitor.state = State.unknown.value
    monitor.state_since = since
    monitor.state_source = Source.probe.value
    monitor.state_evidence = {"error": "not watched"}
    request_publish(session, monitor.service_id, now)


def end_watch(session: Session, monitor: Monitor, now: dt.datetime) -> None:
    """The monitor is removed: its running interval ends now and is logged."""
    _close(session, monitor, now, now)
    monitor.state = State.unknown.value
    monitor.state_since = now
    monitor.state_evidence = {}
    request_publish(session, monitor.service_id, now)


def _close(session: Session, monitor: Monitor, end: dt.datetime, now: dt.datetime) -> None:
    if end <= monitor.state_since:
        return
    entry = Entry(
        service_id=monitor.service_id,
        part=monitor.part,
        monitor_id=monitor.id,
        start=monitor.state_since,
        end=end,
        state=State(monitor.state),
        source=Source(monitor.state_source),
        evidence=monitor.state_evidence,
        incident_id=monitor.incident_id,
    )
    _log(session, entry, now)  # the change that closed it asks for the publication
