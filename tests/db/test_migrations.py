"""The migrations create exactly the tables the models describe, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import stabil.db.models  # noqa: F401
from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.db.engine import make_engine
from stabil.db.migrate import alembic_config


def test_the_history_has_one_head() -> None:
    # Branches made side by side must be joined by a merge revision before they land.
    heads = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://"))).get_heads()
    assert len(heads) == 1, heads


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_instants_come_back_aware_in_utc(session: Session) -> None:
    copenhagen = dt.timezone(dt.timedelta(hours=2))
    session.add(
        Service(key="x", name_da="X", created_at=dt.datetime(2026, 4, 7, 8, 45, tzinfo=copenhagen))
    )
    session.flush()
    session.expire_all()
    stored = session.query(Service).one()
    assert stored.created_at == dt.datetime(2026, 4, 7, 6, 45, tzinfo=dt.UTC)
    assert stored.created_at.tzinfo is dt.UTC


def test_naive_instants_are_refused(session: Session) -> None:
    session.add(Service(key="y", name_da="Y", created_at=dt.datetime(2026, 4, 7, 8, 45)))
    with pytest.raises(Exception, match="timezone-aware"):
        session.flush()


def test_sqlite_runs_in_wal_mode(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
