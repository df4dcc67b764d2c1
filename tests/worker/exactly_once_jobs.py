"""A job kind for worker tests, loaded into `stabil worker` with `--import`.

Each job notes that it ran (in a table without a unique key, so running twice would show) and
queues one e-mail, as an escalation does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from stabil.outbox.service import enqueue_email
from stabil.worker.jobs import handles
from stabil.worker.models import Job

KIND = "test.escalate"


def create_run_table(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE test_job_runs (job_id INTEGER NOT NULL)"))


@handles(KIND)
def escalate(session: Session, job: Job, now: dt.datetime) -> None:
    session.execute(text("INSERT INTO test_job_runs (job_id) VALUES (:id)"), {"id": job.id})
    enqueue_email(
        session,
        recipient=f"vagt{job.payload['n']}@borger.example",
        subject=f"Eskalering {job.payload['n']}: reaktionstiden er overskredet",
        body="Hændelsen venter på svar.",
        subject_kind="incident",
        subject_key=job.subject_key,
        dedupe_key=f"{KIND}:{job.id}",
    )
