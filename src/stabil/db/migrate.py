"""Run the Alembic migrations that ship inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


class UnknownSchema(Exception):
    """The database was migrated by revisions this history does not have."""


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "stabil:migrations")
    config.set_main_option("file_template", "%%(rev)s")  # a new revision's file: its id
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (by default the newest); the history is one line."""
    config = alembic_config(engine)
    _check_known(engine, ScriptDirectory.from_config(config))
    command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _check_known(engine: Engine, history: ScriptDirectory) -> None:
    # Alembic's own complaint ("Can't locate revision") says nothing of the cause: the
    # history before the baseline was replaced, and such a database cannot be carried over.
    current = current_revision(engine)
    known = {script.revision for script in history.walk_revisions()}
    if current is not None and current not in known:
        raise UnknownSchema(
            f"the database is at revision {current!r}, which this version of Stabil does not "
            f"know: it was made before the baseline revision {history.get_base()!r}. "
            f"{_remake(engine)}, then run 'stabil db upgrade' again"
        )


def _remake(engine: Engine) -> str:
    if engine.dialect.name == "sqlite" and engine.url.database:
        return f"Delete the file {engine.url.database} to make it anew"
    return f"Make the database {engine.url.database!r} anew (drop it and create it empty)"
