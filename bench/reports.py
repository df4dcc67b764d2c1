"""Benchmark of the compliance reports on 10 years of history for 20 services (`make bench`).

The history is `stabil demo` at scale (bench/_history.py): the demo's year of Borger.dk,
written through the services, replicated for 20 services and 10 years. It is built once
into .cache/bench-reports/ (SQLite), keyed by the generator's version and the schema's
newest migration, and read from there on later runs; `--postgresql` builds it on the test
suite's PostgreSQL server as well (not cached) and measures there too.

Then, on each database, one process, one report at a time:
- every monthly report of one year of one service as JSON (computed and rendered; the
  target: under 200 ms each), and one as PDF (under 3 s);
- all 2,400 monthly figures (20 services x 120 months: each month's shares met, start time
  and uptime, as `stabil report figures` gives them; under 60 s), and beside it the pace of
  full monthly reports, one at a time;
- how the cost grows with the history: the same month's JSON on databases of one service
  with 1, 5 and 10 years, and on the 20-service database; it must not grow with the years
  outside the month.
It times; it does not fail on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

import _history as history
from _databases import postgres_database
from stabil.catalog.service import declaration_of, version_named
from stabil.db.engine import make_engine
from stabil.reports.compute import monthly_figures, report
from stabil.reports.model import Report
from stabil.reports.period import parse_month
from stabil.reports.render.formats import Format, render

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench-reports"
SERVICES, YEARS = 20, 10
NOW = history.END
ZONE = ZoneInfo("Europe/Copenhagen")
LAST_MONTH = "2026-10"  # the demo's last whole month: every section has content
GROWTH = (1, 5, 10)  # years of history of one service, for the same month
TARGETS = {"json": 0.2, "pdf": 3.0, "all": 60.0}
LANGUAGE = "da"
BUDGET = 60.0  # seconds for the 2,400 figures (their target); the rest is extrapolated


def say(line: str) -> None:
    print(line, flush=True)


def months(last: str, count: int) -> list[str]:
    """`count` months up to and including `last` (YYYY-MM), oldest first."""
    year, month = map(int, last.split("-"))
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def cached(services: int, years: int) -> str:
    """A SQLite history of `services` x `years`, built now when not in the cache."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"history-v{history.VERSION}-{history.schema_stamp()}-{services}x{years}.db"
    path = CACHE / name
    if not path.exists():
        _forget_stale()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        began = time.perf_counter()
        rows = history.build(f"sqlite:///{partial}", CACHE, services=services, years=years, say=say)
        partial.rename(path)
        say(f"  built {name}: {rows:,} rows in {time.perf_counter() - began:.0f} s")
    return f"sqlite:///{path}"


def _forget_stale() -> None:
    """Cached histories of another generator or schema: never read again."""
    current = f"-v{history.VERSION}-{history.schema_stamp()}"
    for found in (*CACHE.glob("history-*"), *CACHE.glob("demo-year-*")):
        if current not in found.name:
            found.unlink()


