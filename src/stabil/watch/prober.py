"""The prober: every probed monitor on its interval, spread over it, with bounded concurrency
(R3).

Each monitor has a phase within its interval, from its id, so that ten thousand monitors of
one interval arrive evenly instead of in bursts; a heap gives the next one due, and every
probe's start is measured against its schedule. Results are written in batches, about once a
second, by one database step in a thread of its own, so that a slow database never delays a
probe. That step feeds each result to the monitor's Tracker and sends every confirmed state
through `stabil.watch.service.confirm`.

On start-up every monitor's state ends at its last probe, and the time since is unknown
(never up or down): the prober was not watching. On PostgreSQL only the holder of an advisory
lock probes, so that several workers do not probe everything several times.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import logging
import math
import ssl
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import uvloop
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from stabil.db.engine import get_engine, unit_of_work
from stabil.db.types import now_utc
from stabil.settings import Settings, get_settings
from stabil.watch.confirm import Confirmed, Tracker
from stabil.watch.models import Monitor
from stabil.watch.monitors import watched
from stabil.watch.probes import Spec, heartbeat, new_client, probe_http, probe_tcp
from stabil.watch.results import (
    Result,
    confirm_states,
    drop_old_results,
    heartbeats,
    signature,
    start_after_gap,
    write_results,
)
from stabil.watch.states import MonitorKind, State

log = logging.getLogger("stabil.watch.prober")

WRITE_SECONDS = 1.0
DROP_EVERY_SECONDS = 600.0
LOCK_RETRY_SECONDS = 10.0
STOP_SECONDS = 5.0
REPORT_EVERY_SECONDS = 600.0
MAX_BACKLOG = 200_000  # results kept for a database that is away, before the oldest go
LATENESS_KEPT = 100_000
# The fractional part of the golden ratio: phases id * PHI mod 1 fill the interval evenly,
# consecutive ids farthest apart (a hash would clump some and leave gaps).
PHI = (math.sqrt(5) - 1) / 2
LOCK_KEY = zlib.crc32(b"stabil.watch.prober")


class Units(Protocol):
    """Gives a unit of work: a session committed at the end (stabil.db.engine.unit_of_work)."""

    def __call__(self, *, writes: bool = True) -> AbstractContextManager[Session]: ...


def phase(monitor_id: int, interval: float) -> float:
    """Where in its interval the monitor is probed, in seconds after each multiple of it."""
    return (monitor_id * PHI) % 1.0 * interval


def next_due(monitor_id: int, interval: float, wall: float) -> float:
    """The first instant (seconds since the epoch) at or after `wall` the monitor is due."""
    offset = phase(monitor_id, interval)
    return offset + math.ceil((wall - offset) / interval) * interval


@dataclass(slots=True)
class Lateness:
    """How late probes started against their schedule, in seconds."""

    count: int = 0
    worst: float = 0.0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=LATENESS_KEPT))

    def add(self, seconds: float) -> None:
        self.count += 1
        self.worst = max(self.worst, seconds)
        self.recent.append(seconds)

    def percentile(self, share: float) -> float:
        values = sorted(self.recent)
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(share * len(values)))]


class Lock:
    """Always held: on SQLite one process runs the prober, and it just runs."""

    def acquire(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        return None


class AdvisoryLock(Lock):
    """A PostgreSQL session-level advisory lock, on a connection of its own for as long as
    it is held: it ends with the connection, so a prober that dies lets another take over."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine, self.key = engine, key
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        if self._connection is not None:
            return self.held()
        connection = self.engine.connect()
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            taken = bool(got.scalar())
            connection.commit()  # a session-level lock outlives the transaction
        except Exception:
            connection.invalidate()
            connection.close()
            raise
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    def held(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except Exception:
            log.warning("lost the prober's lock connection; another prober may take over")
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self._connection.commit()
            self._connection.close()
        except Exception:
            self._drop()
        self._connection = None

    def _drop(self) -> None:
        # Closed for good, not returned to the pool: a pooled connection would keep the lock.
        if self._connection is not None:
            self._connection.invalidate()
            self._connection.close()
        self._connection = None


def lock_for(engine: Engine) -> Lock:
    return AdvisoryLock(engine) if engine.dialect.name == "postgresql" else Lock()


class Prober:
    def __init__(
        self,
        *,
        settings: Settings | None = None,
        units: Units = unit_of_work,
        clock: Callable[[], dt.datetime] = now_utc,
        lock: Lock | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        settings = settings or get_settings()
        self.units = units
        self.clock = clock
        self.lock = lock or Lock()
        self.concurrency = settings.watch_concurrency
        self.reload_seconds = settings.watch_reload_seconds
        self.retention = dt.timedelta(days=settings.probe_retention_days)
        self.verify = verify
        self.specs: dict[int, Spec] = {}
        self.trackers: dict[int, Tracker] = {}
        self.lateness = Lateness()
        self.probes = 0
        self._signature: object = None
        self._reloaded = -math.inf
        self._dropped = -math.inf
        self._rebuild = False
        self._pending: list[Result] = []
        self._heartbeats_due: list[int] = []
        self._client: httpx.AsyncClient | None = None
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    # Steps a test (or the loop) drives

    def start_up(self) -> None:
        """End every state at its last probe, and load the monitors to probe."""
        with self.units(writes=True) as session:
            monitors = start_after_gap(session, self.clock())
            self._load(session, monitors)
            self._signature = signature(session)
        self._reloaded = time.monotonic()
        log.info("probing %d monitors", len(self.specs))

    async def probe(self, monitor_id: int, at: dt.datetime | None = None) -> None:
        """Probe one monitor now (its result is written by the next `write`)."""
        spec = self.specs[monitor_id]
        at = at or self.clock()
        if spec.kind is MonitorKind.heartbeat:
            self._heartbeats_due.append(monitor_id)
            return
        if spec.kind is MonitorKind.tcp:
            observation = await probe_tcp(spec, at)
        else:
            observation = await probe_http(self.client, spec, at)
        self.probes += 1
        self._pending.append(Result(monitor_id, observation, at))

    def write(self) -> None:
        """One database step: reload the monitors when they changed, judge the heartbeats due,
        write the results gathered since the last step, drop old results now and then."""
        batch, self._pending = self._pending, []
        due, self._heartbeats_due = self._heartbeats_due, []
        now = self.clock()
        try:
            with self.units(writes=True) as session:
                self._maybe_reload(session)
                batch += self._judge_heartbeats(session, due, now)
                write_results(session, batch)
                confirm_states(session, self._observe(batch), now)
                self._maybe_drop(session, now)
        except Exception:
            # Nothing of the batch was written; the trackers saw it, so they start again from
            # the states in the database, and the batch is tried again with the next one.
            self._rebuild = True
            self._pending = (batch + self._pending)[-MAX_BACKLOG:]
            raise

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = new_client(self.concurrency, self.verify)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # The loop

    def stop(self) -> None:
        """Finish the probes under way (a few seconds at most), write them, and end `run`.
        Safe to call from any thread."""
        self._stop.set()
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            loop.call_soon_threadsafe(wake.set)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def run(self) -> None:
        """Probe every monitor on its schedule until `stop()`, while holding the lock."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        if self.stopping:
            self._wake.set()
        try:
            while not self.stopping:
                if not await self._in_thread(self.lock.acquire):
                    await self._pause(LOCK_RETRY_SECONDS)
                    continue
                try:
                    await self._in_thread(self.start_up)
                    await self._watch()
                except Exception:
                    log.exception("the prober failed; starting again")
                    await self._pause(LOCK_RETRY_SECONDS)
                finally:
                    await self._in_thread(self.lock.release)
        finally:
            await self.close()
            log.info("prober stopped")

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        heap: list[tuple[float, int]] = []
        scheduled: set[int] = set()
        running: set[asyncio.Task[None]] = set()
        writer = asyncio.create_task(self._keep_writing())
        gate = asyncio.Semaphore(self.concurrency)
        last_report = loop.time()
        try:
            while not self.stopping and not writer.done():
                self._schedule_new(heap, scheduled, loop.time())
                now = loop.time()
                while heap and heap[0][0] <= now:
                    due, monitor_id = heapq.heappop(heap)
                    spec = self.specs.get(monitor_id)
                    if spec is None:
                        scheduled.discard(monitor_id)
                        continue
                    heapq.heappush(heap, (due + spec.interval_seconds, monitor_id))
                    task = loop.create_task(self._probe_due(gate, monitor_id, due))
                    running.add(task)
                    task.add_done_callback(running.discard)
                if loop.time() - last_report >= REPORT_EVERY_SECONDS:
                    last_report = loop.time()
                    self._report()
                delay = min(heap[0][0] - loop.time(), 0.25) if heap else 0.25
                await self._pause(max(delay, 0.0))
        finally:
            await self._finish(running, writer)

    async def _probe_due(self, gate: asyncio.Semaphore, monitor_id: int, due: float) -> None:
        async with gate:
            self.lateness.add(max(0.0, asyncio.get_running_loop().time() - due))
            try:
                await self.probe(monitor_id)
            except Exception:
                log.exception("probing monitor %d failed", monitor_id)

    def _schedule_new(self, heap: list[tuple[float, int]], scheduled: set[int], now: float) -> None:
        if len(scheduled) == len(self.specs) and scheduled.issuperset(self.specs):
            return
        wall = time.time()
        for monitor_id, spec in self.specs.items():
            if monitor_id not in scheduled:
                due = next_due(monitor_id, spec.interval_seconds, wall)
                heapq.heappush(heap, (now + due - wall, monitor_id))
                scheduled.add(monitor_id)

    async def _keep_writing(self) -> None:
        failures = 0
        while not self.stopping:
            await self._pause(WRITE_SECONDS)
            if not await self._in_thread(self.lock.held):
                log.warning("the prober's lock is gone: probing stops until it is taken again")
                return
            try:
                await self._in_thread(self.write)
                failures = 0
            except Exception:
                failures += 1
                log.exception("writing probe results failed (%d in a row)", failures)
                await self._pause(min(WRITE_SECONDS * 2**failures, 60.0))

    async def _finish(self, running: set[asyncio.Task[None]], writer: asyncio.Task[None]) -> None:
        if running:
            _done, late = await asyncio.wait(running, timeout=STOP_SECONDS)
            for task in late:
                task.cancel()
        # Not cancelled: its write goes on in its thread, and a second one beside it would
        # share its session. Told to stop, it ends after the step it is in.
        with suppress(Exception):
            await writer
        try:
            await self._in_thread(self.write)
        except Exception:
            log.exception("the last probe results could not be written")

    async def _pause(self, seconds: float) -> None:
        """Sleep, or less when `stop()` is called."""
        if self._wake is None:
            await asyncio.sleep(seconds)
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    @staticmethod
    async def _in_thread(step: Callable[[], Any]) -> Any:
        return await asyncio.to_thread(step)

    def _report(self) -> None:
        log.info(
            "%d probes; starts late by p50 %.3f s, p99 %.3f s, at most %.3f s",
            self.probes,
            self.lateness.percentile(0.5),
            self.lateness.percentile(0.99),
            self.lateness.worst,
        )

    # The database step's parts

    def _maybe_reload(self, session: Session) -> None:
        if not self._rebuild and time.monotonic() - self._reloaded < self.reload_seconds:
            return
        self._reloaded = time.monotonic()
        now = signature(session)
        if now == self._signature and not self._rebuild:
            return
        self._load(session, watched(session))
        self._signature = now

    def _load(self, session: Session, monitors: list[Monitor]) -> None:
        """The monitors to probe; a tracker kept where its monitor was kept, so that a run of
        failures under way is not forgotten, and taken from the database after a failure."""
        trackers = {} if self._rebuild else self.trackers
        specs, kept = {}, {}
        for monitor in monitors:
            spec = Spec.of(monitor)
            specs[monitor.id] = spec
            tracker = trackers.get(monitor.id) or Tracker(State(monitor.state))
            if spec.kind is MonitorKind.heartbeat:
                # The grace is a heartbeat's confirmation: asking again whether the same call
                # is overdue tells nothing new.
                tracker.fail_after = tracker.recover_after = 1
            else:
                tracker.fail_after, tracker.recover_after = spec.fail_after, spec.recover_after
            kept[monitor.id] = tracker
        self.specs, self.trackers, self._rebuild = specs, kept, False

    def _judge_heartbeats(self, session: Session, due: list[int], now: dt.datetime) -> list[Result]:
        results = []
        for monitor_id, (last, created) in heartbeats(session, set(due)).items():
            spec = self.specs.get(monitor_id)
            observation = heartbeat(spec, last, created, now) if spec else None
            if observation is not None:
                results.append(Result(monitor_id, observation, now))
        return results

    def _observe(self, batch: list[Result]) -> list[tuple[int, Confirmed]]:
        confirmations = []
        for result in batch:
            tracker = self.trackers.get(result.monitor_id)
            confirmed = tracker.observe(result.observation) if tracker else None
            if confirmed is not None:
                confirmations.append((result.monitor_id, confirmed))
        return confirmations

    def _maybe_drop(self, session: Session, now: dt.datetime) -> None:
        if time.monotonic() - self._dropped < DROP_EVERY_SECONDS:
            return
        self._dropped = time.monotonic()
        dropped = drop_old_results(session, now - self.retention)
        if dropped:
            log.info("dropped %d probe results older than %s", dropped, self.retention)


# Running it


def run_prober(prober: Prober) -> None:
    """Run the prober on an event loop of this thread until it is stopped."""
    # uvloop: the scheduler's timers and sockets cost about half of what asyncio's do.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(prober.run())


class ProberThread:
    """The prober in a thread of its own with its own event loop, beside the worker."""

    def __init__(self, prober: Prober | None = None) -> None:
        self.prober = prober or Prober(lock=lock_for(get_engine()))
        self.thread = threading.Thread(
            target=run_prober, args=(self.prober,), name="stabil-prober", daemon=True
        )

    def start(self) -> ProberThread:
        self.thread.start()
        return self

    def stop(self, timeout: float = STOP_SECONDS + 10) -> None:
        self.prober.stop()
        self.thread.join(timeout)
