"""Escalation tests open incidents and run the due jobs at chosen instants, in-process."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.outbox.models import OutboxItem
from stabil.worker.jobs import run_due_jobs


def run_until(session: Session, now: dt.datetime) -> int:
    """Run every job due at `now`, as a worker would; how many ran."""
    total = 0
    while ran := run_due_jobs(session, now):
        total += ran
    return total


def mails(session: Session, prefix: str = "esc:") -> list[OutboxItem]:
    """Queued e-mails whose dedupe key starts with `prefix` (escalations by default)."""
    return list(
        session.scalars(
            select(OutboxItem)
            .where(OutboxItem.dedupe_key.startswith(prefix))
            .order_by(OutboxItem.id)
        )
    )
