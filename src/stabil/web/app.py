"""The FastAPI application: the REST API under /api/v1, its docs, and the HTML pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from stabil import __version__
from stabil.accounts import api as accounts_api
from stabil.catalog import api as catalog_api
from stabil.catalog import pages as catalog_pages
from stabil.desk import api as desk_api
from stabil.desk import major_api
from stabil.outbox import api as outbox_api
from stabil.outbox import pages as outbox_pages
from stabil.problems import api as problems_api
from stabil.requests import api as requests_api
from stabil.settings import get_settings
from stabil.status import api as status_api
from stabil.status import pages as status_pages
from stabil.web.errors import install_error_handlers
from stabil.web.login import install_login
from stabil.web.openapi import install_openapi

API_PREFIX = "/api/v1"


def create_app() -> FastAPI:
    app = FastAPI(
        title="Stabil",
        version=__version__,
        description="Keeps the promises of a public digital service's service declaration.",
    )
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(catalog_api.router)
    api.include_router(accounts_api.router)
    api.include_router(desk_api.router)
    api.include_router(status_api.router)
    api.include_router(problems_api.router)
    api.include_router(requests_api.router)
    api.include_router(major_api.router)
    api.include_router(outbox_api.router)
    app.include_router(api)
    app.include_router(catalog_pages.router)
    app.include_router(outbox_pages.router)
    app.include_router(status_pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    assets = get_settings().var_dir / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    app.state.design_system = (assets / "dkfds").is_dir()
    install_error_handlers(app)
    install_login(app)
    install_openapi(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
