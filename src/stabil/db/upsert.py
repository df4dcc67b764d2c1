"""INSERT ... ON CONFLICT, which SQLAlchemy offers per dialect, and the counters built on it."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Any:
    """The `insert` construct with `on_conflict_*` for the session's database."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def next_number(session: Session, sequence: Any, service_id: int, year: int) -> int:
    """The next number of the year from a (service_id, year, last_number) table, atomically:
    concurrent requests never share one."""
    statement = _next_number_statement(sequence, session.get_bind().dialect.name)
    values = {"service_id": service_id, "year": year, "last_number": 1}
    return int(session.execute(statement, values).scalar_one())


@cache
def _next_number_statement(sequence: Any, dialect: str) -> Any:
    # Built once per table and dialect: building it costs more than running it.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(sequence)
        .on_conflict_do_update(
            index_elements=[sequence.service_id, sequence.year],
            set_={"last_number": sequence.last_number + 1},
        )
        .returning(sequence.last_number)
    )
