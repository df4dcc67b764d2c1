"""The demo's watch: monitors of the service's parts and their history, mostly up, with a
realistic handful of outages a month (R3).

Outages last minutes to an hour or two, in primary and in secondary service time; one falls
in a service window that excuses downtime, one is a slow (degraded) spell, one was seen by
no monitor and is entered by hand with its reason, and once the monitors were not watched
for a while (unknown). The last whole month (`reported_month`) has the front page down and
slow in both primary and secondary service time, and down in each of its windows: excused by
the one announced in time, not by the one announced too late (R3.3). The states change
through the same functions the prober and the alert receiver use (stabil.watch.recording), so
the log holds what they would have logged; no incident is opened from them, as the plan
tells the incidents itself.

Its own random source, from the plan's seed: the plan's history stays as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.demo.timing import Month, reported_month
from stabil.watch.confirm import Confirmed
from stabil.watch.models import Monitor, ProbeResult
from stabil.watch.monitors import NewMonitor, add_monitor
from stabil.watch.outages import NewOutage, enter_outage
from stabil.watch.probes import said
from stabil.watch.recording import change_state, lose_track
from stabil.watch.states import MonitorKind, Source, State
from stabil.windows.models import ServiceWindow
from stabil.windows.service import excuses_downtime
from stabil.windows.states import WindowState

SEED_OFFSET = 7_919  # the watch's random source differs from the plan's, from the same seed
PER_MONTH = (2, 6)  # outages a month, over all monitors
DAY = dt.timedelta(days=1)
MANUAL_REASON = (
    "Borgere meldte via Support 1881, at selvbetjeningsløsningerne afviste dem efter log-in. "
    "Overvågningen så det ikke, da forsiden og log-in svarede normalt."
)
RECENT_PROBES = 10


@dataclass(frozen=True, slots=True)
class Watched:
    """A monitor of the demo, and how often its outages come (its share of them)."""

    key: str
    name: str
    kind: MonitorKind
    part: str | None
    weight: int
    target: str | None = None
    degraded_ms: int | None = None
    labels: dict[str, str] = field(default_factory=dict)


# Addresses on 127.0.0.1 with example paths: the demo's prober, if run, probes nothing real.
WATCHED = (
    Watched(
        "forside", "Forsiden", MonitorKind.http, "front_page", 3, "http://127.0.0.1:8081/", 2000
    ),
    Watched(
        "log-in",
        "Log-in med MitID",
        MonitorKind.http,
        "login",
        3,
        "http://127.0.0.1:8082/mitid/status",
    ),
    Watched(
        "selvbetjening",
        "Selvbetjening",
        MonitorKind.http,
        "self_service",
        2,
        "http://127.0.0.1:8083/selvbetjening/status",
    ),
    Watched("artikelimport", "Artikelimport", MonitorKind.heartbeat, "article_import", 2),
    Watched(
        "platform",
        "Platformens alarmer",
        MonitorKind.external,
        None,
        1,
        labels={"service": "borger-dk", "alertname": "BorgerDkPlatformDown"},
    ),
)
# What the prober says of a failure, in its own words (probes.py marks them for translation).
EVIDENCE = {
    MonitorKind.http: (
        {"status_code": 503, "latency_ms": 41, **said("HTTP {status}", status=503)},
        {"latency_ms": 10000, **said("no answer within {seconds} s", seconds="10")},
        {"status_code": 502, "latency_ms": 23, **said("HTTP {status}", status=502)},
        said("cannot connect: {detail}", detail="[Errno 111] Connection refused"),
    ),
    MonitorKind.heartbeat: (said("no call since it was set up"),),
    MonitorKind.external: (
        {"alertname": "BorgerDkPlatformDown", "summary": "Load balancer svarer ikke"},
    ),
}


@dataclass(frozen=True, slots=True)
class Spell:
    """A piece of time a monitor was not up."""

    start: dt.datetime
    end: dt.datetime
    state: State
    evidence: dict[str, Any]


def write_watch(
    session: Session,
    declaration: Declaration,
    users: Mapping[str, User],
    windows: Iterable[ServiceWindow],
    *,
    seed: int,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    """The monitors, set up at `start`, and their history up to `end`."""
    rng = random.Random(seed + SEED_OFFSET)
    operator = users["operator"]
    monitors = {
        item.key: add_monitor(session, users["admin"], _new(declaration, item), now=start).monitor
        for item in WATCHED
        if item.part is None or item.part in {part.key for part in declaration.parts()}
    }
    spells = _spells(rng, declaration, monitors, start, end)
    held = list(windows)
    _special(rng, declaration, monitors, spells, held, start, end)
    month = reported_month(declaration.time.zone, start, end)
    if month is not None and "forside" in monitors:
        _in_month(rng, declaration, spells, held, month)
    gap = _gap(rng, start, end)
    for key, monitor in monitors.items():
        kept = [item for item in spells.get(key, []) if item.end < gap[0] or item.start > gap[1]]
        _live(session, monitor, sorted(kept, key=lambda item: item.start), gap, start, end)
    _enter_by_hand(session, rng, declaration, operator, start, end)
    _recent_probes(session, rng, monitors.values(), end)


def _new(declaration: Declaration, item: Watched) -> NewMonitor:
    return NewMonitor(
        key=item.key,
        service=declaration.key,
        kind=item.kind,
        name=item.name,
        part=item.part,
        target=item.target,
        expected_status=[200] if item.kind is MonitorKind.http else [],
        degraded_ms=item.degraded_ms,
        interval_seconds=900 if item.kind is MonitorKind.heartbeat else 60,
        grace_seconds=300,
        labels=item.labels,
    )


def _spells(
    rng: random.Random,
    declaration: Declaration,
    monitors: Mapping[str, Monitor],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[str, list[Spell]]:
    """A handful of outages a month, half of them on working days' hours, each given to a
    monitor by its weight."""
    keys = [item.key for item in WATCHED if item.key in monitors]
    weights = [item.weight for item in WATCHED if item.key in monitors]
    kinds = {item.key: item.kind for item in WATCHED}
    zone = declaration.time.zone
    found: dict[str, list[Spell]] = {}
    month = start
    while month < end:
        following = min(month + dt.timedelta(days=30), end)
        for _ in range(rng.randint(*PER_MONTH)):
            key = rng.choices(keys, weights)[0]
            at = _instant(rng, month, following, zone, working=rng.random() < 0.5)
            minutes = rng.uniform(60, 120) if rng.random() < 0.15 else rng.uniform(2, 45)
            lasted = dt.timedelta(seconds=round(minutes * 60))
            stop = min(at + lasted, end - dt.timedelta(hours=1))
            if at < stop:
                evidence = rng.choice(EVIDENCE[kinds[key]])
                found.setdefault(key, []).append(Spell(at, stop, State.down, evidence))
        month = following
    return found


def _instant(
    rng: random.Random, first: dt.datetime, last: dt.datetime, zone: Any, *, working: bool
) -> dt.datetime:
    """A minute in `[first, last)`: on a weekday between 9 and 16 local time (primary
    service time), or at any time."""
    for _ in range(20):
        at = first + (last - first) * rng.random()
        if not working:
            return at.replace(second=0, microsecond=0)
        local = at.astimezone(zone)
        if local.weekday() < 5:
            hour = rng.uniform(9, 15.5)
            day = dt.datetime.combine(local.date(), dt.time(), zone)
            candidate = (day + dt.timedelta(hours=hour)).astimezone(dt.UTC)
            if first <= candidate < last:
                return candidate.replace(second=0, microsecond=0)
    return first


def _special(
    rng: random.Random,
    declaration: Declaration,
    monitors: Mapping[str, Monitor],
    spells: dict[str, list[Spell]],
    windows: list[ServiceWindow],
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    """The outage during a window that excuses it, and the front page's slow spell."""
    held = [
        window
        for window in windows
        if window.state == WindowState.completed.value and excuses_downtime(window)
    ]
    if held and "forside" in monitors:
        window = held[0]
        at = window.planned_start + dt.timedelta(minutes=10)
        stop = min(at + dt.timedelta(minutes=25), window.planned_end)
        evidence = {"status_code": 503, "latency_ms": 38, **said("HTTP {status}", status=503)}
        spells.setdefault("forside", []).append(Spell(at, stop, State.down, evidence))
    if "forside" in monitors:
        middle = start + (end - start) * 0.6
        at = _instant(
            rng, middle, middle + dt.timedelta(days=5), declaration.time.zone, working=True
        )
        evidence = {
            "status_code": 200,
            "latency_ms": 3400,
            **said("answered in {latency} ms, slower than {limit} ms", latency=3400, limit=2000),
        }
        slow = Spell(at, at + dt.timedelta(minutes=50), State.degraded, evidence)
        spells.setdefault("forside", []).append(slow)


