"""Each request's transaction as the real app runs it: committed before the answer, read-only
for reads, run again after a deadlock, and a failed commit never answered as a success."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from stabil.accounts.models import ApiToken
from stabil.db.engine import unit_of_work
from stabil.desk.models import Incident
from stabil.outbox.models import OutboxItem
from stabil.web.deps import SessionDep
from stabil.worker.models import Job
from tests.cast import headers
from tests.web.conftest import RealApp, real_app
from tests.worker.processes import fresh_postgresql

FAILS_AT_COMMIT = "Fejler ved commit"


def count(engine: Engine, table: type[Incident] | type[OutboxItem] | type[Job]) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def install_commit_trap(engine: Engine) -> None:
    """Make the commit itself fail for an incident with a certain title.

    PostgreSQL: a deferred constraint trigger, run at COMMIT. SQLite: a deferred foreign key
    that the incident's insert breaks, checked at COMMIT.
    """
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE CONSTRAINT TRIGGER commit_trap AFTER INSERT ON incidents "
                    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    f"WHEN (NEW.title = '{FAILS_AT_COMMIT}') EXECUTE FUNCTION refuse_at_commit()"
                )
            )
            return
        connection.execute(
            text(
                "CREATE TABLE commit_trap (incident_id INTEGER REFERENCES incidents(id) "
                "DEFERRABLE INITIALLY DEFERRED)"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER commit_trap AFTER INSERT ON incidents "
                f"WHEN NEW.title = '{FAILS_AT_COMMIT}' BEGIN "
                "INSERT INTO commit_trap VALUES (NEW.id + 1000000); END"
            )
        )


def test_a_commit_that_fails_is_never_answered_as_a_success(real: RealApp) -> None:
    install_commit_trap(real.engine)
    operator = headers(real.cast.operator)
    before = (count(real.engine, Incident), count(real.engine, Job))
    body = {"service": "borger-dk", "title": FAILS_AT_COMMIT}
    failed = real.client.post("/api/v1/incidents", json=body, headers=operator)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"].isdigit()
    assert "try again" in failed.json()["detail"]
    assert (count(real.engine, Incident), count(real.engine, Job)) == before  # nothing stored
    body["title"] = "Log-in fejler"
    stored = real.client.post("/api/v1/incidents", json=body, headers=operator)
    assert stored.status_code == 201
    key = stored.json()["key"]
    assert real.client.get(f"/api/v1/incidents/{key}", headers=operator).status_code == 200


def test_a_created_incident_is_readable_once_answered(real: RealApp) -> None:
    operator = headers(real.cast.operator)
    for number in range(20):
        body = {"service": "borger-dk", "title": f"Fejl nr. {number}"}
        key = real.client.post("/api/v1/incidents", json=body, headers=operator).json()["key"]
        # Read beside the app, in a transaction of its own: the answer came after the commit.
        with Session(real.engine) as session:
            stored = session.scalar(select(Incident.title).where(Incident.key == key))
        assert stored == body["title"]


def test_a_read_only_unit_refuses_to_write(real: RealApp) -> None:
    with pytest.raises(DBAPIError), unit_of_work(writes=False) as session:
        session.execute(text("UPDATE incidents SET title = 'x'"))
    with unit_of_work(writes=False) as session:  # the connection is fine for reading after
        assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_a_tokens_use_is_recorded_apart_from_a_read(real: RealApp) -> None:
    # The GET runs in a read-only transaction (a write in it would fail the request); the
    # use is recorded after the answer, in a short transaction of its own.
    answer = real.client.get("/api/v1/me", headers=headers(real.cast.viewer))
    assert answer.status_code == 200
    with Session(real.engine) as session:
        used = session.scalars(
            select(ApiToken.last_used_at).where(ApiToken.user_id == real.cast.viewer.user.id)
        ).all()
    assert used != [None]


@pytest.mark.postgresql
def test_a_transaction_that_loses_a_deadlock_is_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_postgresql() as (url, engine):
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
            connection.execute(text("INSERT INTO probe VALUES (1), (2)"))
        with real_app(url, engine, tmp_path, monkeypatch) as running:
            attempts = _deadlock_once(running, engine)
            answer = running.client.post("/test/deadlock")
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"attempts": 2}
        assert attempts == [1, 2]


def _deadlock_once(running: RealApp, engine: Engine) -> list[int]:
    """A route whose first run deadlocks, for real, with another transaction, and loses."""
    attempts: list[int] = []
    app = running.client.app

    def deadlocking(session: SessionDep) -> dict[str, int]:
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            # The request checks for the deadlock first, so it is the one PostgreSQL ends.
            session.execute(text("SET LOCAL deadlock_timeout = '50ms'"))
            session.execute(text("SELECT id FROM probe WHERE id = 2 FOR UPDATE"))
            other_has_one, other_waits = threading.Event(), threading.Event()
            other = threading.Thread(target=_lock_one_then_two, args=(engine, other_has_one))
            other.start()
            assert other_has_one.wait(10)
            other_waits.wait(0.2)  # let it queue for row 2 first
            try:
                session.execute(text("SELECT id FROM probe WHERE id = 1 FOR UPDATE"))
            finally:
                session.rollback()
                other.join(10)
                assert not other.is_alive(), "the other transaction did not end within 10 s"
        return {"attempts": len(attempts)}

    app.add_api_route("/test/deadlock", deadlocking, methods=["POST"])  # type: ignore[attr-defined]
    return attempts


def _lock_one_then_two(engine: Engine, has_one: threading.Event) -> None:
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL deadlock_timeout = '10s'"))
        connection.execute(text("SELECT id FROM probe WHERE id = 1 FOR UPDATE"))
        has_one.set()
        connection.execute(text("SELECT id FROM probe WHERE id = 2 FOR UPDATE"))
