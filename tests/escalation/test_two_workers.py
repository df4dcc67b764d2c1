"""Two workers on one PostgreSQL escalate 400 due timers, each exactly once (R8).

Their incidents are major ones under Borger.dk's declaration, so the workers run the
major-incident jobs (orientation, downtime) beside the escalations, and deliver every notice.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.accounts.service import add_organisation, add_user
from stabil.catalog.service import load_declaration_text
from stabil.db.types import now_utc
from stabil.desk.models import Escalation, IncidentEvent
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.outbox.mailbox import list_mail
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.worker.models import Job, JobState
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK
from tests.worker.processes import StabilProcess, fresh_postgresql, wait_until

INCIDENTS = 60  # two timers each: 120 due timers, 360 escalations, 480 notices
MEMORY = Path("/dev/shm")


@contextmanager
def var_dir(tmp_path: Path) -> Iterator[Path]:
    """The workers' var directory, in memory where the system has it (/dev/shm).

    The mailbox writes and syncs a file per notice: on disk that is a third of the time, and
    the disk is not what this test is about.
    """
    if not os.access(MEMORY, os.W_OK):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=MEMORY, prefix="stabil-test-") as name:
        yield Path(name)


def settled(session: Session) -> bool:
    """No job is due and no notice waits: the workers have done everything there is."""
    now = now_utc()
    jobs = session.scalar(
        select(func.count()).select_from(Job).where(Job.state == "pending", Job.run_at <= now)
    )
    mails = session.scalar(
        select(func.count())
        .select_from(OutboxItem)
        .where(OutboxItem.state == DeliveryState.pending.value, OutboxItem.deliver_after <= now)
    )
    return jobs == 0 and mails == 0


@pytest.mark.postgresql
def test_two_workers_escalate_each_due_timer_once(tmp_path: Path) -> None:
    with fresh_postgresql() as (url, engine), var_dir(tmp_path) as var:
        with cheap_hashing(), Session(engine) as session:
            text = BORGER_DK.read_text(encoding="utf-8")
            load_declaration_text(session, text, "borger-dk.yaml")
            add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
            operator, _ = add_user(session, "op@example.org", "operator", "digst")
            # Critical faults detected a week ago, registered five minutes ago (the grace for
            # entries after the fact has passed) and never handed over: both timers of each
            # are far past their targets, and every escalation job is due at once.
            detected = now_utc() - dt.timedelta(days=7)
            registered = now_utc() - dt.timedelta(minutes=5)
            for _ in range(INCIDENTS):
                new = NewIncident(
                    "borger-dk", "Nede", "", Impact(users_affected_percent=50), detected_at=detected
                )
                open_incident(session, operator, new, now=registered)
            session.commit()
        env = {
            "STABIL_DATABASE_URL": url,
            "STABIL_VAR_DIR": str(var),
            "STABIL_WORKER_POLL_SECONDS": "0.05",
        }
        workers = [StabilProcess(["worker"], env) for _ in range(2)]
        try:
            for process in workers:
                process.wait_for_line("started")
            with Session(engine) as session:
                wait_until(lambda: settled(session), 180, "the workers to finish")
        finally:
            codes = [process.stop() for process in workers]
        assert codes == [0, 0], "\n".join(process.output for process in workers)

        with Session(engine) as session:
            # Per incident: warning and breach of both timers (functional_critical), and both
            # breaches again to the escalation list and on-call (hierarchical_critical).
            assert session.scalar(select(func.count()).select_from(Escalation)) == 6 * INCIDENTS
            per_incident = Counter(
                session.scalars(
                    select(IncidentEvent.incident_id).where(IncidentEvent.kind == "escalated")
                )
            )
            assert set(per_incident.values()) == {6}
            assert len(per_incident) == INCIDENTS
            assert (
                session.scalar(
                    select(func.count())
                    .select_from(Job)
                    .where(Job.state != JobState.done.value, Job.run_at <= now_utc())
                )
                == 0
            )
            stored = session.scalars(
                select(OutboxItem.message_id).where(OutboxItem.dedupe_key.startswith("esc:"))
            ).all()
            workers_used = set(session.scalars(select(Job.kind)))
        assert len(stored) == 8 * INCIDENTS  # 4 notices to operations, 2 × 2 up the line
        mails, total = list_mail(var / "mailbox", limit=100_000)
        delivered = Counter(mail.message_id for mail in mails)
        assert max(delivered.values()) == 1, "no notice was delivered twice"
        assert set(stored) <= set(delivered)
        assert {"escalation", "major.orientation", "major.downtime"} <= workers_used
        assert total == len(mails)