@contextmanager
def session_on(url: str) -> Iterator[Session]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def timed(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def monthly(session: Session, service: str, label: str) -> Report:
    return report(session, service, parse_month(label, ZONE), NOW)


def as_json(session: Session, service: str, label: str) -> bytes:
    return render(monthly(session, service, label), Format.json, LANGUAGE)


def verdict(seconds: float, target: str) -> str:
    limit = TARGETS[target]
    return f"(target < {limit:g} s: {'met' if seconds < limit else 'MISSED'})"


def one_year(session: Session) -> None:
    """Every month of the last year of the first service, as JSON; then one as PDF."""
    service = history.service_key(0)
    as_json(session, service, LAST_MONTH)  # warm: the declaration's clock, the templates
    spent = [timed(lambda m=m: as_json(session, service, m)) for m in months(LAST_MONTH, 12)]
    median, worst = statistics.median(spent), max(spent)
    say(
        f"  monthly JSON, 12 months of {service}: p50 {median * 1000:6.1f} ms, max "
        f"{worst * 1000:6.1f} ms {verdict(worst, 'json')}"
    )
    computed = timed(lambda: monthly(session, service, LAST_MONTH))
    found = monthly(session, service, LAST_MONTH)
    try:
        render(found, Format.pdf, LANGUAGE)  # warm: fonts, style sheet
        rendered = timed(lambda: render(found, Format.pdf, LANGUAGE))
    except Exception as error:  # WeasyPrint without its libraries: say so, go on
        say(f"  monthly PDF: not measured ({type(error).__name__}: {error})")
        return
    pdf = computed + rendered
    say(
        f"  monthly PDF, {LAST_MONTH}: {pdf:.2f} s (computed {computed:.2f} s, rendered "
        f"{rendered:.2f} s) {verdict(pdf, 'pdf')}"
    )


def every_figure(session: Session, services: int, years: int) -> None:
    """The monthly figures of every service and month of the history (the KPI table that
    `stabil report figures` prints): per service, its 120 months at once. Then, beside it,
    the pace of full monthly reports (every section with its evidence and 12-month trends),
    one at a time for a minute, extrapolated to the 2,400."""
    labels = months(LAST_MONTH, 12 * years)
    zone = ZONE
    periods = [parse_month(label, zone) for label in labels]
    began = time.perf_counter()
    for number in range(services):
        stored = version_named(session, history.service_key(number), periods[-1].first)
        found = monthly_figures(session, declaration_of(stored), stored.service, periods, NOW)
        assert len(found) == len(periods)
    total = time.perf_counter() - began
    count = services * len(labels)
    say(
        f"  all {count:,} monthly figures ({services} services x {len(labels)} months): "
        f"{total:.1f} s, {total / count * 1000:.2f} ms each {verdict(total, 'all')}"
    )
    wanted = [(history.service_key(n), label) for label in labels[::-1] for n in range(services)]
    began, done = time.perf_counter(), 0
    for service, label in wanted:
        monthly(session, service, label)
        done += 1
        if time.perf_counter() - began > BUDGET:
            break
    spent = time.perf_counter() - began
    whole = spent / done * count
    say(
        f"    beside it, {count:,} full monthly reports one at a time: {whole:.0f} s "
        f"({spent / done * 1000:.0f} ms each; {done:,} done in {spent:.0f} s, the rest "
        "extrapolated)"
    )


def growth(main_url: str) -> None:
    """The same month's JSON on histories of 1, 5 and 10 years of one service, and on the
    whole database; and a month ten years back on the whole database."""
    rows = []
    for years in GROWTH:
        rows.append((f"1 service, {years:2d} years", cached(1, years), LAST_MONTH))
    rows.append((f"{SERVICES} services, {YEARS} years", main_url, LAST_MONTH))
    oldest = months(LAST_MONTH, 12 * YEARS)[0]
    rows.append((f"{SERVICES} services, {YEARS} years", main_url, oldest))
    for label, url, month in rows:
        with session_on(url) as session:
            service = history.service_key(0)
            as_json(session, service, month)
            spent = [timed(lambda: as_json(session, service, month)) for _ in range(5)]  # noqa: B023
        say(f"  {month} JSON on {label}: p50 {statistics.median(spent) * 1000:6.1f} ms")


def measure(label: str, url: str, *, growth_too: bool) -> None:
    say(f"{label}:")
    with session_on(url) as session:
        incidents = session.scalar(text("SELECT count(*) FROM incidents"))
        intervals = session.scalar(text("SELECT count(*) FROM watch_intervals"))
        say(f"  {incidents:,} incidents, {intervals:,} outage intervals")
        one_year(session)
        every_figure(session, SERVICES, YEARS)
    if growth_too:
        growth(url)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgresql", action="store_true", help="measure on PostgreSQL too (builds it anew)"
    )
    asked = parser.parse_args(argv)
    measure("sqlite", cached(SERVICES, YEARS), growth_too=True)
    if asked.postgresql:
        with postgres_database("reports") as url:
            if url is not None:
                began = time.perf_counter()
                rows = history.build(url, CACHE, services=SERVICES, years=YEARS, say=say)
                say(f"  built on postgresql: {rows:,} rows in {time.perf_counter() - began:.0f} s")
                measure("postgresql", url, growth_too=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
