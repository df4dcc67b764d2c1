"""`stabil serve`: the web app (API and pages)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from stabil.settings import get_settings


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [default: 8000].")] = None,
) -> None:
    """Serve the app: the REST API under /api/v1, its docs at /docs, and the pages."""
    settings = get_settings()
    uvicorn.run(
        "stabil.web.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
    )
