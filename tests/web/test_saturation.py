"""A truly saturated database: requests beyond the pool are answered 503 with Retry-After at
once (after the queue timeout), never left to stall; those admitted finish when it frees.

Before, a burst on PostgreSQL waited 30 s for the connection pool and then failed with
"QueuePool limit ... timeout 30", while the work of clients that had given up went on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from stabil.db.engine import ACCESS_OPTION, Access
from tests.web.served import Served, at_once, served

POOL = 2
QUEUE_TIMEOUT = 0.5


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    settings = {
        "STABIL_DATABASE_POOL_SIZE": str(POOL),
        "STABIL_QUEUE_TIMEOUT_SECONDS": str(QUEUE_TIMEOUT),
    }
    with served(request.param, tmp_path, **settings) as running:
        yield running


STUCK_SECONDS = 3.0


def block_writers(connection: Connection) -> None:
    """Hold what every new incident needs, as a stuck database would."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE incident_sequences IN ACCESS EXCLUSIVE MODE"))
    else:
        connection.execute(text("SELECT 1"))  # begins IMMEDIATE: SQLite's one write lock


def test_requests_beyond_a_stuck_database_get_503_at_once(app: Served) -> None:
    def create(number: int) -> tuple[int, str | None, float]:
        with app.client(app.cast.operator) as client:
            started = time.monotonic()
            body = {"service": "borger-dk", "title": f"Nr. {number}"}
            answer = client.post("/api/v1/incidents", json=body)
            return answer.status_code, answer.headers.get("Retry-After"), time.monotonic() - started

    writes = {ACCESS_OPTION: Access.writes}
    with app.engine.connect().execution_options(**writes) as blocker:
        block_writers(blocker)
        unblock = threading.Timer(STUCK_SECONDS, blocker.rollback)
        unblock.start()
        answers = at_once(8, create)
        unblock.join(STUCK_SECONDS + 10)
        assert not unblock.is_alive(), "the stuck database was not freed"
    admitted = 1 if app.engine.dialect.name == "sqlite" else POOL  # one writer, or the pool
    served_ones = [answer for answer in answers if answer[0] == 201]
    refused = [answer for answer in answers if answer[0] == 503]
    assert len(served_ones) == admitted, answers  # they waited in the database, and finished
    assert len(refused) == 8 - admitted, answers
    assert all(retry and int(retry) >= 1 for _, retry, _ in refused)
    # Refused after the queue timeout, while the database was still stuck: no stall.
    assert all(seconds < STUCK_SECONDS for _, _, seconds in refused), refused
    with app.client(app.cast.operator) as client:
        after = client.post("/api/v1/incidents", json={"service": "borger-dk", "title": "Igen"})
    assert after.status_code == 201  # once the database is free, the service is back
