"""The prober against real targets on 127.0.0.1 that go down and come back, on both
databases: confirmation counts, an outage from its first failed probe, unknown across a
restart, heartbeats, the schedule, and old results dropped (R3).

The steps are driven with explicit instants (a probe, then a write), so that minutes of
monitoring take milliseconds; one test runs the real loop for two seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.desk.models import Incident
from stabil.watch.models import Monitor, ProbeResult, StateInterval
from stabil.watch.monitors import NewMonitor, add_monitor, remove_monitor
from stabil.watch.prober import AdvisoryLock, Prober, next_due, phase
from stabil.watch.results import drop_old_results
from stabil.watch.states import MonitorKind, Source, State
from stabil.worker.runner import units_of
from tests.cast import Cast
from tests.watch.targets import Switchable, serving

T0 = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def site() -> Iterator[Switchable]:
    target = Switchable()
    target.up()
    yield target
    target.down()


def monitor(session: Session, cast: Cast, key: str, **values: Any) -> Monitor:
    values.setdefault("kind", MonitorKind.http)
    new = NewMonitor(key=key, service="borger-dk", **values)
    return add_monitor(session, cast.operator.user, new, now=T0).monitor


class Driver:
    """A prober driven by hand: probe at minute n, then write, as the loop would."""

    def __init__(self, session: Session) -> None:
        self.clock = Clock()
        self.prober = Prober(units=units_of(session), clock=self.clock)

    def start(self, minute: float) -> None:
        self.clock.now = T0 + dt.timedelta(minutes=minute)
        self.prober.start_up()

    async def probe(self, item: Monitor, minute: float) -> None:
        self.clock.now = T0 + dt.timedelta(minutes=minute)
        await self.prober.probe(item.id, self.clock.now)
        self.prober.write()


def minute(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def log_of(session: Session, item: Monitor) -> list[tuple[dt.datetime, dt.datetime, str]]:
    rows = session.execute(
        select(StateInterval.start, StateInterval.end, StateInterval.state)
        .where(StateInterval.monitor_id == item.id)
        .order_by(StateInterval.start)
    ).all()
    return [(start, end, state) for start, end, state in rows]


@pytest.mark.usefixtures("services")
def test_an_outage_is_confirmed_after_n_failures_from_the_first_and_ends_after_m_successes(
    session: Session, cast: Cast, site: Switchable
) -> None:
    front = monitor(session, cast, "front", target=site.url(), fail_after=3, recover_after=2)
    driver = Driver(session)

    async def watch() -> None:
        driver.start(0)
        await driver.probe(front, 0)
        assert (front.state, front.state_since) == (State.up, minute(0))
        site.down()
        await driver.probe(front, 1)
        await driver.probe(front, 2)
        assert front.state == State.up  # two failures are not an outage yet
        await driver.probe(front, 3)
        assert (front.state, front.state_since) == (State.down, minute(1))
        assert front.state_evidence["error"].startswith("cannot connect")
        site.up()
        await driver.probe(front, 4)
        assert front.state == State.down  # one good probe is not a recovery yet
        await driver.probe(front, 5)
        assert (front.state, front.state_since) == (State.up, minute(4))
        await driver.prober.close()

    asyncio.run(watch())
    assert log_of(session, front) == [
        (minute(0), minute(1), State.up),
        (minute(1), minute(4), State.down),
    ]
    incident = session.get(Incident, front.incident_id) if front.incident_id else None
    assert incident is None  # recovered: the monitor let go of the incident it opened
    opened = session.scalar(select(Incident).where(Incident.detected_at == minute(1)))
    assert opened is not None
    results = session.scalars(
        select(ProbeResult.outcome).where(ProbeResult.monitor_id == front.id)
    ).all()
    assert Counter(results) == {"up": 3, "down": 3}


@pytest.mark.usefixtures("services")
def test_the_time_the_prober_was_not_running_is_unknown(
    session: Session, cast: Cast, site: Switchable
) -> None:
    front = monitor(session, cast, "front", target=site.url(), fail_after=2)
    first = Driver(session)

    async def before() -> None:
        first.start(0)
        await first.probe(front, 0)
        await first.probe(front, 1)
        await first.prober.close()

    asyncio.run(before())
    # The prober stops after its probe at minute 1 and starts again at minute 9.
    again = Driver(session)

    async def after() -> None:
        again.start(9)
        assert (front.state, front.state_since) == (State.unknown, minute(1))
        await again.probe(front, 9)
        await again.prober.close()

    asyncio.run(after())
    assert (front.state, front.state_since) == (State.up, minute(9))
    assert log_of(session, front) == [
        (minute(0), minute(1), State.up),
        (minute(1), minute(9), State.unknown),
    ]


@pytest.mark.usefixtures("services")
def test_slow_answers_make_the_monitor_degraded_and_a_broken_target_down(
    session: Session, cast: Cast, site: Switchable
) -> None:
    slow = monitor(session, cast, "slow", target=site.url("/slow"), degraded_ms=50, fail_after=2)
    loop = monitor(session, cast, "loop", target=site.url("/loop"), fail_after=1)
    driver = Driver(session)

    async def watch() -> None:
        driver.start(0)
        await driver.probe(slow, 0)
        assert slow.state == State.unknown  # one slow answer: not confirmed yet
        await driver.probe(slow, 1)
        await driver.probe(loop, 1)
        await driver.prober.close()

    asyncio.run(watch())
    assert (slow.state, slow.state_since) == (State.degraded, minute(0))
    assert slow.state_evidence["latency_ms"] >= 150
    assert (loop.state, loop.state_evidence["error"]) == (State.down, "more than 5 redirects")


@pytest.mark.usefixtures("services")
def test_a_heartbeat_overdue_is_down_from_when_it_was_due_and_up_from_the_next_call(
    session: Session, cast: Cast
) -> None:
    beat = monitor(
        session, cast, "nightly", kind=MonitorKind.heartbeat, interval_seconds=60, grace_seconds=30
    )
    driver = Driver(session)

    async def watch() -> None:
        driver.start(1)
        await driver.probe(beat, 1)
        assert beat.state == State.unknown  # set up a minute ago: not due yet
        await driver.probe(beat, 2)
        assert (beat.state, beat.state_since) == (State.down, T0 + dt.timedelta(seconds=90))
        beat.last_heartbeat_at = minute(3)  # the call, as the API records it
        session.commit()
        await driver.probe(beat, 3.5)
        assert (beat.state, beat.state_since) == (State.up, minute(3))
        await driver.prober.close()

    asyncio.run(watch())
    at = session.scalars(select(ProbeResult.at).where(ProbeResult.monitor_id == beat.id)).all()
    assert sorted(at) == [minute(2), minute(3.5)]


@pytest.mark.usefixtures("services")
def test_monitors_added_and_removed_are_picked_up(session: Session, cast: Cast) -> None:
    first = monitor(session, cast, "first", kind=MonitorKind.tcp, target="127.0.0.1:9")
    driver = Driver(session)
    driver.start(0)
    assert set(driver.prober.specs) == {first.id}
    second = monitor(session, cast, "second", kind=MonitorKind.tcp, target="127.0.0.1:9")
    remove_monitor(session, cast.operator.user, first, now=minute(1))
    session.commit()
    driver.prober.write()  # not yet: the monitors are looked at every few seconds
    assert set(driver.prober.specs) == {first.id}
    driver.prober._reloaded -= driver.prober.reload_seconds
    driver.prober.write()
    assert set(driver.prober.specs) == {second.id}


@pytest.mark.usefixtures("services")
def test_the_loop_probes_on_schedule_and_stops_cleanly(session: Session, cast: Cast) -> None:
    with serving() as target:
        url = f"http://127.0.0.1:{target.port}"
        items = [
            monitor(session, cast, "ok", target=f"{url}/"),
            monitor(session, cast, "garbage", target=f"{url}/garbage", fail_after=1),
            monitor(session, cast, "hang", target=f"{url}/hang", fail_after=1),
            monitor(session, cast, "port", kind=MonitorKind.tcp, target=f"127.0.0.1:{target.port}"),
        ]
        for item in items:
            item.interval_seconds, item.timeout_seconds = 1, 0.5
        session.commit()
        prober = Prober(units=units_of(session))
        thread = threading.Thread(target=asyncio.run, args=(prober.run(),))
        thread.start()
        threading.Event().wait(2.3)
        prober.stop()
        thread.join(10)
        assert not thread.is_alive()
    counts = Counter(
        session.scalars(
            select(ProbeResult.monitor_id).where(ProbeResult.monitor_id.in_([i.id for i in items]))
        )
    )
    assert all(counts[item.id] >= 2 for item in items), counts
    assert prober.lateness.count == sum(counts.values())
    assert prober.lateness.worst < 1.0  # the target at 10,000 monitors (bench/watch.py)
    states = {item.key: (item.state, item.state_source) for item in items}
    assert states == {
        "ok": (State.up, Source.probe),
        "garbage": (State.down, Source.probe),
        "hang": (State.down, Source.probe),
        "port": (State.up, Source.probe),
    }


def test_phases_spread_ten_thousand_monitors_evenly_over_their_interval() -> None:
    per_second = Counter(int(phase(monitor_id, 60)) for monitor_id in range(1, 10_001))
    assert len(per_second) == 60
    assert max(per_second.values()) - min(per_second.values()) <= 5
    wall = T0.timestamp() + 0.5
    due = next_due(7, 60, wall)
    assert wall <= due < wall + 60
    assert (due - phase(7, 60)) % 60 == 0


@pytest.mark.usefixtures("services")
def test_raw_results_older_than_the_retention_are_dropped_in_one_statement(
    session: Session, cast: Cast
) -> None:
    item = monitor(session, cast, "kept", kind=MonitorKind.tcp, target="127.0.0.1:9")
    now = now_utc()
    rows = [
        {"monitor_id": item.id, "at": now - dt.timedelta(days=days), "outcome": "up"}
        for days in (0, 6, 8, 30)
    ]
    session.execute(insert(ProbeResult), rows)
    assert drop_old_results(session, now - dt.timedelta(days=7)) == 2
    left = session.scalar(select(func.count()).where(ProbeResult.monitor_id == item.id))
    assert left == 2


@pytest.mark.postgresql
def test_only_one_prober_holds_the_lock_on_postgresql(postgresql_engine: Engine) -> None:
    first, second = AdvisoryLock(postgresql_engine, 4242), AdvisoryLock(postgresql_engine, 4242)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.held()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()
