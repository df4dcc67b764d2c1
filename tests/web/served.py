"""`stabil serve` as a real process, with its worker, on a database of its own, and clients.

Only 127.0.0.1 is ever reached. Every wait is bounded: a test that finds the server hung
fails with what the server wrote instead of hanging itself.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from stabil.catalog.service import load_declaration_text
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.service import enqueue_email
from tests.cast import Cast, Member, cheap_hashing, make_cast
from tests.conftest import BORGER_DK
from tests.outbox.servers import free_port
from tests.worker.processes import StabilProcess, fresh_postgresql, fresh_sqlite, wait_until

START_SECONDS = 60  # it publishes the public site before it answers; two busy cores are slow
CLIENT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@dataclass
class Served:
    """A running server and what the tests need to talk to it and to look behind it."""

    url: str
    database_url: str
    engine: Engine
    cast: Cast
    var_dir: Path
    env: dict[str, str]
    process: StabilProcess | None = None
    port: int = field(default_factory=free_port)

    def start(self) -> None:
        self.process = StabilProcess(["serve", "--port", str(self.port)], self.env)
        deadline = time.monotonic() + START_SECONDS
        while not self._answers():
            assert self.process.process.poll() is None, self.process.output
            assert time.monotonic() < deadline, "the server did not start:\n" + self.output
            time.sleep(0.05)

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            code = self.process.stop(timeout=30)
            assert code == 0, f"exit status {code}:\n{self.output}"
            self.process = None

    def kill(self) -> None:
        assert self.process is not None
        self.process.stop(signal.SIGKILL, timeout=10)
        self.process = None

    @property
    def output(self) -> str:
        return self.process.output if self.process else ""

    def client(self, member: Member | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {member.token}"} if member else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=CLIENT_TIMEOUT)

    def queue_mail(self, subject: str) -> None:
        """A notification for the worker to deliver, written beside the server."""
        with Session(self.engine) as session:
            enqueue_email(
                session,
                recipient="drift@borger.example",
                subject=subject,
                body="Prøve.",
                subject_kind="incident",
                subject_key="BDK-TEST",
            )
            session.commit()

    def wait_until_delivered(self, timeout: float = 30) -> None:
        """Every notification in the outbox is sent (the worker is alive and working)."""

        def all_sent() -> bool:
            with Session(self.engine) as session:
                unsent = select(func.count()).where(OutboxItem.state != DeliveryState.sent)
                return session.scalar(unsent.select_from(OutboxItem)) == 0

        wait_until(all_sent, timeout, "every notification to be delivered")


def prepare(engine: Engine) -> Cast:
    """Borger.dk's declaration and the cast, in a fresh database."""
    # Kept loaded after the commit: the members are read after the session has gone.
    with Session(engine, expire_on_commit=False) as session:
        load_declaration_text(session, BORGER_DK.read_text(encoding="utf-8"), BORGER_DK.name)
        with cheap_hashing():
            return make_cast(session)


@contextmanager
def served(database: str, tmp_path: Path, **env: str) -> Iterator[Served]:
    """A server with its worker on a fresh database of `database`'s kind, the cast in it."""
    with ExitStack() as stack:
        if database == "sqlite":
            url, engine = fresh_sqlite(tmp_path)
            stack.callback(engine.dispose)
        else:
            url, engine = stack.enter_context(fresh_postgresql())
        app = Served(
            url="",
            database_url=url,
            engine=engine,
            cast=prepare(engine),
            var_dir=tmp_path,
            env={
                "STABIL_DATABASE_URL": url,
                "STABIL_VAR_DIR": str(tmp_path),
                "STABIL_WORKER_POLL_SECONDS": "0.1",
                "STABIL_LOG_LEVEL": "warning",  # no access log: thousands of lines otherwise
                **env,
            },
        )
        app.url = f"http://127.0.0.1:{app.port}"
        app.env.setdefault("STABIL_PUBLIC_URL", app.url)  # links in its mails lead to it
        app.start()
        try:
            yield app
        finally:
            app.stop()


def at_once(count: int, request: Callable[[int], Any]) -> list[Any]:
    """`request(i)` for i in range(count), all released together; each result or exception."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = request(index)
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive(), "a request did not end within a minute"
    return results


class HealthWatch:
    """Asks /healthz every tenth of a second while a block runs; the slowest answer is kept."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.slowest = 0.0
        self.failures: list[str] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join(10)
        assert not self._thread.is_alive(), "the /healthz watch did not stop within 10 s"

    def _watch(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self._done.wait(0.1):
                started = time.monotonic()
                try:
                    status = client.get(f"{self.url}/healthz").status_code
                    if status != 200:
                        self.failures.append(f"status {status}")
                except httpx.TransportError as error:
                    self.failures.append(repr(error))
                self.slowest = max(self.slowest, time.monotonic() - started)
