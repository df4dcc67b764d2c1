"""A limit on the size of request bodies, enforced before anything reads one.

Without it, a single large upload, even one with an invalid token, is read whole into memory
before authentication runs (FastAPI parses the body before it resolves dependencies). A body
that declares a Content-Length over the limit is refused before the app is called; one that
does not (chunked) is counted as the app reads it, and refused as soon as the count passes
the limit. Whatever reads the body, a route or a middleware inside this one, reads it through
the counting `receive`, so what it buffers is bounded too.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The client may still be sending: closing the connection stops the server reading (and
# discarding) the rest of a body it has already refused.
CLOSE = {"Connection": "close"}


class BodyTooLarge(HTTPException):
    """Raised from `receive` when the body passes the limit.

    An HTTPException, so a route that was reading its body answers through the app's error
    handlers like any other refusal; the middleware answers itself when a middleware inside
    it was the reader.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit), headers=dict(CLOSE))


def too_large_message(limit: int) -> str:
    return f"the request body is too large: at most {limit} bytes are accepted"


def too_large_response(limit: int) -> JSONResponse:
    return JSONResponse({"detail": too_large_message(limit)}, status_code=413, headers=CLOSE)


def declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared, or None (chunked, or not a number)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """Pure ASGI middleware: bodies larger than `max_bytes` are answered 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await too_large_response(self.max_bytes)(scope, receive, send)
            return
        reading = _CountedBody(receive, send, self.max_bytes)
        try:
            await self.app(scope, reading.receive, reading.send)
        except BodyTooLarge:
            if reading.response_started:
                raise
            await too_large_response(self.max_bytes)(scope, receive, send)


class _CountedBody:
    """One request's `receive` that counts, and `send` that notes when the answer began."""

    def __init__(self, receive: Receive, send: Send, max_bytes: int) -> None:
        self._receive = receive
        self._send = send
        self.max_bytes = max_bytes
        self.received = 0
        self.response_started = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.response_started = True
        await self._send(message)
