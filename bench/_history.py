"""`stabil demo` at scale: years of history for many services, quickly, for bench/reports.py.

Writing a year of one service through the service functions (`stabil demo --months 12`)
takes about a minute and a half; 10 years of 20 services that way would take five hours. So
the demo writes one year once, through the real services and the worker's jobs, and this
module replicates its rows: once per service and year, every instant moved back by whole
spans of the year, every id moved past the copies before, keys renumbered per service and
year. What each copy holds is therefore exactly what the services wrote (incidents with
their events and timers with `decided_at`, escalations, reviews, messages, windows, releases,
outage intervals); only the calendar under the shifted instants differs (weekdays and
holidays move a day or two a year), which a report's cost does not notice.

Older copies leave out what was still open at the demo's end (incidents, messages, windows
and releases still under way), so that a ten-year history has the backlog of its last year
only, as a real one would. Monitors are the service's own, set up with its oldest year; every
year's intervals are theirs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session

import stabil.migrations.tables  # noqa: F401  (every table in the metadata)
from stabil.accounts.service import new_password
from stabil.catalog.models import DeclarationVersion, Service
from stabil.catalog.service import load_declaration_text
from stabil.db.base import Base
from stabil.db.engine import make_engine
from stabil.db.migrate import upgrade
from stabil.demo import service as demo
from stabil.demo.plan import months_before

ROOT = Path(__file__).resolve().parent.parent
VERSION = 1  # of the generator: the cached database is made again when it changes
SEED = 2015
# The demo's year ends on Monday 2 November 2026, 10:00 in Copenhagen: its last whole month,
# the one with every section filled, is October 2026.
END = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
MONTHS = 12
NOT_COPIED = {"outbox", "jobs", "probe_results", "api_tokens", "browser_sessions"}
NOT_COPIED |= {"idempotency_records", "status_subscribers", "status_webhooks"}
COPIED_AS_IS = ("organisations", "users")
PER_SERVICE = {"monitors", "monitor_events"}  # copied once per service, not per year
# What is still under way at the end; older copies leave it out (and what hangs on it).
FINISHED = {
    "incidents": ("state", {"closed", "cancelled"}),
    "status_messages": ("state", {"closed"}),
    "service_windows": ("state", {"completed", "cancelled"}),
    "releases": ("state", {"released", "cancelled"}),
}
KEYED = {"incidents", "problems", "service_requests", "changes"}  # key, year, number
KEY = re.compile(r"^(?P<head>(?:[A-Z]+-)?)[A-Z0-9]+-(?P<year>\d{4})-(?P<number>\d+)$")


def schema_stamp() -> str:
    """The newest migration and a digest of them all: a cached database of another schema
    (a migration added, or one changed before it was released) is made again."""
    versions = sorted((ROOT / "src" / "stabil" / "migrations" / "versions").glob("0*.py"))
    if not versions:
        return "none"
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in versions)).hexdigest()
    return f"{versions[-1].stem}-{digest[:8]}"


def service_key(number: int) -> str:
    return "borger-dk" if number == 0 else f"borger-dk-{number + 1:02d}"


def prefix(number: int) -> str:
    return "BDK" if number == 0 else f"BDK{number + 1:02d}"


def source(path: Path, say: Callable[[str], None]) -> None:
    """One year of Borger.dk written by `stabil demo` through the services, into `path`."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with Session(engine) as session:
        text = (ROOT / "declarations" / "borger-dk.yaml").read_text(encoding="utf-8")
        load_declaration_text(session, text, "borger-dk.yaml")
        session.commit()
        quiet = demo.Progress(start=lambda total: None, advance=lambda: None)
        password = new_password("bench-demo-password")
        demo.fill(
            session,
            service="borger-dk",
            months=MONTHS,
            seed=SEED,
            end=END,
            password=password,
            progress=quiet,
        )
        session.commit()
    engine.dispose()
    say(f"  the demo's year written through the services into {path.name}")


@dataclass(slots=True)
class Copy:
    """Where one copy of the year goes: which service, how many years back."""

    index: int  # of the copy, 0 for the newest year of the first service
    service: int
    years_back: int
    shift: dt.timedelta
    service_id: int
    version_id: int


