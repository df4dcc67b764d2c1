"""`stabil worker --once` on a database with an overdue incident sends the escalations the
declaration asks for, and only once (R8)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session

from stabil.accounts.service import add_organisation, add_user
from stabil.catalog.service import load_declaration_text
from stabil.db.types import now_utc
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.outbox.mailbox import list_mail
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK, ROOT
from tests.worker.processes import fresh_sqlite


def worker_once(url: str, var_dir: Path) -> str:
    env = {**os.environ, "STABIL_DATABASE_URL": url, "STABIL_VAR_DIR": str(var_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "stabil", "worker", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def escalation_mails(var_dir: Path) -> Counter[tuple[str, str]]:
    mails, _ = list_mail(var_dir / "mailbox", limit=1000)
    return Counter(
        (mail.to, mail.subject.split("] ", 1)[1].split(" · ")[0])
        for mail in mails
        if "tiden er brugt" in mail.subject or "overskredet" in mail.subject
    )


def test_overdue_incident_is_escalated_once(tmp_path: Path) -> None:
    url, engine = fresh_sqlite(tmp_path)
    with cheap_hashing(), Session(engine) as session:
        load_declaration_text(session, BORGER_DK.read_text(encoding="utf-8"), "borger-dk.yaml")
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        operator, _ = add_user(session, "op@example.org", "operator", "digst")
        # A critical fault detected a week ago and never handed over: both timers are long
        # past their targets (15 and 240 minutes of primary service time). It was registered
        # five minutes ago, so the grace for entries after the fact has passed.
        detected = now_utc() - dt.timedelta(days=7)
        new = NewIncident(
            "borger-dk", "Log-in nede", "", Impact(users_affected_percent=50), detected_at=detected
        )
        open_incident(session, operator, new, now=now_utc() - dt.timedelta(minutes=5))
        session.commit()
    worker_once(url, tmp_path)
    sent = escalation_mails(tmp_path)
    # functional_critical warns and breaches both timers to operations; hierarchical_critical
    # sends both breaches to the escalation list and the on-call duty (R8.1, R16.3, R16.4).
    assert sent == Counter(
        {
            ("drift@borger.dk", "75 % af reaktionstiden er brugt"): 1,
            ("drift@borger.dk", "Reaktionstid overskredet"): 1,
            ("drift@borger.dk", "75 % af løsningstiden er brugt"): 1,
            ("drift@borger.dk", "Løsningstid overskredet"): 1,
            ("eskalation@digst.dk", "Reaktionstid overskredet"): 1,
            ("eskalation@digst.dk", "Løsningstid overskredet"): 1,
            ("vagt@digst.dk", "Reaktionstid overskredet"): 1,
            ("vagt@digst.dk", "Løsningstid overskredet"): 1,
        }
    )
    worker_once(url, tmp_path)
    assert escalation_mails(tmp_path) == sent  # a second run sends nothing again
    engine.dispose()
