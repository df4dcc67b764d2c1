"""`stabil worker` runs due work and stops cleanly; `stabil serve` runs it in-process."""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.outbox.mailbox import list_mail
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.service import enqueue_email
from stabil.worker.jobs import handles, schedule
from stabil.worker.models import Job, JobState
from stabil.worker.runner import Progress, Worker, new_worker_id, units_of
from tests.conftest import ROOT
from tests.outbox.delivery_helpers import settings
from tests.outbox.servers import MailServer, free_port, smtp_server
from tests.worker.exactly_once_jobs import KIND, create_run_table
from tests.worker.processes import JOBS_MODULE, StabilProcess, fresh_sqlite, wait_until

NOTIFY = "test.notify"


@handles(NOTIFY)
def _notify(session: Session, job: Job, now: dt.datetime) -> None:
    enqueue_email(
        session,
        recipient="vagt@borger.example",
        subject="Påmindelse",
        body="Husk hændelsen.",
        subject_kind="incident",
        subject_key=job.subject_key,
        dedupe_key=f"{NOTIFY}:{job.id}",
    )


def queue_mails(engine: Engine, count: int) -> None:
    with Session(engine) as session:
        for n in range(count):
            enqueue_email(
                session,
                recipient=f"vagt{n}@borger.example",
                subject=f"Besked {n}",
                body="Hej.",
                subject_kind="incident",
                subject_key=f"BDK-{n}",
            )
        session.commit()


def outbox(engine: Engine) -> list[OutboxItem]:
    with Session(engine) as session:
        return list(session.scalars(select(OutboxItem).order_by(OutboxItem.id)))


def env_for(url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "STABIL_DATABASE_URL": url,
        "STABIL_VAR_DIR": str(var_dir),
        "STABIL_WORKER_POLL_SECONDS": "0.05",
        **extra,
    }


def test_the_worker_runs_jobs_and_delivers_inside_a_test_transaction(
    session: Session, tmp_path: Path
) -> None:
    now = now_utc()
    schedule(session, kind=NOTIFY, subject_key="BDK-1", dedupe_key="notify:1", run_at=now)
    session.commit()
    stabil = Worker(settings=settings(tmp_path), units=units_of(session))
    assert stabil.run_once() == Progress(jobs=1, notifications=1)
    assert stabil.run_once() == Progress()
    mails, _ = list_mail(tmp_path / "mailbox", limit=10)
    assert [mail.subject for mail in mails] == ["Påmindelse"]


def test_a_failing_step_is_logged_and_the_loop_goes_on(session: Session, tmp_path: Path) -> None:
    now = now_utc()
    schedule(session, kind=NOTIFY, subject_key="BDK-2", dedupe_key="notify:2", run_at=now)
    session.commit()
    real = units_of(session)
    calls = {"n": 0}

    def flaky(*, writes: bool = True) -> AbstractContextManager[Session]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("the database is restarting")
        return real(writes=writes)

    config = settings(tmp_path, worker_poll_seconds=0.01)
    stabil = Worker(settings=config, units=flaky)
    loop = threading.Thread(target=stabil.run)
    loop.start()
    try:
        wait_until(lambda: (tmp_path / "mailbox" / "new").is_dir(), 10, "the mail to be kept")
    finally:
        stabil.stop()
        loop.join(10)
    assert not loop.is_alive()
    assert calls["n"] > 1


def test_worker_ids_name_host_and_process() -> None:
    host, pid, nonce = new_worker_id().rsplit(":", 2)
    assert host
    assert pid.isdigit()
    assert len(nonce) == 6
    assert new_worker_id() != new_worker_id()


