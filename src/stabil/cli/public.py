"""`stabil status`: the public status site as files, for any web server or CDN."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from stabil.catalog.service import list_services
from stabil.cli.common import err, fail, out
from stabil.db.engine import unit_of_work
from stabil.db.types import now_utc
from stabil.public.export import Exported, export_site
from stabil.public.store import ASSETS, SITE, BadPath
from stabil.settings import get_settings
from stabil.web.app import STATIC_DIR

status_app = typer.Typer(
    help="The public status site: its pages, feeds and JSON as files.", no_args_is_help=True
)

OWNER_NAMES = {SITE: "(the index)", ASSETS: "(style sheets, scripts, images)"}


@status_app.command("export")
def export(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Where to write the site; made if missing, updated in place if not.",
            file_okay=False,
            show_default=False,
        ),
    ],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Address the site is served at, for the feeds' links "
            "[default: STABIL_PUBLIC_URL].",
        ),
    ] = None,
) -> None:
    """Write the whole public site (every service's pages, feeds, JSON and calendar, the
    index, and the files they link) into DIRECTORY as static files, each atomically.

    Serve it with any web server: see docs/status.md for nginx.
    """
    settings = get_settings()
    roots = {"/static/": STATIC_DIR, "/assets/": settings.var_dir / "assets"}
    try:
        with unit_of_work(writes=False) as session, Progress(console=err, transient=True) as bar:
            task = bar.add_task("rendering", total=len(list_services(session)))
            exported = export_site(
                session,
                directory,
                now_utc(),
                asset_roots=roots,
                base_url=base_url,
                progress=lambda key: bar.update(task, advance=1, description=key),
            )
    except (OSError, BadPath) as error:
        fail(f"cannot export into {directory}: {error}")
    _report(exported, directory)


def _report(exported: Exported, directory: Path) -> None:
    changed = set(exported.written.changed)
    table = Table("publication", "files", "changed", "bytes")
    for owner, files in exported.by_owner.items():
        table.add_row(
            OWNER_NAMES.get(owner, owner),
            str(len(files)),
            str(sum(item.path in changed for item in files)),
            f"{sum(len(item.body) for item in files):,}",
        )
    out.print(table)
    written = exported.written
    out.print(
        f"wrote {written.files} files to {directory}: {len(written.changed)} changed, "
        f"{len(written.unchanged)} unchanged, {len(written.removed)} removed",
        markup=False,
    )
    for url in exported.missing:
        err.print(
            f"warning: the pages link {url}, which is not there (run `stabil assets fetch`)",
            markup=False,
        )
