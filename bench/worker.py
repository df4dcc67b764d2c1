"""Benchmark of the worker's escalation step with 100,000 open incidents (`make bench`).

Fills a fresh database with 100,000 open Borger.dk incidents (with their timers) and 20,000
due breach jobs, then lets the worker's job step work them off in batches, as `stabil worker`
does: each job checks the timer, records the escalation and its event once, and queues the
notices. Prints due timers processed per second, on PostgreSQL (the target: at least 2,000 per
second) and on SQLite. It times; it does not fail on time.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from _databases import postgres_database
from stabil.accounts.service import add_organisation, add_user
from stabil.catalog.models import DeclarationVersion
from stabil.catalog.service import load_declaration_text
from stabil.db.engine import make_engine
from stabil.db.migrate import upgrade
from stabil.desk.escalation import JOB_KIND, EscalationId, Stage  # registers its handlers too
from stabil.desk.models import Escalation, Incident, IncidentSequence, IncidentTimer
from stabil.outbox.models import OutboxItem
from stabil.worker.jobs import run_due_jobs
from stabil.worker.models import Job
from stabil.worker.runner import JOB_BATCH as BATCH

ROOT = Path(__file__).resolve().parent.parent
OPEN_INCIDENTS = 100_000
DUE = 20_000
NOW = dt.datetime(2026, 4, 14, 12, 30, tzinfo=dt.UTC)  # Tuesday 14:30 in Copenhagen
TARGET = 2_000


def fill(engine: Engine) -> None:
    """100,000 open P2 incidents with running timers; every fifth has its breach job due."""
    with Session(engine) as session:
        text_ = (ROOT / "declarations" / "borger-dk.yaml").read_text(encoding="utf-8")
        load_declaration_text(session, text_, "borger-dk.yaml")
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        user, _ = add_user(session, "operator@example.org", "operator", "digst")
        version = session.scalars(select(DeclarationVersion)).one()
        session.commit()
        for first in range(0, OPEN_INCIDENTS, 10_000):
            _insert_chunk(session, version, user.id, range(first, first + 10_000))
            session.commit()
        # The numbers are taken, as if the desk had given them: the next incident is 100,001.
        sequence = IncidentSequence(
            service_id=version.service_id, year=2026, last_number=OPEN_INCIDENTS
        )
        session.add(sequence)
        session.commit()


def _insert_chunk(
    session: Session, version: DeclarationVersion, user_id: int, numbers: range
) -> None:
    detected = NOW - dt.timedelta(hours=6)  # 08:30 local: six hours of primary time since
    incidents = [
        {
            "key": f"BDK-2026-{number + 1:06d}",
            "service_id": version.service_id,
            "declaration_version_id": version.id,
            "year": 2026,
            "number": number + 1,
            "title": "Log-in fejler",
            "description": "",
            "channel": "api",
            "reported_by_id": user_id,
            "reporter_organisation_id": None,
            "reporter_name": None,
            "detected_at": detected,
            "registered_at": detected,
            "users_affected_percent": 10.0,
            "security_breach": False,
            "legal_breach": False,
            "workaround": False,
            "central_function": False,
            "suggested_priority": 2,
            "suggestion_reason": "",
            "suggestion_reason_da": "",
            "priority": 2,
            "priority_reason": None,
            "responsible": "agency",
            "state": "registered",
            "state_since": detected,
            "party_id": None,
            "revision": 1,
            "updated_at": detected,
        }
        for number in numbers
    ]
    ids = session.scalars(insert(Incident).returning(Incident.id), incidents).all()
    due = detected + dt.timedelta(hours=4)  # P2 reaction: 240 min of primary time
    timers = [
        {
            "incident_id": incident_id,
            "kind": kind,
            "calendar": "primary",
            "target_seconds": seconds,
            "started_at": detected,
            "running": True,
            "run_started_at": detected,
            "completed_seconds": 0.0,
            "due_at": due if kind == "reaction" else detected + dt.timedelta(hours=8),
            "stopped_at": None,
            "met": None,
            "excluded": False,
        }
        for incident_id in ids
        for kind, seconds in (("reaction", 14_400.0), ("resolution", 28_800.0))
    ]
    session.execute(insert(IncidentTimer), timers)
    breaches = [
        EscalationId(row["key"], "reaction", "functional", Stage.breach) for row in incidents[::5]
    ]
    jobs = [
        {
            "kind": JOB_KIND,
            "subject_key": breach.incident,
            "dedupe_key": breach.key(),
            "run_at": due,
            "payload": breach.payload(),
            "state": "pending",
            "attempts": 0,
        }
        for breach in breaches
    ]
    session.execute(insert(Job), jobs)


def work_off(engine: Engine) -> tuple[int, float]:
    """Run the due jobs in batches, each batch one transaction, until none is due: the job
    step of `stabil worker`, with the worker's batch size."""
    done = 0
    began = time.perf_counter()
    while True:
        with Session(engine) as session, session.begin():
            ran = run_due_jobs(session, NOW, limit=BATCH)
        if not ran:
            break
        done += ran
    return done, time.perf_counter() - began


def measure(name: str, url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    fill(engine)
    filled = time.perf_counter() - began
    done, seconds = work_off(engine)
    with Session(engine) as session:
        escalations = session.scalar(select(func.count()).select_from(Escalation))
        mails = session.scalar(select(func.count()).select_from(OutboxItem))
    verdict = "meets" if done / seconds >= TARGET else "misses"
    print(
        f"{name:<11} {done:>6} due timers in {seconds:5.1f} s: {done / seconds:6.0f} /s "
        f"({escalations} escalations, {mails} notices queued; "
        f"{verdict} ≥{TARGET}/s; filling took {filled:.0f} s)"
    )
    engine.dispose()


def main() -> None:
    print(f"{OPEN_INCIDENTS:,} open incidents, {DUE:,} due breach jobs, batches of {BATCH}")
    with postgres_database("worker") as url:
        if url:
            measure("postgresql", url)
    with tempfile.TemporaryDirectory() as directory:
        measure("sqlite", f"sqlite:///{directory}/bench.db")


if __name__ == "__main__":
    sys.exit(main())