def _in_month(
    rng: random.Random,
    declaration: Declaration,
    spells: dict[str, list[Spell]],
    windows: list[ServiceWindow],
    month: Month,
) -> None:
    """The front page in the reported month: down and slow on working days' hours (primary
    service time) and in the evenings (secondary), and down in each window held in it. The
    other outages of the front page that would overlap these make way for them."""
    zone, clock = declaration.time.zone, clock_for(declaration)
    first = month.start.astimezone(zone).date()
    days = [first + dt.timedelta(days=n) for n in range(7, 26)]
    working = [day for day in days if clock.is_working_day(day)]
    if len(working) < 4:
        return
    down = {"status_code": 503, "latency_ms": 38, **said("HTTP {status}", status=503)}
    slow = {
        "status_code": 200,
        "latency_ms": 3100,
        **said("answered in {latency} ms, slower than {limit} ms", latency=3100, limit=2000),
    }
    told = [
        _spell(zone, working[0], 11.0, rng.randint(3, 6), State.down, down),
        _spell(zone, working[1], 20.5, rng.randint(20, 50), State.down, down),
        _spell(zone, working[2], 13.25, rng.randint(4, 8), State.degraded, slow),
        _spell(zone, working[3], 21.0, rng.randint(30, 60), State.degraded, slow),
    ]
    for window in windows:
        if window.state == WindowState.completed.value and month.holds(window.planned_start):
            at = window.planned_start + dt.timedelta(minutes=10)
            stop = min(at + dt.timedelta(minutes=20), window.planned_end)
            told.append(Spell(at, stop, State.down, down))
    others = [
        item
        for item in spells.get("forside", [])
        if not any(item.start < mine.end and mine.start < item.end for mine in told)
    ]
    spells["forside"] = others + told


