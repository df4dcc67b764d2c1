"""The migrations create exactly the tables the models describe, on both databases, in one
straight line of revisions from the baseline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

import stabil.migrations.tables  # noqa: F401
from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.db.engine import get_engine, make_engine
from stabil.db.migrate import alembic_config, current_revision, upgrade
from tests.conftest import Stabil
from tests.worker.processes import fresh_postgresql, fresh_sqlite

BASELINE = "0001_baseline"


def _history() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))


def test_the_history_is_one_straight_line_from_the_baseline() -> None:
    # Each new revision names the newest as its down_revision: no branches, no merges.
    history = _history()
    newest_first = list(history.walk_revisions())
    assert history.get_heads() == [newest_first[0].revision]
    assert newest_first[-1].revision == BASELINE
    below = [script.down_revision for script in newest_first]
    assert below == [script.revision for script in newest_first[1:]] + [None]
    assert all(not script.branch_labels and not script.dependencies for script in newest_first)


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of each kind that this test alone uses."""
    if request.param == "sqlite":
        _, engine = fresh_sqlite(tmp_path)
        yield engine
        engine.dispose()
        return
    with fresh_postgresql() as (_, engine):
        yield engine


def test_the_history_goes_down_to_an_empty_database_and_up_again(fresh: Engine) -> None:
    command.downgrade(alembic_config(fresh), "base")
    assert inspect(fresh).get_table_names() == ["alembic_version"]
    assert current_revision(fresh) is None
    upgrade(fresh)
    with fresh.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_db_upgrade_names_the_revision_it_reached(stabil: Stabil) -> None:
    newest = _history().get_current_head()
    again = stabil("db", "upgrade")  # the fixture upgraded once; the second changes nothing
    assert (again.exit_code, again.stdout) == (0, f"database at revision {newest} (sqlite)\n")


def test_a_database_made_before_the_baseline_is_refused_plainly(
    stabil: Stabil, tmp_path: Path
) -> None:
    with get_engine().begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0008_notifications'"))
    result = stabil("db", "upgrade")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the database is at revision '0008_notifications'")
    assert f"before the baseline revision '{BASELINE}'" in result.stderr
    assert f"Delete the file {tmp_path / 'stabil.db'} to make it anew" in result.stderr
    assert "Traceback" not in result.output
    assert current_revision(get_engine()) == "0008_notifications"  # left as it was


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