def test_worker_once_does_the_due_work_and_exits(tmp_path: Path) -> None:
    url, engine = fresh_sqlite(tmp_path)
    create_run_table(engine)
    queue_mails(engine, 1)
    with Session(engine) as session:
        schedule(
            session,
            kind=KIND,
            subject_key="BDK-9",
            dedupe_key="x",
            run_at=now_utc(),
            payload={"n": 9},
        )
        session.commit()
    done = subprocess.run(
        [sys.executable, "-m", "stabil", "worker", "--once", "--import", JOBS_MODULE],
        cwd=ROOT,
        env={**os.environ, **env_for(url, tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ran 1 jobs, tried 2 notifications"
    assert [item.state for item in outbox(engine)] == [DeliveryState.sent] * 2
    with Session(engine) as session:
        assert session.scalars(select(Job.state)).all() == [JobState.done]
    box = mailbox.Maildir(tmp_path / "mailbox", create=False)
    assert sorted(str(message["To"]) for message in box) == [
        "vagt0@borger.example",
        "vagt9@borger.example",
    ]
    engine.dispose()


def test_an_unknown_plugin_module_is_a_usage_error(tmp_path: Path) -> None:
    url, engine = fresh_sqlite(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "stabil", "worker", "--once", "--import", "no.such.module"],
        cwd=ROOT,
        env={**os.environ, **env_for(url, tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: cannot import no")
    assert len(done.stderr.strip().splitlines()) == 1
    engine.dispose()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_an_idle_worker(tmp_path: Path, sig: signal.Signals) -> None:
    url, engine = fresh_sqlite(tmp_path)
    worker = StabilProcess(["worker"], env_for(url, tmp_path))
    worker.wait_for_line("started")
    assert worker.stop(sig, timeout=10) == 0, worker.output
    assert f"{sig.name}: stopping after the current step" in worker.output
    assert worker.output.splitlines()[-1].endswith("stopped")
    engine.dispose()


def test_sigterm_mid_delivery_finishes_that_message_and_gives_back_the_rest(
    tmp_path: Path,
) -> None:
    url, engine = fresh_sqlite(tmp_path)
    queue_mails(engine, 4)
    server = MailServer(hold_message_number=2)
    with smtp_server(server):
        smtp = {"STABIL_SMTP_HOST": "127.0.0.1", "STABIL_SMTP_PORT": str(server.port)}
        env = env_for(url, tmp_path, **smtp)
        worker = StabilProcess(["worker"], env)
        assert server.arrived.wait(30), worker.output
        worker.process.send_signal(signal.SIGTERM)
        worker.wait_for_line("SIGTERM: stopping")
        server.release.set()
        assert worker.stop(timeout=30) == 0, worker.output
    items = outbox(engine)
    assert [(i.state, i.attempts, i.claimed_until) for i in items[2:]] == [
        (DeliveryState.pending, 0, None),
        (DeliveryState.pending, 0, None),
    ]
    assert [i.state for i in items[:2]] == [DeliveryState.sent] * 2
    assert server.message_ids == [i.message_id for i in items[:2]]
    engine.dispose()


@contextmanager
def serving(args: list[str], env: dict[str, str]) -> Iterator[StabilProcess]:
    app = StabilProcess(["serve", *args], env)
    try:
        yield app
    finally:
        assert app.stop(timeout=30) == 0, app.output


def test_serve_runs_the_worker_in_the_same_process(tmp_path: Path) -> None:
    url, engine = fresh_sqlite(tmp_path)
    queue_mails(engine, 1)
    port = free_port()
    with serving(["--port", str(port)], env_for(url, tmp_path)) as app:
        app.wait_for_line("Uvicorn running")
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        wait_until(lambda: outbox(engine)[0].state == DeliveryState.sent, 30, "the mail")
    assert "worker" in app.output
    assert len(list(mailbox.Maildir(tmp_path / "mailbox", create=False))) == 1
    engine.dispose()


def test_serve_without_worker_leaves_the_work_to_a_worker(tmp_path: Path) -> None:
    url, engine = fresh_sqlite(tmp_path)
    queue_mails(engine, 1)
    port = free_port()
    with serving(["--port", str(port), "--no-worker"], env_for(url, tmp_path)) as app:
        app.wait_for_line("Uvicorn running")
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        # Given the time a worker in the process would need, the mail is still waiting.
        with pytest.raises(AssertionError, match="timed out"):
            wait_until(lambda: outbox(engine)[0].state == DeliveryState.sent, 2, "the mail")
    assert "worker" not in app.output
    assert not (tmp_path / "mailbox").exists()
    engine.dispose()
