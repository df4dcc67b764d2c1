"""Engines and sessions for the configured database (SQLite by default, or PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from stabil.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "stabil_writes"
_SQLITE_WRITER = threading.Lock()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_begin(connection: Connection) -> None:
    """Emit BEGIN ourselves (pysqlite's own handling breaks SAVEPOINTs).

    A unit of work that will write asks for BEGIN IMMEDIATE: it takes the write lock at once
    and waits its turn (busy timeout). A deferred transaction that reads first and writes
    later fails at once with "database is locked" when another wrote in between.
    """
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # let the "begin" listener issue BEGIN
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@cache
def get_engine() -> Engine:
    return make_engine(get_settings().resolved_database_url())


@cache
def _session_factory() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def unit_of_work(*, writes: bool = True) -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back on any error.

    Service functions never commit; the request, command or job that owns the unit does.
    `writes=False` promises only reads, which on SQLite may then run beside a writer.
    """
    engine = get_engine()
    # SQLite has one writer at a time. Writers of this process queue on a lock, in order,
    # instead of in SQLite's busy handler, which sleeps and retries and so makes long tails.
    lock = _SQLITE_WRITER if writes and engine.dialect.name == "sqlite" else nullcontext()
    with lock:
        session = _session_factory()()
        if writes:
            session.connection(execution_options={WRITE_OPTION: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
