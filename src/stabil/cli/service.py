"""`stabil service`: load declarations into the catalogue and list services."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stabil.catalog.publishing import request_publish
from stabil.catalog.service import (
    LoadOutcome,
    VersionConflict,
    list_services,
    load_declaration_text,
)
from stabil.cli.common import USAGE_ERROR, err, fail, out
from stabil.db.engine import unit_of_work
from stabil.db.types import now_utc
from stabil.declaration import DeclarationInvalid
from stabil.reports.delivery import plan_deliveries

app = typer.Typer(help="Services and the declarations that govern them.", no_args_is_help=True)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="Declaration files.", show_default=False)],
) -> None:
    """Load declarations, or new versions of them, as the services their metadata names.

    Loading a version that is already loaded changes nothing; earlier versions stay as they
    were, so incidents opened under them keep their rules.
    """
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            fail(f"cannot read {file}: {error.strerror}")
        try:
            with unit_of_work() as session:
                result = load_declaration_text(session, text, str(file))
                if result.outcome is not LoadOutcome.unchanged:
                    # The status page shows the declaration's parts and targets; its reports
                    # are mailed when it says.
                    request_publish(session, result.service, now_utc())
                    plan_deliveries(session, now_utc(), [result.service])
        except DeclarationInvalid as invalid:
            for problem in invalid.problems:
                err.print(str(problem), markup=False)
            raise typer.Exit(USAGE_ERROR) from None
        except VersionConflict as conflict:
            fail(str(conflict))
        out.print(f"{file}: {result.service} {result.version} {result.outcome.value}", markup=False)


@app.command(name="list")
def list_() -> None:
    """List the services and their declaration versions."""
    table = Table("service", "name", "versions (effective)")
    with unit_of_work() as session:
        for service in list_services(session):
            versions = ", ".join(f"{v.version} ({v.effective})" for v in service.versions)
            table.add_row(service.key, service.name_da, versions)
    out.print(table)
