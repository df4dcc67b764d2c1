"""`stabil assets`: the front-end packages the pages use."""

from __future__ import annotations

import httpx
import typer
from rich.progress import Progress

from stabil.cli.common import err, fail, out
from stabil.settings import get_settings
from stabil.web.assets import AssetError, fetch, is_installed, locked_packages

app = typer.Typer(help="Front-end packages for the pages.", no_args_is_help=True)


@app.command(name="fetch")
def fetch_assets() -> None:
    """Download the locked front-end packages (the Danish design system) into var/assets."""
    target = get_settings().var_dir / "assets"
    target.mkdir(parents=True, exist_ok=True)
    missing = [package for package in locked_packages() if not is_installed(package, target)]
    if not missing:
        out.print("assets up to date")
        return
    try:
        with Progress(console=err, transient=True) as progress:
            for package in missing:
                fetch(package, target, progress)
    except (httpx.HTTPError, AssetError) as error:
        fail(f"could not fetch the front-end assets: {error}")
    out.print(", ".join(f"{p.name} {p.version}" for p in missing) + " installed")
