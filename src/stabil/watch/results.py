"""The prober's side of the database: its start after a gap, its batches of results, and the
dropping of old raw results (R3).

Functions take a session and never commit; the prober's unit of work does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from stabil.db.types import UTCDateTime
from stabil.watch.confirm import Confirmed, Observation
from stabil.watch.models import Monitor, ProbeResult
from stabil.watch.monitors import watched
from stabil.watch.probes import MAX_ERROR_CHARS
from stabil.watch.recording import lose_track
from stabil.watch.service import confirm
from stabil.watch.states import PROBED, Source


@dataclass(frozen=True, slots=True)
class Result:
    """One probe's outcome, for the raw results; `at` is when it was taken, which for a
    heartbeat differs from the instant its observation speaks of."""

    monitor_id: int
    observation: Observation
    at: dt.datetime


def last_probes(session: Session, monitor_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """Each monitor's newest raw result, by one index look-up each (a GROUP BY would read a
    week of results of every monitor)."""
    if not monitor_ids:
        return {}
    newest = (
        select(func.max(ProbeResult.at))
        .where(ProbeResult.monitor_id == Monitor.id)
        .correlate(Monitor)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Monitor.id, type_coerce(newest, UTCDateTime())).where(Monitor.id.in_(monitor_ids))
    ).all()
    return {monitor_id: at for monitor_id, at in rows if at is not None}


def start_after_gap(session: Session, now: dt.datetime) -> list[Monitor]:
    """Nothing probed since the last results: every probed monitor's state holds up to its
    last probe (or the start of its state) and is unknown after it. Gives the monitors."""
    monitors = watched(session)
    seen = last_probes(session, [item.id for item in monitors])
    for monitor in monitors:
        lose_track(session, monitor, seen.get(monitor.id, monitor.state_since), now)
    return monitors


def signature(session: Session) -> tuple[int, dt.datetime | None, int | None]:
    """Changes whenever a probed monitor is added, changed or removed: cheap to ask often."""
    count, changed, newest = session.execute(
        select(
            func.count(Monitor.id),
            type_coerce(func.max(Monitor.updated_at), UTCDateTime()),
            func.max(Monitor.id),
        ).where(Monitor.kind.in_([kind.value for kind in PROBED]))
    ).one()
    return int(count), changed, newest


def heartbeats(
    session: Session, monitor_ids: Iterable[int]
) -> dict[int, tuple[dt.datetime | None, dt.datetime]]:
    """The last call and the start of each heartbeat monitor, as the API last wrote them."""
    ids = list(monitor_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Monitor.id, Monitor.last_heartbeat_at, Monitor.created_at).where(
            Monitor.id.in_(ids), Monitor.removed_at.is_(None)
        )
    ).all()
    return {monitor_id: (last, created) for monitor_id, last, created in rows}


def write_results(session: Session, results: Sequence[Result]) -> None:
    """The raw results, in one INSERT of many rows."""
    if not results:
        return
    session.execute(
        insert(ProbeResult),
        [
            {
                "monitor_id": item.monitor_id,
                "at": item.at,
                "outcome": item.observation.outcome.value,
                "latency_ms": item.observation.evidence.get("latency_ms"),
                "status_code": item.observation.evidence.get("status_code"),
                "error": _error(item.observation),
                "reason": reason_of(item.observation.evidence),
            }
            for item in results
        ],
    )


def confirm_states(
    session: Session, confirmations: Sequence[tuple[int, Confirmed]], now: dt.datetime
) -> None:
    """Each confirmed state, through the one function every source calls; the monitors read
    in one query, as after a restart nearly every monitor confirms its state at once."""
    if not confirmations:
        return
    ids = {monitor_id for monitor_id, _confirmed in confirmations}
    monitors = {
        item.id: item
        for item in session.scalars(
            select(Monitor)
            .where(Monitor.id.in_(ids), Monitor.removed_at.is_(None))
            .options(selectinload(Monitor.service))
        )
    }
    with session.no_autoflush:
        for monitor_id, confirmed in confirmations:
            monitor = monitors.get(monitor_id)
            if monitor is not None:  # else removed since it was probed: its watch has ended
                confirm(session, monitor, confirmed, Source.probe, now)


def drop_old_results(session: Session, before: dt.datetime) -> int:
    """Raw results older than `before`, deleted in one statement; the intervals stay."""
    statement = delete(ProbeResult).where(ProbeResult.at < before)
    done = session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(done, "rowcount", 0) or 0)


def reason_of(evidence: dict[str, Any]) -> dict[str, Any] | None:
    """Why a probe failed as its template and values (see probes.said), if it says."""
    if not evidence.get("problem"):
        return None
    return {"problem": evidence["problem"], "values": evidence.get("values", {})}


def _error(observation: Observation) -> str | None:
    text = observation.evidence.get("error") or observation.evidence.get("warning")
    return str(text)[:MAX_ERROR_CHARS] if text else None
