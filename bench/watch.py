"""Benchmark of watch (`make bench`): the prober at 10,000 monitors, and uptime over 10 years.

1. 10,000 HTTP monitors at a 60-second interval against a local HTTP server (a process of its
   own) on 127.0.0.1, probed by the prober as the worker runs it, for three minutes
   (BENCH_WATCH_SECONDS shortens it for a quick try). Prints the probes per second, the
   p50/p99/max lateness of probe starts against their schedule (target: p99 under 1 s), the
   prober's CPU share and resident memory, and how much the database grew.
2. One service with 10 years of one-minute intervals in the log (5.3 million rows, written
   with COPY on PostgreSQL), and the time `stabil.watch.availability.uptime` takes for a
   month's figures (target: under 100 ms), beside what a monitor that counts checks does:
   up checks over all checks of the month's UTC days, as Uptime Kuma does.

On PostgreSQL when it is reachable (as the other benchmarks), else on SQLite. It times; it
does not fail on time.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from _databases import postgres_database
from _serve import free_port, with_parent
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, load_declaration_text, version_named
from stabil.db.engine import begin, make_engine
from stabil.db.migrate import upgrade
from stabil.settings import Settings
from stabil.watch.availability import month_range, uptime
from stabil.watch.models import Monitor, ProbeResult, StateInterval
from stabil.watch.prober import Prober, ProberThread, lock_for

ROOT = Path(__file__).resolve().parent.parent
MONITORS = 10_000
INTERVAL = 60
SECONDS = float(os.environ.get("BENCH_WATCH_SECONDS", "180"))
YEARS = 10
FIRST_MONTH = dt.date(2016, 1, 1)
MONTHS_TIMED = 12
TARGET_LATENESS = 1.0
TARGET_MONTH_MS = 100.0

# The target: the smallest HTTP answer, from a process of its own on uvloop, so that the
# prober's CPU is the prober's alone.
TARGET = r"""
import asyncio, sys, uvloop
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"
class Answer(asyncio.Protocol):
    def connection_made(self, transport): self.transport = transport
    def data_received(self, data):
        if b"\r\n\r\n" in data:
            self.transport.write(ANSWER); self.transport.close()
async def main():
    server = await asyncio.get_running_loop().create_server(
        Answer, "127.0.0.1", int(sys.argv[1]), backlog=4096)
    await server.serve_forever()
uvloop.run(main())
"""


@contextmanager
def target_server() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(with_parent([sys.executable, "-c", TARGET, str(port)]))
    try:
        time.sleep(1.0)
        yield port
    finally:
        process.kill()
        process.wait(10)


def units_on(engine: Engine):  # type: ignore[no-untyped-def]
    factory = sessionmaker(bind=engine, expire_on_commit=False)

    @contextmanager
    def unit(*, writes: bool = True) -> Iterator[Session]:
        session = factory()
        try:
            begin(session, writes=writes)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    return unit


def prepare(engine: Engine) -> dict[str, int]:
    upgrade(engine)
    with Session(engine) as session:
        for name in ("borger-dk.yaml", "example-webservice.yaml"):
            text_ = (ROOT / "declarations" / name).read_text(encoding="utf-8")
            load_declaration_text(session, text_, name)
        session.commit()
        rows = session.execute(select(Service.key, Service.id)).all()
        return {key: service_id for key, service_id in rows}  # noqa: C416 (typed pairs)


def add_monitors(engine: Engine, service_id: int, port: int) -> None:
    """10,000 HTTP monitors of the example service (Borger.dk's figures are timed apart)."""
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "key": f"bench-{number:05d}",
            "name": f"Bench {number}",
            "service_id": service_id,
            "part": None,
            "kind": "http",
            "target": f"http://127.0.0.1:{port}/m/{number}",
            "expected_status": [],
            "body_text": None,
            "body_regex": None,
            "degraded_ms": None,
            "tls_warn_days": None,
            "interval_seconds": INTERVAL,
            "timeout_seconds": 10.0,
            "fail_after": 3,
            "recover_after": 2,
            "grace_seconds": 60,
            "token_digest": None,
            "labels": {},
            "state": "unknown",
            "state_since": now,
            "state_source": "probe",
            "state_evidence": {},
            "created_at": now,
            "revision": 0,
            "updated_at": now,
        }
        for number in range(MONITORS)
    ]
    with Session(engine) as session:
        session.execute(insert(Monitor), rows)
        session.commit()


def database_bytes(engine: Engine, path: Path | None) -> int:
    if path is not None:
        return sum(item.stat().st_size for item in path.parent.glob(path.name + "*"))
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT pg_database_size(current_database())")) or 0)


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def probe(name: str, engine: Engine, path: Path | None, service_id: int, port: int) -> None:
    add_monitors(engine, service_id, port)
    before = database_bytes(engine, path)
    settings = Settings(database_url=str(engine.url), watch_concurrency=500)
    prober = Prober(settings=settings, units=units_on(engine), lock=lock_for(engine))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    began = time.monotonic()
    thread = ProberThread(prober).start()
    peak = 0.0
    while time.monotonic() - began < SECONDS:
        time.sleep(1.0)
        peak = max(peak, resident_mib())
    prober.stop()
    thread.stop(timeout=120)
    wall = time.monotonic() - began
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = used.ru_utime - usage.ru_utime + used.ru_stime - usage.ru_stime
    with Session(engine) as session:
        results = session.execute(
            select(ProbeResult.outcome, func.count()).group_by(ProbeResult.outcome)
        ).all()
        states = session.execute(select(Monitor.state, func.count()).group_by(Monitor.state)).all()
    grown = database_bytes(engine, path) - before
    late = prober.lateness
    p99 = late.percentile(0.99)
    verdict = "meets" if p99 < TARGET_LATENESS else "misses"
    print(
        f"{name:<11} {MONITORS:,} monitors every {INTERVAL} s for {wall:.0f} s: "
        f"{prober.probes / wall:.0f} probes/s ({prober.probes:,} probes)\n"
        f"{'':<11} late starts p50 {late.percentile(0.5) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {late.worst * 1000:.0f} ms ({verdict} p99 < 1 s)\n"
        f"{'':<11} prober CPU {cpu / wall * 100:.0f} % of one core, resident memory "
        f"{peak:.0f} MiB at most\n"
        f"{'':<11} database grew {grown / 1024 / 1024:.1f} MiB "
        f"({grown / max(prober.probes, 1):.0f} bytes per probe); results "
        f"{dict(results)}, monitors {dict(states)}"
    )


