"""Engines and sessions for the configured database (SQLite by default, or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from stabil.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 5000
# Connections beyond the pool for what runs beside the requests: the worker in the same
# process, the recording of token use, a command. Requests never get them (see
# stabil.web.admission), so they cannot starve those.
POOL_OVERFLOW = 10
ACCESS_OPTION = "stabil_access"


class Access(Enum):
    """What a transaction will do, which SQLite and PostgreSQL are told when it begins."""

    default = "default"
    writes = "writes"
    reads = "reads"


def make_engine(url: str, *, pool_size: int | None = None) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    parsed = make_url(url)
    pool = _pool_options(pool_size or get_settings().database_pool_size)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        if not in_memory:
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **({} if in_memory else pool),  # one connection per thread, no pool to size
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **pool)


def _pool_options(size: int) -> dict[str, Any]:
    # A short pool timeout: requests are admitted only while a connection is free, so a
    # long wait here means the database itself is stuck, and an answer beats a stall.
    return {"pool_size": size, "max_overflow": POOL_OVERFLOW, "pool_timeout": 10}


def _sqlite_begin(connection: Connection) -> None:
    """Emit BEGIN ourselves (pysqlite's own handling breaks SAVEPOINTs).

    A unit of work that will write asks for BEGIN IMMEDIATE: it takes the write lock at once
    and waits its turn (busy timeout). A deferred transaction that reads first and writes
    later fails at once with "database is locked" when another wrote in between. A unit that
    promised only to read is made read-only, so that a write in it fails loudly in tests
    instead of queueing behind the writers in production.
    """
    access = connection.get_execution_options().get(ACCESS_OPTION, Access.default)
    read_only = access is Access.reads
    if connection.info.get("query_only", False) != read_only:
        connection.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
        connection.info["query_only"] = read_only
    connection.exec_driver_sql("BEGIN IMMEDIATE" if access is Access.writes else "BEGIN")


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


def begin(session: Session, *, writes: bool) -> None:
    """Start the session's transaction as one that writes, or as a read-only one."""
    engine = session.get_bind()
    options: dict[str, Any] = {ACCESS_OPTION: Access.writes if writes else Access.reads}
    if not writes and engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    session.connection(execution_options=options)


@contextmanager
def unit_of_work(*, writes: bool = True) -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back on any error.

    Service functions never commit; the request, command or job that owns the unit does.
    `writes=False` promises only reads: the transaction is read-only, and on SQLite it runs
    beside a writer instead of waiting for it. Nothing here waits for anything but the
    database, so a request holding a unit never depends on another request to release it.
    """
    session = _session_factory()()
    try:
        begin(session, writes=writes)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
