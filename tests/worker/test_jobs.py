"""Scheduled jobs run once when due, retry with backoff, and can be cancelled."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.worker.jobs import cancel_pending, handles, run_due_jobs, schedule
from stabil.worker.models import Job, JobState

T0 = dt.datetime(2026, 4, 13, 8, tzinfo=dt.UTC)
ran: list[str] = []


@handles("test.note")
def _note(session: Session, job: Job, now: dt.datetime) -> None:
    ran.append(job.payload["text"])


@handles("test.broken")
def _broken(session: Session, job: Job, now: dt.datetime) -> None:
    raise RuntimeError("mail server down")


def job(session: Session, key: str) -> Job:
    return session.scalars(select(Job).where(Job.dedupe_key == key)).one()


def test_a_job_runs_when_due_and_only_once(session: Session) -> None:
    ran.clear()
    schedule(
        session, kind="test.note", subject_key="X", dedupe_key="a", run_at=T0, payload={"text": "a"}
    )
    assert run_due_jobs(session, T0 - dt.timedelta(seconds=1)) == 0
    assert run_due_jobs(session, T0) == 1
    assert run_due_jobs(session, T0 + dt.timedelta(hours=1)) == 0
    assert ran == ["a"]
    assert job(session, "a").state == JobState.done


def test_rescheduling_moves_a_pending_job_but_never_redoes_one(session: Session) -> None:
    ran.clear()
    schedule(
        session, kind="test.note", subject_key="X", dedupe_key="b", run_at=T0, payload={"text": "b"}
    )
    later = T0 + dt.timedelta(minutes=10)
    schedule(
        session,
        kind="test.note",
        subject_key="X",
        dedupe_key="b",
        run_at=later,
        payload={"text": "b2"},
    )
    assert run_due_jobs(session, T0) == 0
    assert run_due_jobs(session, later) == 1
    schedule(
        session,
        kind="test.note",
        subject_key="X",
        dedupe_key="b",
        run_at=later,
        payload={"text": "b3"},
    )
    assert run_due_jobs(session, later + dt.timedelta(hours=1)) == 0
    assert ran == ["b2"]


def test_a_failing_job_backs_off_and_is_kept(session: Session) -> None:
    schedule(session, kind="test.broken", subject_key="X", dedupe_key="c", run_at=T0)
    now = T0
    for attempt in range(1, 9):
        assert run_due_jobs(session, now) == 1
        failing = job(session, "c")
        assert failing.attempts == attempt
        assert failing.last_error == "RuntimeError: mail server down"
        now = failing.run_at
    assert job(session, "c").state == JobState.failed


def test_cancelled_jobs_do_not_run(session: Session) -> None:
    ran.clear()
    schedule(
        session,
        kind="test.note",
        subject_key="BDK-1",
        dedupe_key="esc:1:warn",
        run_at=T0,
        payload={"text": "w"},
    )
    schedule(
        session,
        kind="test.note",
        subject_key="BDK-1",
        dedupe_key="other:1",
        run_at=T0,
        payload={"text": "o"},
    )
    cancel_pending(session, "BDK-1", prefix="esc:")
    assert run_due_jobs(session, T0) == 1
    assert ran == ["o"]
    assert job(session, "esc:1:warn").state == JobState.cancelled
