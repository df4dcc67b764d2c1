"""`stabil db`: prepare the database."""

from __future__ import annotations

import typer

from stabil.cli.common import fail, out
from stabil.db.engine import get_engine
from stabil.db.migrate import UnknownSchema, current_revision
from stabil.db.migrate import upgrade as run_upgrade

app = typer.Typer(help="Prepare and inspect the database.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Migrate the database (STABIL_DATABASE_URL) to the newest schema."""
    engine = get_engine()
    try:
        run_upgrade(engine)
    except UnknownSchema as error:
        fail(str(error))
    out.print(f"database at revision {current_revision(engine)} ({engine.url.get_backend_name()})")
