"""Response-time targets from the probes' measured latencies (the example SLA has them).

A probe's answer is one call. A fulfilment target is met when at least its share of the
calls in its calendar answered under the threshold; a percentile target when that percentile
of their latencies is under it. Probe results are kept for the watch's retention days, so a
period older than that has no calls to count and proves nothing.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.clock import Clock
from stabil.declaration import Declaration
from stabil.reports.model import ResponseTimeFigure
from stabil.watch.models import Monitor, ProbeResult


def response_times(
    session: Session,
    declaration: Declaration,
    clock: Clock,
    service_id: int,
    start: dt.datetime,
    end: dt.datetime,
) -> list[ResponseTimeFigure]:
    if not declaration.response_times:
        return []
    rows = session.execute(
        select(ProbeResult.at, ProbeResult.latency_ms)
        .join(Monitor, Monitor.id == ProbeResult.monitor_id)
        .where(
            Monitor.service_id == service_id,
            ProbeResult.at >= start,
            ProbeResult.at < end,
            ProbeResult.latency_ms.is_not(None),
        )
    ).all()
    figures = []
    for target in declaration.response_times:
        latencies = np.array(
            [ms for at, ms in rows if clock.is_open(target.calendar, at)], dtype=np.int64
        )
        calls = int(latencies.size)
        measured: float | None
        met: bool | None
        if target.fulfilment_percent is not None:
            goal = target.fulfilment_percent
            under = int((latencies < target.threshold_ms).sum())
            exact = Fraction(under * 100, calls) if calls else None
            measured = None if exact is None else round(float(exact), 2)
            met = None if exact is None else exact >= Fraction(str(goal))
        else:
            goal = float(target.percentile or 0)
            measured = float(np.percentile(latencies, goal)) if calls else None
            met = None if measured is None else measured < target.threshold_ms
        figures.append(
            ResponseTimeFigure(
                key=target.key,
                name=target.name.da,
                calls=calls,
                measured=measured,
                goal=goal,
                goal_met=met,
            )
        )
    return figures
