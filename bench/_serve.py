"""A `stabil serve` process, and a desk prepared for it with the CLI, for benchmarks over HTTP.

Only the CLI and the HTTP API are used, so that a benchmark measures any version of the desk
alike. Every server started here is killed when the benchmark ends, however it ends.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVICE = "borger-dk"
SUPPLIER = "bench-supplier"
OPERATORS = 8
CLI_TIMEOUT = 120.0
START_TIMEOUT = 120.0  # generous: the machine may be busy with other work
HEALTH_TIMEOUT = 5.0


# Servers


_servers: set[subprocess.Popen[bytes]] = set()


def with_parent(command: list[str]) -> list[str]:
    """`command`, made to get SIGKILL from the kernel when this script ends, however it ends.

    setpriv sets that before it execs; a preexec_fn could deadlock the child of a process that
    runs threads, as a benchmark does.
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *command] if setpriv else command


def kill_all_servers() -> None:
    for process in list(_servers):
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        _servers.discard(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """One `stabil serve` process (with its worker) at a time, on a new free port each start."""

    def __init__(self, env: dict[str, str], log: Path, options: tuple[str, ...] = ()) -> None:
        self.env, self.log, self.options = env, log, options
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        self.port = free_port()
        with self.log.open("ab") as log:
            log.write(f"\n=== start on port {self.port}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                with_parent(
                    [
                        sys.executable,
                        "-m",
                        "stabil",
                        "serve",
                        "--port",
                        str(self.port),
                        *self.options,
                    ]
                ),
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _servers.add(self.process)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.answers(timeout=1.0):
                return
            time.sleep(0.1)
        ended = self.process.poll()
        self.kill()
        how = f"it ended with status {ended}" if ended is not None else "it did not answer"
        raise RuntimeError(f"the server did not start ({how}); its log ends:\n{self.log_tail()}")

    def answers(self, timeout: float = HEALTH_TIMEOUT) -> bool:
        """Whether /healthz answers 200 within `timeout` seconds."""
        try:
            return httpx.get(f"{self.url}/healthz", timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            self.process.wait(timeout=10)
            _servers.discard(self.process)
            self.process = None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s: a hung server may not end on SIGTERM."""
        if self.process is not None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        self.kill()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure_running(self) -> None:
        if not self.running():
            self.kill()
            self.start()

    def restart(self) -> None:
        self.stop()
        self.start()

    def memory_mib(self) -> tuple[float, float]:
        """Resident memory now and at its peak (VmRSS, VmHWM), in MiB; 0 once it has died."""
        fields = {"VmRSS": 0.0, "VmHWM": 0.0}
        if not self.running():
            return 0.0, 0.0
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
        return fields["VmRSS"], fields["VmHWM"]

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_count(self, since: int, phrase: str) -> int:
        with self.log.open("rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace").count(phrase)

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


# The desk: a prepared database, with the CLI only


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    token: str = ""


@dataclass(frozen=True)
class Desk:
    env: dict[str, str]
    admin: Account
    operators: list[Account]
    flood_target: Account
    login_target: Account


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    # The caller's own STABIL_ settings stay out, so that every version is measured alike.
    env = {name: value for name, value in os.environ.items() if not name.startswith("STABIL_")}
    return env | {
        "STABIL_DATABASE_URL": database_url,
        "STABIL_VAR_DIR": str(var_dir),
        "STABIL_LOG_LEVEL": "warning",
        "COLUMNS": "200",  # the CLI's console must not wrap a password or token
    }


def cli(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "stabil", *arguments],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()
        raise RuntimeError(f"stabil {' '.join(arguments)} failed: {message}")
    return done.stdout


def printed(output: str, label: str) -> str:
    """The value after `label:` in a command's output."""
    found = re.search(rf"{re.escape(label)}:\s*(\S+)", output)
    if found is None:
        raise RuntimeError(f"no {label!r} in the output: {output.strip()}")
    return found.group(1)


def add_user(env: dict[str, str], email: str, role: str) -> Account:
    output = cli(env, "user", "add", "--email", email, "--role", role)
    return Account(email, printed(output, "password (shown only now)"))


def with_token(env: dict[str, str], account: Account) -> Account:
    token = cli(env, "token", "create", "--email", account.email, "--name", "bench").strip()
    return Account(account.email, account.password, token)


def prepare(env: dict[str, str]) -> Desk:
    """Migrate, load the shipped declarations, make the admin and the users the steps need."""
    cli(env, "db", "upgrade")
    cli(env, "service", "load", *sorted(str(path) for path in ROOT.glob("declarations/*.yaml")))
    output = cli(env, "user", "init-admin")
    admin = Account(printed(output, "email"), printed(output, "password"), printed(output, "token"))
    cli(env, "organisation", "add", "--key", SUPPLIER, "--name", "Bench", "--kind", "supplier")
    # Parallel, four at a time: each command starts a Python of its own.
    with ThreadPoolExecutor(4) as pool:
        emails = [f"operator{i}@bench.example.org" for i in range(OPERATORS)]
        users = list(pool.map(lambda email: add_user(env, email, "operator"), emails))
        operators = list(pool.map(lambda user: with_token(env, user), users))
        flood_target, login_target = pool.map(
            lambda email: add_user(env, email, "viewer"),
            ["flooded@bench.example.org", "signs-in@bench.example.org"],
        )
    return Desk(env, admin, operators, flood_target, login_target)


# Requests


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def incident(title: str) -> dict[str, Any]:
    return {"service": SERVICE, "title": title, "impact": {"users_affected_percent": 10}}


def attempt(send: Callable[[], httpx.Response]) -> tuple[str, httpx.Response | None]:
    """The status of the answer, or how the request failed."""
    try:
        response = send()
    except httpx.TimeoutException:
        return "timeout", None
    except httpx.ConnectError:
        return "refused", None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        return "dropped", None
    except httpx.TransportError as error:
        return type(error).__name__, None
    return str(response.status_code), response


def answered(outcome: str) -> bool:
    return outcome.isdigit()
