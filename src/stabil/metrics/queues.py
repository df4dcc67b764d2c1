"""Figures read from the database when /metrics is scraped: the job queue and the outbox.

Each reader takes the scrape's read-only session and the instant of the scrape, and gives
complete metric families; the scrape runs them all.
"""

from __future__ import annotations

import datetime as dt

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.worker.models import Job, JobState


def job_metrics(session: Session, now: dt.datetime) -> list[Metric]:
    due_count, oldest_due = session.execute(
        select(func.count(), func.min(Job.run_at)).where(
            Job.state == JobState.pending.value, Job.run_at <= now
        )
    ).one()
    failed = session.scalar(
        select(func.count()).select_from(Job).where(Job.state == JobState.failed.value)
    )
    lag = (now - oldest_due).total_seconds() if oldest_due is not None else 0.0
    return [
        GaugeMetricFamily(
            "stabil_jobs_due",
            "Scheduled jobs whose time has come and that are not done.",
            value=due_count,
        ),
        GaugeMetricFamily(
            "stabil_worker_lag_seconds",
            "Seconds since the oldest due job that is not done was due; 0 when none is.",
            value=lag,
        ),
        GaugeMetricFamily(
            "stabil_jobs_failed",
            "Jobs that kept failing and were given up (kept, visible).",
            value=failed or 0,
        ),
    ]


def outbox_metrics(session: Session, _now: dt.datetime) -> list[Metric]:
    by_state = select(OutboxItem.state, func.count()).group_by(OutboxItem.state)
    counts: dict[str, int] = dict(session.execute(by_state).all())
    family = GaugeMetricFamily(
        "stabil_outbox_notifications",
        "Notifications in the outbox by state: pending (to send), parked (kept failing), sent.",
        labels=["state"],
    )
    for state in DeliveryState:
        family.add_metric([state.value], counts.get(state.value, 0))
    return [family]
