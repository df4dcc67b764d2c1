"""Escalation tests open incidents and run the due jobs at chosen instants, in-process."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.service import load_declaration_text
from stabil.outbox.models import OutboxItem
from stabil.worker.jobs import run_due_jobs
from tests.conftest import BORGER_DK, EXAMPLE


@pytest.fixture
def services(session: Session) -> None:
    for path in (BORGER_DK, EXAMPLE):
        load_declaration_text(session, path.read_text(encoding="utf-8"), path.name)
    session.commit()


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
