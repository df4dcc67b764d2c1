"""Several workers on one database, and workers that die, never do the same work twice."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.service import enqueue_email
from stabil.worker.models import Job, JobState
from tests.outbox.servers import MailServer, smtp_server
from tests.worker.exactly_once_jobs import KIND, create_run_table
from tests.worker.processes import (
    JOBS_MODULE,
    StabilProcess,
    fresh_postgresql,
    fresh_sqlite,
    wait_until,
)

TIMERS = 1000


def worker_env(url: str, server: MailServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "STABIL_DATABASE_URL": url,
        "STABIL_VAR_DIR": str(tmp_path),
        "STABIL_SMTP_HOST": "127.0.0.1",
        "STABIL_SMTP_PORT": str(server.port),
        "STABIL_WORKER_POLL_SECONDS": "0.05",
        "STABIL_LOG_LEVEL": "info",
        **extra,
    }


def due_timers(engine: Engine, count: int) -> None:
    """`count` jobs due now, written at once, as the desk's timers write them."""
    now = now_utc()
    rows = [
        {
            "kind": KIND,
            "subject_key": f"BDK-2026-{n:04d}",
            "dedupe_key": f"{KIND}:{n}",
            "run_at": now,
            "payload": {"n": n},
            "state": JobState.pending.value,
            "attempts": 0,
        }
        for n in range(count)
    ]
    with Session(engine) as session:
        session.execute(insert(Job), rows)
        session.commit()


def sent(engine: Engine) -> int:
    with Session(engine) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.state == DeliveryState.sent.value)
            )
            or 0
        )


@pytest.mark.postgresql
def test_two_workers_deliver_each_of_1000_escalations_exactly_once(tmp_path: Path) -> None:
    with fresh_postgresql() as (url, engine), smtp_server() as server:
        create_run_table(engine)
        env = worker_env(url, server, tmp_path)
        workers = [StabilProcess(["worker", "--import", JOBS_MODULE], env) for _ in range(2)]
        try:
            for process in workers:
                process.wait_for_line("started")
            due_timers(engine, TIMERS)
            wait_until(lambda: sent(engine) == TIMERS, 120, "every escalation to be sent")
        finally:
            codes = [process.stop() for process in workers]
        assert codes == [0, 0], "\n".join(process.output for process in workers)

        with Session(engine) as session:
            runs = session.execute(
                text("SELECT count(*), count(DISTINCT job_id) FROM test_job_runs")
            ).one()
            assert tuple(runs) == (TIMERS, TIMERS)
            states = Counter(session.scalars(select(Job.state)))
            assert states == {JobState.done.value: TIMERS}
            items = session.execute(select(OutboxItem.message_id, OutboxItem.attempts)).all()
            claimed_by = set(session.scalars(select(OutboxItem.claimed_by)))
        received = Counter(server.message_ids)
        assert len(server.received) == TIMERS
        assert set(received) == {message_id for message_id, _ in items}
        assert max(received.values()) == 1
        assert {attempts for _, attempts in items} == {1}
        assert len(claimed_by) == 2, "both workers delivered"


def test_a_worker_killed_mid_delivery_resends_only_the_message_in_flight(tmp_path: Path) -> None:
    url, engine = fresh_sqlite(tmp_path)
    with Session(engine) as session:
        for n in range(6):
            enqueue_email(
                session,
                recipient=f"vagt{n}@borger.example",
                subject=f"Eskalering {n}",
                body="Hændelsen venter på svar.",
                subject_kind="incident",
                subject_key=f"BDK-{n}",
            )
        session.commit()
    server = MailServer(hold_message_number=3)
    with smtp_server(server):
        env = worker_env(url, server, tmp_path, STABIL_OUTBOX_LEASE_SECONDS="2")
        first = StabilProcess(["worker"], env)
        assert server.arrived.wait(30), first.output
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL
        in_flight = server.message_ids[2]
        server.release.set()

        second = StabilProcess(["worker"], env)
        try:
            wait_until(lambda: sent(engine) == 6, 30, "every message to be sent")
        finally:
            assert second.stop() == 0, second.output

    with Session(engine) as session:
        stored = dict(session.execute(select(OutboxItem.message_id, OutboxItem.attempts)).all())
    received = Counter(server.message_ids)
    assert set(received) == set(stored)
    assert received[in_flight] == 2
    assert all(count == 1 for message_id, count in received.items() if message_id != in_flight)
    assert stored[in_flight] == 2
    engine.dispose()
