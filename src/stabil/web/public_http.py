"""HTTP for `stabil serve`: uvicorn's, with the published files answered by the protocol itself.

In a national outage nearly every request is for a published status page, feed or JSON. Through
ASGI each costs a task, a scope, two messages and a check of every header, several times the
work of the answer; here, as soon as a request's headers are in and it is a GET or HEAD of a
published file, the protocol writes the answer itself: the same status, headers and bytes that
`PublicFiles` sends through ASGI (public/serve.py), which answers any request this does not.

A file is answered here only when nothing else is pending on the connection (no earlier
request still being answered, none waiting behind it, the client reading what it is sent), so
answers keep the order of their requests; otherwise the request goes the ASGI way, as does
every other request.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import unquote

import httptools
from uvicorn.config import Config
from uvicorn.middleware.proxy_headers import _TrustedHosts
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from stabil.public.serve import HSTS, PublicFiles, route_label

GET_OR_HEAD = (b"GET", b"HEAD")
METHODS = {b"GET": "GET", b"HEAD": "HEAD"}


def front_door(app: Any) -> PublicFiles | None:
    """The app's `PublicFiles`, inside the middleware uvicorn wraps the app in."""
    while app is not None:
        door = getattr(app, "public_files", None)
        if isinstance(door, PublicFiles):
            return door
        app = getattr(app, "app", None)
    return None


class PublicHttpProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.door = front_door(self.app)
        # Whom to believe that the visitor used https (for HSTS): uvicorn's own judge of it
        # (private to uvicorn, whose version is locked), as its middleware uses it.
        self.proxies = _TrustedHosts(config.forwarded_allow_ips) if config.proxy_headers else None
        self.answered = False  # the request being read was answered here
        self._defaults: tuple[object, bytes] = (None, b"")
        self.active_at = self.loop.time()  # when the connection last read or answered

    def on_message_begin(self) -> None:
        self.answered = False
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        if self.door is not None and self._answer_file(self.door):
            self.answered = True
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.answered:
            super().on_message_complete()

    def _answer_file(self, door: PublicFiles) -> bool:
        method = self.parser.get_method()
        if (
            method not in GET_OR_HEAD
            or self.expect_100_continue
            or self.pipeline
            or self.flow.write_paused
            or (self.cycle is not None and not self.cycle.response_complete)
            or self.parser.should_upgrade()
        ):
            return False
        path = self._path()
        if path is None:
            return False
        answer = door.files.find(path, self.loop.time())
        if answer is None:
            return False
        if_none_match = if_modified_since = forwarded_proto = None
        for name, value in self.headers:
            if name == b"if-none-match":
                if_none_match = value
            elif name == b"if-modified-since":
                if_modified_since = value
            elif name == b"x-forwarded-proto":
                forwarded_proto = value
        fresh = answer.is_fresh(if_none_match, if_modified_since)
        status, head = (304, answer.unchanged_block) if fresh else (200, answer.full_block)
        version = self.parser.get_http_version()
        keep_alive = version != "1.0" and self.parser.should_keep_alive()
        parts = [STATUS_LINE[status], self._default_headers(), head]
        if self._https(forwarded_proto):
            parts.append(HSTS_LINE)
        parts.append(b"\r\n" if keep_alive else b"connection: close\r\n\r\n")
        if status == 200 and method == b"GET":
            parts.append(answer.body)
        self.transport.writelines(parts)  # one system call, the body not copied
        self._done(method, path, version, status, keep_alive)
        door.metrics.count(METHODS[method], route_label(path), status)
        return True

    def _path(self) -> str | None:
        """The request's path, decoded as uvicorn decodes it; None for one it cannot read."""
        url = self.url
        try:
            if url.startswith(b"/"):  # the usual form: no need to parse a whole URL
                path = url.partition(b"?")[0].decode("ascii")
            else:
                path = httptools.parse_url(url).path.decode("ascii")
        except (httptools.HttpParserError, UnicodeDecodeError):
            return None  # the ASGI way answers it as uvicorn does
        return unquote(path) if "%" in path else path

    def _default_headers(self) -> bytes:
        """The headers uvicorn puts on every answer (Date, Server), as it writes them; the
        server replaces their list each second, with the date."""
        defaults = self.server_state.default_headers
        if self._defaults[0] is not defaults:
            block = b"".join(name + b": " + value + b"\r\n" for name, value in defaults)
            self._defaults = (defaults, block)
        return self._defaults[1]

    def _https(self, forwarded_proto: bytes | None) -> bool:
        if self.scheme == "https":
            return True
        if forwarded_proto is None or self.proxies is None:
            return False
        if (self.client[0] if self.client else None) not in self.proxies:
            return False
        return forwarded_proto.decode("latin-1").strip() == "https"

    def _done(self, method: bytes, path: str, version: str, status: int, keep_alive: bool) -> None:
        """What uvicorn does when an answer is complete: count it, log it, and close the
        connection or wait for the next request."""
        self.server_state.total_requests += 1
        if self.access_log and self.access_logger.isEnabledFor(logging.INFO):
            client = "%s:%d" % self.client if self.client else "-"  # noqa: UP031 (uvicorn's)
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d', client, method.decode(), path, version, status
            )
        if not keep_alive:
            self.transport.close()
            return
        self._wait_for_next_request()

    # The keep-alive timer. uvicorn cancels it on every read and arms a new one after every
    # answer, which with uvloop costs more than answering a published file. Here one timer
    # stays armed while the connection lives; when it fires, it closes the connection only
    # if nothing was read or answered for the whole timeout and no answer is under way, and
    # otherwise waits again for what is left of the timeout.

    def _unset_keepalive_if_required(self) -> None:
        self.active_at = self.loop.time()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        # As uvicorn's, with the keep-alive timer above.
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self._unset_keepalive_if_required()
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        else:
            self._wait_for_next_request()

    def _wait_for_next_request(self) -> None:
        self.active_at = self.loop.time()
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self._keep_alive_expired
            )

    def _keep_alive_expired(self) -> None:
        self.timeout_keep_alive_task = None
        if self.transport.is_closing():
            return
        answering = bool(self.pipeline) or (
            self.cycle is not None and not self.cycle.response_complete
        )
        idle = self.loop.time() - self.active_at
        if answering or idle < self.timeout_keep_alive:
            left = self.timeout_keep_alive if answering else self.timeout_keep_alive - idle
            self.timeout_keep_alive_task = self.loop.call_later(left, self._keep_alive_expired)
            return
        self.timeout_keep_alive_handler()


HSTS_LINE = b"".join(name + b": " + value + b"\r\n" for name, value in HSTS)
