"""Scheduling jobs, and running the due ones exactly once.

A job's effects and its `done` mark are written in one transaction. On PostgreSQL the due
jobs are claimed with `FOR UPDATE SKIP LOCKED`, so several workers share the work and never
run one job twice; on SQLite a writing transaction holds the only write lock. A worker that
dies mid-job leaves nothing half-done: its transaction is rolled back and the job stays due.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from stabil.db.types import now_utc
from stabil.worker.models import Job, JobState

log = logging.getLogger("stabil.worker")

Handler = Callable[[Session, Job, dt.datetime], None]
BatchHandler = Callable[[Session, list[Job], dt.datetime], None]
_HANDLERS: dict[str, Handler] = {}
_BATCH_HANDLERS: dict[str, BatchHandler] = {}
MAX_ATTEMPTS = 8


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does jobs of `kind`."""

    def register(handler: Handler) -> Handler:
        _HANDLERS[kind] = handler
        return handler

    return register


def handles_batch(kind: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register a function that does many due jobs of `kind` at once (for throughput).

    If a batch fails, its jobs are run one by one with the single-job handler, so that one
    bad job cannot hold up the others.
    """

    def register(handler: BatchHandler) -> BatchHandler:
        _BATCH_HANDLERS[kind] = handler
        return handler

    return register


@dataclass(slots=True)
class Plan:
    """Jobs to cancel and jobs to schedule, written together in a few statements.

    Planning happens on every change of an incident; collecting first and writing once keeps
    that cheap (one UPDATE and one multi-row upsert instead of a statement per job).
    """

    cancels: list[tuple[str, str]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)

    def cancel(self, subject_key: str, prefix: str = "") -> None:
        """Cancel the subject's pending jobs whose dedupe key starts with `prefix`."""
        self.cancels.append((subject_key, prefix))

    def schedule(
        self,
        *,
        kind: str,
        subject_key: str,
        dedupe_key: str,
        run_at: dt.datetime,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Schedule a job, or move a pending or cancelled one with the same key.

        A job already done (or failed) stays so: work that happened is not done again.
        """
        self.jobs.append(
            {
                "kind": kind,
                "subject_key": subject_key,
                "dedupe_key": dedupe_key,
                "run_at": run_at,
                "payload": payload or {},
                "state": JobState.pending.value,
                "attempts": 0,
                "created_at": now_utc(),
            }
        )

    def write(self, session: Session) -> None:
        for subject_key, prefix in self.cancels:
            _cancel(session, subject_key, prefix)
        if self.jobs:
            session.execute(_upsert(session.get_bind().dialect.name), self.jobs)
        self.cancels.clear()
        self.jobs.clear()


@cache
def _upsert(dialect: str) -> Any:
    """The upsert of jobs, built once per dialect (building it costs more than running it)."""
    table = cast(Table, Job.__table__)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.dedupe_key],
        set_={
            "run_at": statement.excluded.run_at,
            "payload": statement.excluded.payload,
            "state": JobState.pending.value,
        },
        # Not `in_`: an expanding IN cannot be sent with many rows at once.
        where=or_(
            table.c.state == JobState.pending.value, table.c.state == JobState.cancelled.value
        ),
    )


def _cancel(session: Session, subject_key: str, prefix: str) -> None:
    session.execute(
        update(Job)
        .where(
            Job.subject_key == subject_key,
            Job.state == JobState.pending.value,
            Job.dedupe_key.startswith(prefix, autoescape=True),
        )
        .values(state=JobState.cancelled.value)
        .execution_options(synchronize_session=False)
    )


def schedule(
    session: Session,
    *,
    kind: str,
    subject_key: str,
    dedupe_key: str,
    run_at: dt.datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Schedule one job now (see `Plan.schedule`)."""
    plan = Plan()
    plan.schedule(
        kind=kind, subject_key=subject_key, dedupe_key=dedupe_key, run_at=run_at, payload=payload
    )
    plan.write(session)


def cancel_pending(session: Session, subject_key: str, *, prefix: str = "") -> None:
    """Cancel the pending jobs about a subject (whose dedupe key starts with `prefix`)."""
    _cancel(session, subject_key, prefix)


def run_due_jobs(session: Session, now: dt.datetime, *, limit: int = 200) -> int:
    """Run up to `limit` due jobs in the caller's transaction; how many were run.

    The caller commits. Each job runs in a savepoint: a job that raises is rolled back alone,
    counted, retried later with backoff, and marked failed after MAX_ATTEMPTS.
    """
    due = session.scalars(
        select(Job)
        .where(Job.state == JobState.pending.value, Job.run_at <= now)
        .order_by(Job.run_at, Job.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    by_kind: dict[str, list[Job]] = {}
    for job in due:
        by_kind.setdefault(job.kind, []).append(job)
    for kind, jobs in by_kind.items():
        if kind in _BATCH_HANDLERS and _run_batch(session, kind, jobs, now):
            continue
        for job in jobs:
            _run_one(session, job, now)
    return len(due)


def _run_batch(session: Session, kind: str, jobs: list[Job], now: dt.datetime) -> bool:
    try:
        with session.begin_nested():
            _BATCH_HANDLERS[kind](session, jobs, now)
    except Exception:
        log.exception("a batch of %d %s jobs failed; running them one by one", len(jobs), kind)
        return False
    # One statement for the batch instead of one per job; the objects are told, not flushed.
    session.execute(
        update(Job)
        .where(Job.id.in_([job.id for job in jobs]))
        .values(state=JobState.done.value, done_at=now)
        .execution_options(synchronize_session=False)
    )
    for job in jobs:
        set_committed_value(job, "state", JobState.done.value)
        set_committed_value(job, "done_at", now)
    return True


def _run_one(session: Session, job: Job, now: dt.datetime) -> None:
    handler = _HANDLERS.get(job.kind)
    try:
        with session.begin_nested():
            if handler is None:
                raise LookupError(f"no handler for jobs of kind {job.kind!r}")
            handler(session, job, now)
    except Exception as error:
        log.exception("job %s (%s) failed", job.id, job.kind)
        job.attempts += 1
        job.last_error = f"{type(error).__name__}: {error}"[:2000]
        if job.attempts >= MAX_ATTEMPTS:
            job.state = JobState.failed.value
        else:
            job.run_at = now + dt.timedelta(seconds=30 * 2 ** (job.attempts - 1))
        return
    job.state = JobState.done.value
    job.done_at = now
