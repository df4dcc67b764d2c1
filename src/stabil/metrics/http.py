"""Request counts and latencies, by route template and status, in the app's own registry.

Labels name the route's template (`/api/v1/incidents/{key}`), never the raw path, and every
path no route knows shares one label, so a client cannot grow the number of series.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from fastapi.routing import RouteContext, iter_route_contexts
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "unmatched"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LABELS = ("method", "route", "status")


class HttpMetrics:
    """The request metrics of one app. Each app has its own registry, so apps never collide.

    The counts are plain integers, written only by the event loop's thread and read at each
    scrape: a Prometheus counter's lock costs more than a published status page's whole
    answer (public/serve.py), which is counted but not timed.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.counts: dict[tuple[str, str, int], int] = {}
        self.registry.register(_RequestCounts(self.counts))
        self.duration = Histogram(
            "stabil_http_request_duration_seconds",
            "Time from a request's arrival until its answer was sent, in seconds.",
            LABELS,
            registry=self.registry,
        )
        # Each series' histogram, found once: `labels()` takes a lock and builds its key.
        self._timed: dict[tuple[str, str, int], Histogram] = {}

    def count(self, method: str, route: str, status: int) -> tuple[str, str, int]:
        key = (method if method in KNOWN_METHODS else "other", route, status)
        self.counts[key] = self.counts.get(key, 0) + 1
        return key

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = self.count(method, route, status)
        timed = self._timed.get(key)
        if timed is None:
            timed = self._timed[key] = self.duration.labels(key[0], route, str(status))
        timed.observe(seconds)


class _RequestCounts:
    """`stabil_http_requests_total`, from the counts as they are at the scrape."""

    def __init__(self, counts: dict[tuple[str, str, int], int]) -> None:
        self.counts = counts

    def collect(self) -> Iterable[Metric]:
        family = CounterMetricFamily(
            "stabil_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            labels=LABELS,
        )
        # A copy is made at once (no other thread runs meanwhile): the loop may count on.
        for (method, route, status), count in sorted(self.counts.copy().items()):
            family.add_metric([method, route, str(status)], count)
        yield family


class RouteTemplates:
    """The template of the route a request goes to, matched the way the router matches."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self._routes = routes
        self._contexts: list[RouteContext] | None = None

    def template(self, scope: Scope) -> str:
        # The routes are all there by the first request; included routers are flattened
        # so that each candidate knows its full path.
        if self._contexts is None:
            self._contexts = list(iter_route_contexts(self._routes))
        probe = {
            "type": "http",
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
            "method": scope["method"],
            "headers": [],
        }
        partial: str | None = None
        for context in self._contexts:
            match, _child = context.matches(probe)
            if match is Match.FULL:
                return str(context.path_format)
            if match is Match.PARTIAL and partial is None:  # another method: a 405
                partial = str(context.path_format)
        return partial or UNMATCHED


class RequestMetrics:
    """Pure ASGI middleware: times and counts every request, by the answer it got."""

    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics, routes: RouteTemplates) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # Matched before the app runs: routing changes the scope (a mount's root_path).
        route = self.routes.template(scope)
        status = 500  # what the client gets when the app fails before it answers

        async def note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, note_status)
        finally:
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)
