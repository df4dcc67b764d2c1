"""Admission of requests to the database: a bounded number at a time, waiting without a thread.

A request runs its database work in worker threads (the routes are plain functions). If it
waited for a connection or for SQLite's single writer inside such a thread, enough waiting
requests would take every thread, and the one holding the connection would never get a
thread to commit and give it back: the server would hang for good. So requests wait here, in
the event loop, before they take a thread; those admitted always find a connection free, and
SQLite writers of this process go one at a time, in order of arrival. A request that cannot
be admitted within the queue timeout is answered 503 with Retry-After instead of stalling.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import anyio
from fastapi import FastAPI

from stabil.db.engine import get_engine
from stabil.errors import Unavailable
from stabil.settings import get_settings

SQLITE_WRITERS = 1  # SQLite lets one transaction write at a time
# Threads beyond the admitted requests: for routes without the database, static files and
# the password checks, so that an admitted request never waits for a thread for long.
SPARE_THREADS = 30


@dataclass(slots=True)
class Admission:
    connections: anyio.Semaphore
    writers: anyio.Semaphore | None  # None: writers need nothing more than a connection
    timeout: float

    @classmethod
    def for_database(cls) -> Admission:
        settings = get_settings()
        sqlite = get_engine().dialect.name == "sqlite"
        return cls(
            connections=anyio.Semaphore(settings.database_pool_size),
            writers=anyio.Semaphore(SQLITE_WRITERS) if sqlite else None,
            timeout=settings.queue_timeout_seconds,
        )

    @asynccontextmanager
    async def admit(self, *, writes: bool) -> AsyncIterator[None]:
        """Hold a connection (and, for a writer on SQLite, the write turn) while inside."""
        async with AsyncExitStack() as held:
            with anyio.move_on_after(self.timeout) as waiting:
                if writes and self.writers is not None:
                    await held.enter_async_context(self.writers)
                await held.enter_async_context(self.connections)
            if waiting.cancelled_caught:
                raise Unavailable(
                    "the service is busy: every database connection is in use; "
                    "try again in a moment",
                    retry_after=math.ceil(self.timeout),
                )
            yield


@asynccontextmanager
async def sized_threads(_app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: worker threads enough for every admitted request and more."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    wanted = get_settings().database_pool_size + SPARE_THREADS
    limiter.total_tokens = max(limiter.total_tokens, wanted)
    yield


def admission_of(app: FastAPI) -> Admission:
    """The app's admission, made on first use inside its event loop."""
    admission: Admission | None = getattr(app.state, "admission", None)
    if admission is None:
        admission = app.state.admission = Admission.for_database()
    return admission
