"""Benchmark of incident creation through HTTP against a running server (`make bench`).

Starts `stabil serve` on a fresh SQLite database and on a fresh PostgreSQL database, creates
incidents with POST /api/v1/incidents from 4 and from 8 concurrent client threads (each sends
its next request when the last is answered), and prints creates per second with the p50 and
p99 latency. It times; it does not fail on time. PostgreSQL is skipped
with a note when the server at PYTEST_POSTGRES_URL cannot be reached.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from _databases import postgres_database
from _serve import Server, server_env
from stabil.accounts.service import add_organisation, add_user, create_token
from stabil.catalog.service import load_declaration_text
from stabil.db.engine import make_engine
from stabil.db.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = (4, 8)
WARM_UP = 100
CREATES = 2_000
TARGET_RATE, TARGET_P99_MS = 200.0, 50.0
BODY = {
    "service": "borger-dk",
    "title": "Log-in fejler",
    "description": "Borgerne kan ikke logge ind på selvbetjeningen",
    "impact": {"users_affected_percent": 30},
}


def prepare(url: str) -> str:
    """Migrate, load Borger.dk and make an operator; return the operator's API token."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        declaration = (ROOT / "declarations" / "borger-dk.yaml").read_text(encoding="utf-8")
        load_declaration_text(session, declaration, "borger-dk.yaml")
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        user, _ = add_user(session, "bench@example.org", "operator", "digst")
        _, token = create_token(session, user, "bench")
        session.commit()
    engine.dispose()
    return token


def load(url: str, token: str, count: int, clients: int) -> tuple[float, list[float], int]:
    """Create `count` incidents from `clients` threads: wall seconds, latencies, failures."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    per_client = count // clients

    def client() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers) as http:
            for _ in range(per_client):
                began = time.perf_counter()
                response = http.post("/api/v1/incidents", json=BODY)
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    failures[0] += response.status_code != 201

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, failures[0]


def measure(name: str, url: str) -> None:
    token = prepare(url)
    with tempfile.TemporaryDirectory() as directory:
        server = Server(server_env(url, Path(directory)), Path(directory) / "server.log")
        try:
            server.start()
            load(server.url, token, WARM_UP, 2)
            for clients in CONCURRENCY:
                report(f"{name} ×{clients}", *load(server.url, token, CREATES, clients))
        finally:
            server.stop()


def report(name: str, wall: float, latencies: list[float], failures: int) -> None:
    latencies.sort()
    rate = len(latencies) / wall
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    verdict = "meets" if rate >= TARGET_RATE and p99 <= TARGET_P99_MS else "misses"
    print(
        f"{name:<14} {len(latencies):>6} creates  {rate:7.0f} /s  p50 {p50:6.1f} ms  "
        f"p99 {p99:6.1f} ms  failures {failures}  ({verdict} ≥{TARGET_RATE:.0f}/s, "
        f"p99 ≤{TARGET_P99_MS:.0f} ms)"
    )


def main() -> None:
    print("POST /api/v1/incidents, one server process; ×N: N concurrent clients")
    with tempfile.TemporaryDirectory() as directory:
        measure("sqlite", f"sqlite:///{directory}/bench.db")
    with postgres_database("api") as url:
        if url:
            measure("postgresql", url)


if __name__ == "__main__":
    main()
