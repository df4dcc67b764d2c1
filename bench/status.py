"""Benchmark of the public status site: `stabil serve` beside nginx, same files (`make bench`).

Prepares a SQLite database with the shipped declarations and, through the HTTP API of a running
`stabil serve`, what a status page shows in a bad week: an open outage message with its
updates, resolved and closed ones, windows announced and cancelled, outages entered. Then
`stabil status export DIR` writes the site; a `stabil serve --no-worker` answers from a copy of
DIR as its store (no worker, so that nothing publishes anew while it is measured), and nginx
(one worker process, as `stabil serve` is one process) serves DIR itself. Both must answer
the same bytes. Each is then loaded with wrk, one after the other, with the same light
settings (one thread and 16 connections, on this project's two cores the load tool needs a
core of its own), for the status page, its Atom feed and its JSON: requests per second and
the p99 latency side by side, the processor time each server spent per request (which the
other work on a shared machine disturbs less than the rates), and Stabil's share of nginx's
rate.

Targets: Stabil at least 50 % of nginx's requests per second, p99 under 20 ms. It measures;
it does not fail on time. It fails when nginx or wrk is missing, printing how to install it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from _serve import (
    ROOT,
    Server,
    cli,
    free_port,
    kill_all_servers,
    printed,
    server_env,
    with_parent,
)

TOOLS = {"nginx": "nginx", "wrk": "wrk"}  # command: its Debian package
SERVICE = "borger-dk"
URLS = {
    "status page": f"/status/{SERVICE}",
    "Atom feed": f"/status/{SERVICE}/feed.atom",
    "JSON": f"/status/{SERVICE}.json",
}
THREADS, CONNECTIONS = 1, 16
# nginx as fast as it goes here: sendfile, and not tcp_nopush, with which a page just under
# 64 KiB (Borger.dk's is) waits for a delayed acknowledgement on loopback, 40 ms a time.
WARM_UP_SECONDS, SECONDS = 2, 5
# Each measurement is made this many times, nginx and Stabil in turn, and the median kept:
# other work on a shared machine moves a single run's figures by a fifth or more.
ROUNDS = 3
TARGET_SHARE, TARGET_P99_MS = 0.5, 20.0
NGINX_CONFIG = """\
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    types {{ application/atom+xml atom; text/calendar ics; }}
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        location ~ /\\. {{ return 404; }}
        location / {{
            add_header Cache-Control "public, max-age=30, stale-while-revalidate=30";
            try_files $uri $uri/index.html =404;
        }}
    }}
}}
"""


@dataclass(frozen=True, slots=True)
class Load:
    rate: float  # requests per second
    p99_ms: float
    errors: str  # what wrk counted as not answered, or non-2xx/3xx; "" when none
    cpu_us: float = 0.0  # the server's processor time (user and system) per request


def cpu_seconds(pids: list[int]) -> float:
    """User and system time the processes have used so far (/proc/PID/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, after the name
    return total / ticks


def with_children(pid: int) -> list[int]:
    """The process and its children: nginx's master and its worker."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = (entry / "stat").read_text().rpartition(")")[2].split()[1]
            except OSError:
                continue
            if int(parent) == pid:
                children.append(int(entry.name))
    return [pid, *children]


def missing_tools() -> list[str]:
    return [package for command, package in TOOLS.items() if shutil.which(command) is None]


def prepare(env: dict[str, str]) -> str:
    """Migrate, load the shipped declarations, make the admin; its API token."""
    cli(env, "db", "upgrade")
    cli(env, "service", "load", *sorted(str(path) for path in ROOT.glob("declarations/*.yaml")))
    return printed(cli(env, "user", "init-admin"), "token")


def fill(url: str, token: str) -> None:
    """A bad week on Borger.dk, entered through the API as the desk would."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api:
        for n in range(6):
            done = post(api, "/api/v1/messages", message(f"Fejl i selvbetjeningen nr. {n + 1}"))
            post(api, f"/api/v1/messages/{done['id']}/resolve", {})
            if n % 2:
                post(api, f"/api/v1/messages/{done['id']}/close", {})
        current = post(api, "/api/v1/messages", message("Log-in med MitID virker ikke"))
        for n in range(3):
            update = {"body": f"Vi arbejder på sagen ({n + 1}).", "body_en": f"Working ({n + 1})."}
            post(api, f"/api/v1/messages/{current['id']}/updates", update)
        slow = message("Forsiden er langsom", type="slow", affected=["front_page"])
        post(api, "/api/v1/messages", slow)
        for days in (9, 16):
            start = (now + dt.timedelta(days=days)).replace(hour=1, minute=0, second=0)
            window = post(api, "/api/v1/windows", planned(start, days))
            if days == 16:
                post(api, f"/api/v1/windows/{window['id']}/cancel", {"reason": "Udskudt."})
        for days, hours, state in ((2, 3, "down"), (5, 1, "degraded"), (20, 6, "down")):
            start = now - dt.timedelta(days=days)
            outage = {
                "service": SERVICE,
                "part": "login",
                "start": start.isoformat(),
                "end": (start + dt.timedelta(hours=hours)).isoformat(),
                "state": state,
                "reason": "Set af borgerne, ikke af overvågningen.",
            }
            post(api, "/api/v1/outages", outage)


def message(title: str, **changes: Any) -> dict[str, Any]:
    return {
        "service": SERVICE,
        "type": "unavailable",
        "affected": ["login", "self_service"],
        "title": title,
        "title_en": "Log-in fails",
        "body": "Borgerne kan ikke logge ind med MitID på Borger.dk.",
        "body_en": "Citizens cannot log in with MitID on Borger.dk.",
        "affected_users": "Alle borgere, der vil logge ind",
        "cause": "Fejl hos leverandøren af log-in",
        "horizon": "Inden kl. 16",
    } | changes


def planned(start: dt.datetime, days: int) -> dict[str, Any]:
    return {
        "service": SERVICE,
        "kind": "short",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(),
        "title": f"Opdatering af databasen ({days} dage)",
        "body": "Selvbetjeningen kan være utilgængelig.",
        "body_en": "Self-service may be unavailable.",
        "affected": ["self_service"],
        "announce": True,
        "override_reason": "Benchmark: the window's rules are not what is measured.",
    }


def post(api: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(path, json=body)
    if response.status_code >= 300:
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
    answer: dict[str, Any] = response.json()
    return answer


def start_nginx(work: Path, site: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    config = work / "nginx.conf"
    config.write_text(NGINX_CONFIG.format(work=work, site=site, port=port), encoding="utf-8")
    command = ["nginx", "-p", str(work), "-e", str(work / "nginx-error.log"), "-c", str(config)]
    process = subprocess.Popen(
        with_parent([*command, "-g", "daemon off;"]),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/status", timeout=1.0)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    log = (work / "nginx-error.log").read_text(errors="replace")
    raise RuntimeError(f"nginx did not start:\n{log}")


def same_bytes(stabil: str, nginx: str) -> dict[str, int]:
    """The size of each file measured, after checking both servers answer it alike."""
    sizes = {}
    for name, path in URLS.items():
        ours, theirs = httpx.get(stabil + path), httpx.get(nginx + path)
        if ours.status_code != 200 or theirs.status_code != 200:
            raise RuntimeError(f"{path}: stabil {ours.status_code}, nginx {theirs.status_code}")
        if ours.content != theirs.content:
            raise RuntimeError(f"{path}: stabil and nginx answer different bytes")
        sizes[name] = len(ours.content)
    return sizes


def wrk(url: str, seconds: int, pids: list[int]) -> Load:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]
    used = cpu_seconds(pids)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    used = cpu_seconds(pids) - used
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    assert p99 is not None, output
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99[2]]
    errors = [
        line.strip()
        for line in output.splitlines()
        if "Non-2xx" in line or ("Socket errors" in line and not _all_zero(line))
    ]
    answered = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    return Load(rate, float(p99[1]) * scale, "; ".join(errors), used / answered * 1e6)


def _all_zero(line: str) -> bool:
    return all(number == "0" for number in re.findall(r"\d+", line))


def measure(pairs: list[tuple[str, list[int]]]) -> list[Load]:
    """Each (url, server's processes) loaded ROUNDS times in turn; the median of each."""
    for url, pids in pairs:
        wrk(url, WARM_UP_SECONDS, pids)
    rounds = [[wrk(url, SECONDS, pids) for url, pids in pairs] for _ in range(ROUNDS)]
    return [median([round_[n] for round_ in rounds]) for n in range(len(pairs))]


def median(loads: list[Load]) -> Load:
    return Load(
        statistics.median(load.rate for load in loads),
        statistics.median(load.p99_ms for load in loads),
        "; ".join(load.errors for load in loads if load.errors),
        statistics.median(load.cpu_us for load in loads),
    )


def report(sizes: dict[str, int], results: dict[str, tuple[Load, Load]]) -> None:
    print(
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --latency, after {WARM_UP_SECONDS} s of "
        f"warm-up, one server at a time, the median of {ROUNDS} rounds; nginx {_version()} "
        "with 1 worker process; cpu: the server's processor time (user and system) per request"
    )
    print(
        f"{'':14} {'bytes':>7} | {'nginx req/s':>11} {'p99':>8} {'cpu':>7} | "
        f"{'stabil req/s':>12} {'p99':>8} {'cpu':>7} | {'stabil/nginx':>12}"
    )
    for name, (theirs, ours) in results.items():
        share = ours.rate / theirs.rate
        print(
            f"{name:14} {sizes[name]:>7,} | {theirs.rate:>11,.0f} {theirs.p99_ms:>6.2f}ms "
            f"{theirs.cpu_us:>5.1f}µs | {ours.rate:>12,.0f} {ours.p99_ms:>6.2f}ms "
            f"{ours.cpu_us:>5.1f}µs | {share:>11.0%}"
        )
        for server, load in (("nginx", theirs), ("stabil", ours)):
            if load.errors:
                print(f"  {server}: {load.errors}")
    share = min(ours.rate / theirs.rate for theirs, ours in results.values())
    p99 = max(ours.p99_ms for _theirs, ours in results.values())
    print(
        f"targets: stabil at least {TARGET_SHARE:.0%} of nginx: {_met(share >= TARGET_SHARE)} "
        f"(lowest {share:.0%}); stabil's p99 under {TARGET_P99_MS:.0f} ms: "
        f"{_met(p99 < TARGET_P99_MS)} (highest {p99:.2f} ms)"
    )


def _met(met: bool) -> str:
    return "met" if met else "missed"


def _version() -> str:
    done = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=False)
    return done.stderr.strip().rpartition("/")[2]


def run(work: Path) -> None:
    env = server_env(f"sqlite:///{work / 'status.db'}", work / "var")
    token = prepare(env)
    desk = Server(env, work / "serve.log")
    desk.start()
    try:
        fill(desk.url, token)
    finally:
        desk.stop()
    site, store = work / "site", work / "store"
    cli(env, "status", "export", str(site))
    shutil.copytree(site, store)
    server = Server(env | {"STABIL_PUBLIC_DIR": str(store)}, work / "serve.log", ("--no-worker",))
    server.start()
    nginx, nginx_url = start_nginx(work, site)
    try:
        sizes = same_bytes(server.url, nginx_url)
        nginx_pids, stabil_pids = with_children(nginx.pid), [server.pid]
        results = {}
        for name, path in URLS.items():
            pairs = [(nginx_url + path, nginx_pids), (server.url + path, stabil_pids)]
            theirs, ours = measure(pairs)
            results[name] = (theirs, ours)
    finally:
        server.stop()
        nginx.terminate()
        nginx.wait(timeout=10)
    report(sizes, results)


def main() -> int:
    missing = missing_tools()
    if missing:
        print(f"the status benchmark needs {' and '.join(missing)}; install with:")
        print(f"  apt-get install -y {' '.join(missing)}")
        return 1
    with tempfile.TemporaryDirectory(prefix="stabil-bench-status-") as folder:
        work = Path(folder)
        os.chmod(work, 0o755)  # nginx's worker runs as another user, and must read the site
        try:
            run(work)
        finally:
            kill_all_servers()
    return 0


if __name__ == "__main__":
    sys.exit(main())
