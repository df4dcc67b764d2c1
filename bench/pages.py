"""Benchmark of the desk's pages with 100,000 incidents in the database (`make bench`).

Fills a fresh database (SQLite, and PostgreSQL when one answers) with the worker benchmark's
100,000 Borger.dk incidents and their timers, 1,000 of them open, signs in through the login
form of a real `stabil serve`, and times each page over HTTP on loopback, one request at a
time: from request to last byte, which on loopback is the server's time. Beside the pages, the
API's JSON list of the same 50 incidents, the answer a script would otherwise fetch. It times;
it does not fail on time (the goal: every page under 100 ms).
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

from _databases import postgres_database
from _serve import Server, kill_all_servers, server_env
from stabil.accounts.service import add_user, create_token, find_user, new_password
from stabil.db.engine import make_engine
from stabil.db.migrate import upgrade
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from worker import fill

REPEATS = 30
# A desk's database after some years: 100,000 incidents, 1 in 100 still open. The rest are
# closed with their timers stopped in time.
CLOSE_MOST = (
    "UPDATE incidents SET state = 'closed' WHERE id % 100 <> 0",
    "UPDATE incident_timers SET running = false, run_started_at = NULL, stopped_at = started_at, "
    "met = true WHERE incident_id % 100 <> 0",
)
PASSWORD = "bench-operator-password"
MAJORS = 20  # reported through the desk's service, each with its major-incident duties
PAGES = {
    "queue": "/desk",
    "queue, breached only": "/desk?breached=yes",
    "queue, text search": "/desk?text=log-in",
    "queue, last page": "/desk?page=1000",
    "incident": "/desk/incidents/BDK-2026-050000",
    "report form": "/desk/report",
    "major incidents": "/desk/majors",
    "major-incident cockpit": "/desk/majors/{major}",
    "operational messages": "/desk/messages",
    "problems": "/desk/problems",
    "service requests": "/desk/requests",
    "admin: users": "/admin/users",
    "admin: outbox": "/admin/outbox",
    "API list (JSON)": "/api/v1/incidents?limit=50",
}


def prepare(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    fill(engine)
    with Session(engine) as session:
        for statement in CLOSE_MOST:
            session.execute(text(statement))
        analyse(session)  # PostgreSQL plans the next statement from fresh statistics
        session.execute(
            text(
                "UPDATE incidents SET next_due_at = (SELECT min(t.due_at) FROM incident_timers t "
                "WHERE t.incident_id = incidents.id AND t.running)"
            )
        )
        operator, _ = add_user(
            session, "bench@example.org", "admin", None, password=new_password(PASSWORD)
        )
        for _ in range(MAJORS):
            new = NewIncident("borger-dk", "Log-in er nede", "", Impact(users_affected_percent=60))
            open_incident(session, operator, new)
        session.commit()
        analyse(session)
    engine.dispose()


def analyse(session: Session) -> None:
    """Fresh planner statistics after a bulk write: without them PostgreSQL takes 100,000
    fresh rows for an empty table and scans where it should look up."""
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()


def signed_in(client: httpx.Client) -> None:
    """Through the form; a busy machine may answer 503 (Retry-After) to the first tries."""
    for _ in range(10):
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]*)"', form)
        assert csrf is not None
        data = {"email": "bench@example.org", "password": PASSWORD, "csrf": csrf[1]}
        answer = client.post("/login", data=data)
        if answer.status_code == 200:
            return
        time.sleep(int(answer.headers.get("Retry-After", "2")))
    raise RuntimeError(f"could not sign in: {answer.status_code}")


def a_major(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        key = session.scalar(text("SELECT key FROM incidents WHERE priority = 1 ORDER BY id"))
    engine.dispose()
    assert key is not None
    return str(key)


def measure(server_url: str, token: str, major: str) -> dict[str, tuple[float, float]]:
    """Median and worst milliseconds per page, after a few answers that warm the caches."""
    timings: dict[str, tuple[float, float]] = {}
    with httpx.Client(base_url=server_url, timeout=30, follow_redirects=True) as client:
        signed_in(client)
        for name, path in PAGES.items():
            api = path.startswith("/api/")
            headers = {"Authorization": f"Bearer {token}"} if api else {}
            spent = []
            for _ in range(REPEATS + 3):
                began = time.perf_counter()
                answer = client.get(path.format(major=major), headers=headers)
                spent.append((time.perf_counter() - began) * 1000)
                if answer.status_code != 200:
                    print(f"  {name}: {answer.status_code}")
                    break
            spent = spent[3:] or spent
            timings[name] = (statistics.median(spent), max(spent))
    return timings


def run(label: str, url: str, workdir: Path) -> None:
    began = time.perf_counter()
    prepare(url)
    print(f"{label}: filled in {time.perf_counter() - began:.0f} s")
    token = api_token(url)
    # Without the worker: its escalation of the 20,000 due timers (bench/worker.py) would
    # share the machine with the pages being timed.
    server = Server(server_env(url, workdir), workdir / f"{label}.log", ("--no-worker",))
    try:
        server.start()
        for name, (median, worst) in measure(server.url, token, a_major(url)).items():
            print(f"  {name:26} p50 {median:6.1f} ms   max {worst:6.1f} ms")
    finally:
        kill_all_servers()


def api_token(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        user = find_user(session, "bench@example.org")
        assert user is not None
        _, plaintext = create_token(session, user, "bench")
        session.commit()
    engine.dispose()
    return plaintext


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        run("sqlite", f"sqlite:///{workdir / 'pages.db'}", workdir)
        with postgres_database("pages") as url:
            if url is not None:
                run("postgresql", url, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