@dataclass(slots=True)
class Replicator:
    source: Engine
    target: Engine
    services: int
    years: int
    span: dt.timedelta
    strides: dict[str, int] = field(default_factory=dict)
    numbers: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def run(self, say: Callable[[str], None]) -> int:
        tables = [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED]
        rows = {table.name: self._rows(table) for table in tables}
        self.strides = {
            name: max((r.get("id") or 0 for r in found), default=0) + 1
            for name, found in rows.items()
        }
        copies = list(self._copies())
        written = 0
        with self.target.begin() as connection:
            for name in COPIED_AS_IS:
                connection.execute(insert(Base.metadata.tables[name]), rows[name])
        for copy in copies:
            dropped: dict[str, set[int]] = {}
            batch = []
            for table in tables:
                if table.name in COPIED_AS_IS or table.name in _CATALOGUE:
                    continue
                if table.name in PER_SERVICE and copy.years_back != self.years - 1:
                    continue  # the monitors come with the service's oldest year
                made = [
                    row
                    for row in (
                        self._copied(table, item, copy, dropped) for item in rows[table.name]
                    )
                    if row is not None
                ]
                if made:
                    batch.append((table, made))
            with self.target.begin() as connection:
                for table, made in batch:
                    connection.execute(insert(table), made)
                    written += len(made)
            if copy.years_back == 0:
                say(f"  service {copy.service + 1} of {self.services}: {written:,} rows so far")
        return written

    def _rows(self, table: Table) -> list[dict[str, Any]]:
        with self.source.connect() as connection:
            order = table.c.id if "id" in table.c else None
            query = select(table) if order is None else select(table).order_by(order)
            return [dict(row._mapping) for row in connection.execute(query)]

    def _copies(self) -> Iterator[Copy]:
        with Session(self.target) as session:
            found = {
                service.key: (
                    service.id,
                    session.scalar(
                        select(func.min(DeclarationVersion.id)).where(
                            DeclarationVersion.service_id == service.id
                        )
                    ),
                )
                for service in session.scalars(select(Service))
            }
        index = 0
        for number in range(self.services):
            service_id, version_id = found[service_key(number)]
            assert version_id is not None
            for back in reversed(range(self.years)):  # oldest first: keys in order of time
                yield Copy(index, number, back, self.span * back, service_id, version_id)
                index += 1

    def _copied(
        self, table: Table, row: dict[str, Any], copy: Copy, dropped: dict[str, set[int]]
    ) -> dict[str, Any] | None:
        name = table.name
        if copy.years_back and name in FINISHED:
            column, states = FINISHED[name]
            if row[column] not in states:
                dropped.setdefault(name, set()).add(row["id"])
                return None
        new = dict(row)
        for key in table.foreign_keys:
            column, target = key.parent.name, key.column.table.name
            value = row[column]
            if value is None:
                continue
            if value in dropped.get(target, ()):
                if not key.parent.nullable:
                    if "id" in row:
                        dropped.setdefault(name, set()).add(row["id"])
                    return None
                new[column] = None
            elif target == "services":
                new[column] = copy.service_id
            elif target == "declaration_versions":
                new[column] = copy.version_id
            elif target in self.strides and target not in COPIED_AS_IS:
                new[column] = value + self._offset(target, copy)
        if "id" in row:
            new["id"] = row["id"] + self._offset(name, copy)
        for column, value in row.items():
            if isinstance(value, dt.date):  # datetimes too
                new[column] = value - copy.shift
        if name in KEYED:
            self._renumber(name, new, copy)
        if name == "monitors":
            new["key"] = f"{row['key']}-{copy.service + 1}" if copy.service else row["key"]
            if row.get("token_digest"):
                new["token_digest"] = f"{row['token_digest'][:-2]}{copy.service:02d}"
        return new

    def _offset(self, table: str, copy: Copy) -> int:
        if table in PER_SERVICE:
            return self.strides[table] * copy.service
        return self.strides[table] * copy.index

    def _renumber(self, name: str, row: dict[str, Any], copy: Copy) -> None:
        """The key of the copy's service and year, numbered on from the copies before."""
        found = KEY.match(row["key"])
        assert found is not None, row["key"]
        year = int(found["year"]) - copy.years_back
        counted = (name, copy.service, year)
        self.numbers[counted] = self.numbers.get(counted, 0) + 1
        number = self.numbers[counted]
        row["year"], row["number"] = year, number
        row["key"] = f"{found['head']}{prefix(copy.service)}-{year}-{number:04d}"


_CATALOGUE = {
    "services",
    "declaration_versions",
    "incident_sequences",
    "problem_sequences",
    "service_request_sequences",
    "change_sequences",
}


def declarations(engine: Engine, services: int) -> None:
    """The Borger.dk declaration once per service, each under its own key and prefix."""
    text = (ROOT / "declarations" / "borger-dk.yaml").read_text(encoding="utf-8")
    with Session(engine) as session:
        for number in range(services):
            own = text.replace("service: borger-dk", f"service: {service_key(number)}", 1)
            own = own.replace("incident_prefix: BDK", f"incident_prefix: {prefix(number)}", 1)
            load_declaration_text(session, own, f"{service_key(number)}.yaml")
        session.commit()


def build(url: str, workdir: Path, *, services: int, years: int, say: Callable[[str], None]) -> int:
    """A database at `url` with `years` of history for `services` services; its row count."""
    demo_file = workdir / f"demo-year-v{VERSION}-{schema_stamp()}.db"
    if not demo_file.exists():
        partial = demo_file.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        source(partial, say)
        partial.rename(demo_file)
    target = make_engine(url)
    upgrade(target)
    declarations(target, services)
    origin = make_engine(f"sqlite:///{demo_file}")
    span = END - months_before(END, MONTHS)
    try:
        rows = Replicator(origin, target, services, years, span).run(say)
        if target.dialect.name == "postgresql":  # plans from fresh statistics, not empty ones
            with target.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        return rows
    finally:
        origin.dispose()
        target.dispose()
