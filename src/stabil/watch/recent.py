"""What the desk's pages read of a monitor's recent past: its last probes and its last
intervals (R3). The caller has checked that the reader may see the monitors."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from stabil.watch.models import ProbeResult, StateInterval


def last_probes(
    session: Session, monitor_ids: Sequence[int], each: int
) -> dict[int, list[ProbeResult]]:
    """The `each` newest probe results of every monitor, newest first.

    One indexed look-up per monitor: a week of one-minute probes is 10,000 rows a monitor,
    and ranking them all to keep the newest few would read every one."""
    return {
        monitor_id: list(
            session.scalars(
                select(ProbeResult)
                .where(ProbeResult.monitor_id == monitor_id)
                .order_by(ProbeResult.at.desc())
                .limit(each)
            )
        )
        for monitor_id in monitor_ids
    }


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