def fill_log(engine: Engine, service_id: int) -> tuple[int, float]:
    """Ten years of one-minute intervals of Borger.dk's front page: up, with a minute down
    every 997 minutes and a minute degraded every 499; on PostgreSQL one INSERT ... SELECT
    from generate_series."""
    start = dt.datetime.combine(FIRST_MONTH, dt.time(), dt.UTC)
    minutes = int((start.replace(year=start.year + YEARS) - start).total_seconds() // 60)
    recorded = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    began = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(
                text(
                    'INSERT INTO watch_intervals (service_id, part, start, "end", state, source, '
                    "evidence, recorded_at) SELECT :service, 'front_page', "
                    ":start + n * interval '1 minute', :start + (n + 1) * interval '1 minute', "
                    "CASE WHEN n % 997 = 0 THEN 'down' WHEN n % 499 = 0 THEN 'degraded' "
                    "ELSE 'up' END, 'import', '{}'::json, :recorded "
                    "FROM generate_series(0, :last) AS n"
                ),
                {"service": service_id, "start": start, "recorded": recorded, "last": minutes - 1},
            )
        return minutes, time.perf_counter() - began
    chunk = 200_000
    for first in range(0, minutes, chunk):
        rows = []
        for n in range(first, min(first + chunk, minutes)):
            at = start + dt.timedelta(minutes=n)
            state = "down" if n % 997 == 0 else "degraded" if n % 499 == 0 else "up"
            rows.append(
                {
                    "service_id": service_id,
                    "part": "front_page",
                    "start": at,
                    "end": at + dt.timedelta(minutes=1),
                    "state": state,
                    "source": "import",
                    "evidence": {},
                    "recorded_at": recorded,
                }
            )
        with Session(engine) as session:
            session.execute(insert(StateInterval), rows)
            session.commit()
    return minutes, time.perf_counter() - began


def figures(name: str, engine: Engine, service_id: int) -> None:
    rows, seconds = fill_log(engine, service_id)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE watch_intervals"))
            connection.commit()
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    step = YEARS * 12 // MONTHS_TIMED
    months = [
        f"{FIRST_MONTH.year + index // 12}-{index % 12 + 1:02d}"
        for index in range(0, YEARS * 12, step)
    ]
    ours, counted, example = [], [], ""
    with Session(engine) as session:
        declaration = declaration_of(version_named(session, "borger-dk", FIRST_MONTH))
        for month in months:
            start, end = month_range(declaration, month)
            began = time.perf_counter()
            measured = uptime(session, "borger-dk", start, end, now)
            ours.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            ratio = _counted(session, service_id, start.date(), end.date())
            counted.append((time.perf_counter() - began) * 1000)
            if not example:
                parts = ", ".join(
                    f"{period} {item.uptime_percent:.3f} %"
                    for period, item in measured.periods.items()
                )
                example = f"{month}: Stabil {parts}; checks counted {ratio * 100:.3f} %"
    print(
        f"{name:<11} {rows:,} one-minute intervals of {YEARS} years written in {seconds:.0f} s\n"
        f"{'':<11} uptime of a month: median {statistics.median(ours):.0f} ms, "
        f"max {max(ours):.0f} ms over {len(ours)} months "
        f"({'meets' if max(ours) < TARGET_MONTH_MS else 'misses'} < {TARGET_MONTH_MS:.0f} ms)"
        f"\n{'':<11} counting checks per UTC day (as Uptime Kuma): median "
        f"{statistics.median(counted):.0f} ms, one ratio for the whole month, no service "
        f"periods\n{'':<11} {example}"
    )


def _counted(session: Session, service_id: int, first: dt.date, last: dt.date) -> float:
    """Checks that were not down over all checks in the month's UTC days, one a minute."""
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = dt.datetime.combine(last, dt.time(), dt.UTC)
    log = StateInterval
    up, total = session.execute(
        select(func.count().filter(log.state != "down"), func.count()).where(
            log.service_id == service_id, log.start >= start, log.start < end
        )
    ).one()
    return float(up) / float(total or 1)


def measure(name: str, url: str, path: Path | None) -> None:
    engine = make_engine(url, pool_size=5)
    services = prepare(engine)
    with target_server() as port:
        probe(name, engine, path, services["example-webservice"], port)
    figures(name, engine, services["borger-dk"])
    engine.dispose()


def main() -> None:
    print(
        f"{MONITORS:,} HTTP monitors against a local server; uptime over {YEARS} years "
        "of one-minute intervals"
    )
    with postgres_database("watch") as url:
        if url:
            measure("postgresql", url, None)
            return
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.db"
        measure("sqlite", f"sqlite:///{path}", path)


if __name__ == "__main__":
    sys.exit(main())
