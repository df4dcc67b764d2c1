"""What the desk's pages read of a monitor's recent past: its last probes and its last
intervals (R3). The caller has checked that the reader may see the monitors."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from stabil.watch.models import ProbeResult, StateInterval


def last_probes(
    session: Session, monitor_ids: Sequence[int], each: int
) -> dict[int, list[ProbeResult]]:
    """The `each` newest probe results of every monitor, newest first, in one statement."""
    if not monitor_ids:
        return {}
    rank = (
        func.row_number()
        .over(partition_by=ProbeResult.monitor_id, order_by=ProbeResult.at.desc())
        .label("rank")
    )
    ranked = (
        select(ProbeResult, rank).where(ProbeResult.monitor_id.in_(list(monitor_ids))).subquery()
    )
    probe = ranked.c
    rows = session.execute(
        select(ProbeResult).from_statement(
            select(
                probe.monitor_id,
                probe.at,
                probe.outcome,
                probe.latency_ms,
                probe.status_code,
                probe.error,
            )
            .where(probe.rank <= each)
            .order_by(probe.monitor_id, probe.at.desc())
        )
    ).scalars()
    found: dict[int, list[ProbeResult]] = {monitor_id: [] for monitor_id in monitor_ids}
    for row in rows:
        found[row.monitor_id].append(row)
    return found


def last_intervals(session: Session, monitor_id: int, limit: int) -> list[StateInterval]:
    """The monitor's logged intervals, newest first, of every state."""
    return list(
        session.scalars(
            select(StateInterval)
            .options(selectinload(StateInterval.recorded_by))
            .where(StateInterval.monitor_id == monitor_id)
            .order_by(StateInterval.start.desc(), StateInterval.id.desc())
            .limit(limit)
        )
    )
