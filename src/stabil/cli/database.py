"""`stabil db`: prepare the database."""

from __future__ import annotations

import typer

from stabil.cli.common import out
from stabil.db.engine import get_engine
from stabil.db.migrate import current_revisions
from stabil.db.migrate import upgrade as run_upgrade

app = typer.Typer(help="Prepare and inspect the database.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Migrate the database (STABIL_DATABASE_URL) to the newest schema."""
    engine = get_engine()
    run_upgrade(engine)
    revisions = ", ".join(sorted(current_revisions(engine)))
    out.print(f"database at revision {revisions} ({engine.url.get_backend_name()})")
