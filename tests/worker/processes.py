"""`stabil worker` (or `serve`) as a real process, and the databases the tests give it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from stabil.db.engine import make_engine
from stabil.db.migrate import upgrade
from tests.conftest import POSTGRES_URL, ROOT

JOBS_MODULE = "tests.worker.exactly_once_jobs"


class StabilProcess:
    """A running `python -m stabil ...`; its log lines are collected as they come."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stabil", *args],
            cwd=ROOT,
            env={**os.environ, "COLUMNS": "200", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for_line(self, fragment: str, timeout: float = 30) -> str:
        with self._seen:
            self._seen.wait_for(
                lambda: (
                    any(fragment in line for line in self.lines) or self.process.poll() is not None
                ),
                timeout,
            )
            matches = [line for line in self.lines if fragment in line]
        assert matches, f"no line with {fragment!r} in:\n" + self.output
        return matches[0]

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout)
        self._reader.join(timeout)  # every line it wrote is read
        assert not self._reader.is_alive(), f"its output did not end within {timeout} s"
        return code


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` (a database query) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@contextmanager
def fresh_postgresql() -> Iterator[tuple[str, Engine]]:
    """A new, migrated PostgreSQL database of its own (workers in other processes share it)."""
    name = f"stabil_worker_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield url, engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fresh_sqlite(directory: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{directory / 'stabil.db'}"
    engine = make_engine(url)
    upgrade(engine)
    return url, engine
