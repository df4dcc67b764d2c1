"""The FastAPI application: the REST API under /api/v1, its docs, and the HTML pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from stabil import __version__
from stabil.accounts import admin_pages
from stabil.accounts import api as accounts_api
from stabil.accounts import pages as accounts_pages
from stabil.catalog import api as catalog_api
from stabil.catalog import pages as catalog_pages
from stabil.changes import api as changes_api
from stabil.changes import pages as changes_pages
from stabil.desk import api as desk_api
from stabil.desk import incident_pages, major_api, major_pages, queue_pages, report_pages
from stabil.meetings import api as meetings_api
from stabil.meetings import pages as meetings_pages
from stabil.metrics import api as metrics_api
from stabil.metrics.http import HttpMetrics, RequestMetrics, RouteTemplates
from stabil.outbox import api as outbox_api
from stabil.outbox import delivery_pages
from stabil.outbox import pages as outbox_pages
from stabil.problems import api as problems_api
from stabil.problems import pages as problems_pages
from stabil.public import serve as public_serve
from stabil.public.store import default_root
from stabil.releases import api as releases_api
from stabil.releases import pages as releases_pages
from stabil.reports import api as reports_api
from stabil.reports import pages as reports_pages
from stabil.requests import api as requests_api
from stabil.requests import pages as requests_pages
from stabil.settings import get_settings
from stabil.status import api as status_api
from stabil.status import message_pages
from stabil.subscriptions import pages as subscriptions_pages
from stabil.subscriptions import public_pages as subscription_public_pages
from stabil.watch import api as watch_api
from stabil.watch import downtime as _downtime  # noqa: F401 (registers how majors read downtime, R9.4)
from stabil.watch import pages as watch_pages
from stabil.web.admission import sized_threads
from stabil.web.api_docs import ASSETS_PATH, install_api_docs
from stabil.web.errors import install_error_handlers
from stabil.web.headers import SecurityHeaders
from stabil.web.limits import BodyLimit
from stabil.web.login import install_login
from stabil.web.openapi import install_openapi
from stabil.web.pages import SESSION_COOKIE
from stabil.web.retry import RetryConflicts
from stabil.windows import api as windows_api
from stabil.windows import feed as windows_feed
from stabil.windows import pages as windows_pages

API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).parent / "static"
PUBLIC_FILES = ("/static/", "/assets/", f"{ASSETS_PATH}/")


class StabilApp(FastAPI):
    """FastAPI with an outer edge: middleware that must see every answer, the 500s too.

    Starlette puts the middleware that turns an unexpected exception into the 500 answer
    outside all that `add_middleware` adds, so none of that sees the 500. The layers in
    `edge` (outermost first) wrap the whole stack instead. In front of it all, the public
    site's published files are answered (`public_files`), for whom even those layers and
    FastAPI's own per-request work would cost more than the answer.
    """

    edge: Sequence[Middleware] = ()
    public_files: public_serve.PublicFiles | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The published status pages first, before anything else runs (public/serve.py).
        if self.public_files is not None and await self.public_files.answer(scope, send):
            return
        await super().__call__(scope, receive, send)

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for cls, args, kwargs in reversed(self.edge):
            app = cls(app, *args, **kwargs)
        return app


def create_app() -> StabilApp:
    settings = get_settings()
    app = StabilApp(
        title="Stabil",
        version=__version__,
        description="Keeps the promises of a public digital service's service declaration.",
        lifespan=sized_threads,
        docs_url=None,  # our own /docs: Swagger UI from a locked package, no inline script
        redoc_url=None,
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
    api.include_router(windows_api.router)
    api.include_router(releases_api.router)
    api.include_router(changes_api.router)
    api.include_router(watch_api.router)
    api.include_router(reports_api.router)
    api.include_router(meetings_api.router)
    app.include_router(api)
    app.include_router(catalog_pages.router)
    app.include_router(accounts_pages.router)
    app.include_router(queue_pages.router)
    app.include_router(report_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(outbox_pages.router)
    app.include_router(delivery_pages.router)
    app.include_router(subscriptions_pages.router)
    app.include_router(subscription_public_pages.router)
    app.include_router(problems_pages.router)
    app.include_router(releases_pages.router)
    app.include_router(requests_pages.router)
    app.include_router(changes_pages.router)
    app.include_router(meetings_pages.router)
    app.include_router(message_pages.router)
    app.include_router(major_pages.router)
    app.include_router(incident_pages.router)
    app.include_router(windows_feed.router)
    app.include_router(windows_pages.router)
    app.include_router(watch_pages.router)
    app.include_router(reports_pages.router)
    app.include_router(metrics_api.router)
    app.include_router(public_serve.router)  # last: what no other route of /status answers
    install_api_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    assets = settings.var_dir / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    app.state.design_system = (assets / "dkfds").is_dir()
    app.state.htmx = (assets / "htmx.org").is_dir()  # without it, forms post whole pages
    install_error_handlers(app)
    install_login(app)
    app.add_middleware(RetryConflicts)  # inside the body limit: it keeps bounded bodies
    app.state.public_files = public_serve.PublishedFiles(default_root(settings))
    install_edge(app, settings.max_body_bytes)
    app.public_files = public_serve.PublicFiles(app.state.public_files, app.state.metrics)
    install_openapi(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        # Answered in the event loop, needing no worker thread: it says the process is alive
        # even while every thread is busy.
        return {"status": "ok"}

    return app


def install_edge(app: StabilApp, max_body_bytes: int) -> None:
    """The middleware, outermost first:

    1. RequestMetrics: times and counts every answer, the 413s and 500s included.
    2. SecurityHeaders: every answer gets them, the 413s and 500s included.
    3. (Starlette's ServerErrorMiddleware: an unexpected exception becomes the 500.)
    4. BodyLimit: before anything reads the body, authentication included. Inside 3, so
       that a middleware inside it that reads the body (buffering it to retry the request,
       say) gets a 413, not a 500; such a middleware is added before this one.
    """
    app.state.metrics = metrics = HttpMetrics()
    app.edge = (
        Middleware(RequestMetrics, metrics=metrics, routes=RouteTemplates(app.routes)),
        Middleware(SecurityHeaders, session_cookie=SESSION_COOKIE, public_prefixes=PUBLIC_FILES),
    )
    # add_middleware wraps what was added before it: this one must be added last.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
