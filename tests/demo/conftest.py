"""Demo databases: fresh ones of each kind, for `stabil demo` run in-process.

The demo commits (it is a command, not a request), so these are databases of their own,
not the rolled-back sessions of the other tests. A two-month history keeps them quick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import stabil.migrations.tables  # noqa: F401  (every table, for row_counts)
from stabil.cli.main import app as cli_app
from stabil.db.base import Base
from stabil.db.engine import get_engine, make_engine
from stabil.db.migrate import upgrade
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK, EXAMPLE, forget_configuration, postgresql_database

# Monday 2 March 2026, 10:30 in Copenhagen: the end of every history here.
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
SEED, MONTHS = 7, 2
DEMO = ("demo", "--service", "borger-dk", "--months", str(MONTHS), "--seed", str(SEED))
DEMO_AT_NOW = (*DEMO, "--now", NOW.isoformat())
KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@dataclass(frozen=True, slots=True)
class Database:
    url: str
    var_dir: Path

    def stabil(self, *args: str, env: dict[str, str] | None = None) -> Result:
        """`stabil ARGS...` in-process on this database, with cheap password hashing."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("STABIL_DATABASE_URL", self.url)
            patch.setenv("STABIL_VAR_DIR", str(self.var_dir))
            patch.delenv("STABIL_SMTP_HOST", raising=False)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            forget_configuration()
            try:
                with cheap_hashing():
                    return CliRunner().invoke(cli_app, list(args), env={"COLUMNS": "200"})
            finally:
                get_engine().dispose()
                forget_configuration()

    @contextmanager
    def session(self) -> Iterator[Session]:
        engine = make_engine(self.url)
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()


@contextmanager
def fresh_database(kind: str, name: str, tmp: Path) -> Iterator[Database]:
    """A new, migrated database with the shipped declarations loaded."""
    with _migrated(kind, name, tmp) as url:
        database = Database(url, tmp / "var")
        loaded = database.stabil("service", "load", str(BORGER_DK), str(EXAMPLE))
        assert loaded.exit_code == 0, loaded.output
        yield database


@contextmanager
def _migrated(kind: str, name: str, tmp: Path) -> Iterator[str]:
    if kind == "postgresql":
        with postgresql_database(name) as engine:
            yield engine.url.render_as_string(hide_password=False)
        return
    url = f"sqlite:///{tmp / f'{name}.db'}"
    engine: Engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url


def row_counts(database: Database) -> dict[str, int]:
    """Rows in every table, to tell that nothing was written."""
    with database.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
