"""The worker: a loop of small steps, each doing what is due and saying how much it did.

Step one runs due jobs (timers, reminders), step two delivers due notifications. When neither
did anything the worker sleeps a poll interval. Work is claimed in the database, so any number
of workers may share one; `stop()` (SIGTERM, SIGINT) lets the current step finish its current
piece of work, then the loop ends.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from stabil.db.engine import unit_of_work
from stabil.db.types import now_utc
from stabil.outbox.delivery import Delivery, Mailer, Poster, Units, mailer_from_settings
from stabil.outbox.webhooks import HttpPoster
from stabil.settings import Settings, get_settings
from stabil.worker.jobs import run_due_jobs

log = logging.getLogger("stabil.worker")

JOB_BATCH = 500
MAX_ERROR_PAUSE_SECONDS = 60.0
# Modules whose import registers job handlers (`@handles`), or what they read (the downtime
# of a major incident, `reads_downtime`); the worker imports them at start.
HANDLER_MODULES = (
    "stabil.desk.escalation",
    "stabil.desk.majors",
    "stabil.windows.jobs",
    "stabil.meetings.jobs",
    "stabil.watch.downtime",
    "stabil.public.publish",
    "stabil.reports.delivery",
)

__all__ = ["Progress", "Units", "Worker", "load_handlers", "new_worker_id", "units_of"]


def load_handlers(extra: Iterable[str] = ()) -> None:
    """Import the modules that register job handlers, and `extra` ones (e.g. plug-ins)."""
    for name in (*HANDLER_MODULES, *extra):
        importlib.import_module(name)


def new_worker_id() -> str:
    """host:pid:random, so that a claim says which process holds it."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


def units_of(session: Session) -> Units:
    """Units of work on one session: for running the worker inside a test's transaction."""

    @contextmanager
    def unit(*, writes: bool = True) -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    return unit


@dataclass(frozen=True, slots=True)
class Progress:
    jobs: int = 0
    notifications: int = 0

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.jobs + other.jobs, self.notifications + other.notifications)

    def __bool__(self) -> bool:
        return bool(self.jobs or self.notifications)


class Worker:
    def __init__(
        self,
        *,
        settings: Settings | None = None,
        units: Units = unit_of_work,
        clock: Callable[[], dt.datetime] = now_utc,
        mailer: Mailer | None = None,
        poster: Poster | None = None,
        worker_id: str | None = None,
    ) -> None:
        settings = settings or get_settings()
        self.id = worker_id or new_worker_id()
        self.units = units
        self.clock = clock
        self.poll_seconds = settings.worker_poll_seconds
        self.mailer = mailer or mailer_from_settings(settings)
        self.delivery = Delivery(
            units=units,
            clock=clock,
            worker_id=self.id,
            mailer=self.mailer,
            poster=poster or HttpPoster(),
            mail_from=settings.mail_from,
            lease=dt.timedelta(seconds=settings.outbox_lease_seconds),
            max_attempts=settings.outbox_max_attempts,
        )
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish the current piece of work, then leave `run`."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_jobs(self) -> int:
        """Run due jobs, a batch per transaction, until none is due; how many ran."""
        total = 0
        while not self.stopping:
            with self.units(writes=True) as session:
                done = run_due_jobs(session, self.clock(), limit=JOB_BATCH)
            total += done
            if done < JOB_BATCH:
                break
        if total:
            log.info("ran %d jobs", total)
        return total

    def deliver(self) -> int:
        """Deliver due notifications, a batch at a time, until none is due; how many tried."""
        total = 0
        while not self.stopping:
            tried = self.delivery.deliver_batch(self._stop)
            if not tried:
                break
            total += tried
        return total

    def run_once(self) -> Progress:
        """Every step, again and again until none finds anything due; what was done."""
        progress = Progress()
        while not self.stopping:
            done = Progress(self.run_jobs(), self.deliver())
            if not done:
                break
            progress += done
        return progress

    def run(self) -> None:
        """Run the steps until `stop()`; sleep a poll interval whenever nothing was due."""
        log.info("worker %s started; mail goes to %s", self.id, self.mailer.describe())
        failures = 0
        while not self.stopping:
            try:
                done = Progress(self.run_jobs(), self.deliver())
                failures = 0
            except Exception:
                # The database may be restarting: keep going, pausing longer each time.
                failures += 1
                log.exception("a worker step failed (%d in a row)", failures)
                self._stop.wait(min(self.poll_seconds * 2**failures, MAX_ERROR_PAUSE_SECONDS))
                continue
            if not done:
                self._stop.wait(self.poll_seconds)
        log.info("worker %s stopped", self.id)