def _spell(
    zone: Any, day: dt.date, hours: float, minutes: int, state: State, evidence: dict[str, Any]
) -> Spell:
    at = dt.datetime.combine(day, dt.time(), zone) + dt.timedelta(hours=hours)
    start = at.astimezone(dt.UTC)
    return Spell(start, start + dt.timedelta(minutes=minutes), state, evidence)


def _gap(
    rng: random.Random, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """A while in which the prober did not run: the probed monitors' state was unknown."""
    at = start + (end - start) * rng.uniform(0.3, 0.5)
    at = at.replace(second=0, microsecond=0)
    return at, at + dt.timedelta(minutes=rng.randint(15, 40))


def _live(
    session: Session,
    monitor: Monitor,
    spells: list[Spell],
    gap: tuple[dt.datetime, dt.datetime],
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    """The monitor's states from `start`, changed as its source would have changed them; in
    the gap nothing watched it (Stabil itself was down), so its state was unknown."""
    source = Source.alertmanager if monitor.kind == MonitorKind.external.value else Source.probe
    ok = {"status_code": 200} if monitor.kind == MonitorKind.http.value else {}
    change_state(session, monitor, Confirmed(State.up, start, ok), source, start)
    last, watched = start, True
    for spell in spells:
        if watched and gap[0] < spell.start:
            lose_track(session, monitor, gap[0], gap[1])
            change_state(session, monitor, Confirmed(State.up, gap[1], ok), source, gap[1])
            last, watched = gap[1], False
        if spell.start <= last:
            continue  # one outage at a time
        seen = Confirmed(spell.state, spell.start, spell.evidence)
        change_state(session, monitor, seen, source, spell.start + dt.timedelta(minutes=3))
        back = Confirmed(State.up, spell.end, ok)
        change_state(session, monitor, back, source, spell.end + dt.timedelta(minutes=2))
        last = spell.end
    if watched:
        lose_track(session, monitor, gap[0], gap[1])
        change_state(session, monitor, Confirmed(State.up, gap[1], ok), source, gap[1])
    if monitor.kind == MonitorKind.heartbeat.value:
        monitor.last_heartbeat_at = end - dt.timedelta(minutes=4)  # as its last call set it


def _enter_by_hand(
    session: Session,
    rng: random.Random,
    declaration: Declaration,
    operator: User,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    """An outage of the self-service solutions no monitor saw, entered the next morning."""
    if "self_service" not in {part.key for part in declaration.parts()}:
        return
    middle = start + (end - start) * 0.75
    at = _instant(rng, middle, middle + dt.timedelta(days=7), declaration.time.zone, working=True)
    outage = NewOutage(
        service=declaration.key,
        start=at,
        end=at + dt.timedelta(minutes=35),
        state=State.down,
        reason=MANUAL_REASON,
        part="self_service",
    )
    enter_outage(session, operator, outage, now=min(at + DAY, end))


def _recent_probes(
    session: Session, rng: random.Random, monitors: Iterable[Monitor], end: dt.datetime
) -> None:
    """The last probes the monitors' pages show; older results would have been dropped.
    Written as the prober writes them: there is no service function for a raw result."""
    for monitor in monitors:
        if monitor.kind not in (MonitorKind.http.value, MonitorKind.tcp.value):
            continue
        session.add_all(
            ProbeResult(
                monitor_id=monitor.id,
                at=(end - dt.timedelta(minutes=minute)).replace(microsecond=0),
                outcome=State.up.value,
                latency_ms=rng.randint(60, 320),
                status_code=200,
            )
            for minute in range(RECENT_PROBES)
        )
