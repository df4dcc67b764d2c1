"""A request whose transaction lost a deadlock or a serialization conflict is run again.

PostgreSQL ends one of two transactions that wait for each other (a request and a worker
locking an incident and its jobs in opposite order, say) and asks the loser to retry. The
transaction was rolled back whole and no answer was sent yet (the session commits before the
answer), so running the request again from the start is safe. The body is kept for that; it
is small, because the body limit outside this middleware has already bounded it.
"""

from __future__ import annotations

import logging

import anyio
from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("stabil.web")

ATTEMPTS = 3
PAUSE_SECONDS = 0.05  # doubled before each new attempt
# SQLSTATE codes with which PostgreSQL asks a transaction to be tried again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def is_retryable(error: BaseException) -> bool:
    if not isinstance(error, DBAPIError):
        return False
    return getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


class RetryConflicts:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        for attempt in range(1, ATTEMPTS + 1):
            started = False

            async def send_noting_start(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            try:
                await self.app(scope, _replay(body, receive), send_noting_start)
                return
            except Exception as error:
                if started or attempt == ATTEMPTS or not is_retryable(error):
                    raise
                log.warning("%s %s: %s; trying again", scope["method"], scope["path"], error)
                await anyio.sleep(PAUSE_SECONDS * 2 ** (attempt - 1))


async def _read_body(receive: Receive) -> list[Message]:
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """The body as it came, then whatever the client sends next (a disconnect)."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
