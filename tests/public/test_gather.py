"""What the public site shows of a service, gathered from watch, messages and windows, on
both databases (R10.1, R9.3, R3, R13)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from stabil.catalog.service import service_named
from stabil.declaration.communication import MessageType
from stabil.public.gather import gather
from stabil.public.snapshot import PublicState, ServiceStatus
from stabil.status.service import NewMessage, get_message, post_message, resolve_message
from stabil.watch.confirm import Confirmed
from stabil.watch.daily import daily
from stabil.watch.models import Monitor
from stabil.watch.monitors import NewMonitor, add_monitor
from stabil.watch.recording import Entry, change_state, log_interval
from stabil.watch.states import MonitorKind, Source, State
from stabil.windows.service import NewWindow, plan_window, start_window
from tests.cast import Cast

CPH = ZoneInfo("Europe/Copenhagen")
# The day after the spring DST night (29 March 2026 lasts 23 hours).
NOW = dt.datetime(2026, 3, 30, 12, tzinfo=CPH)
SINCE = dt.datetime(2026, 1, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("services")
Up, Down, Degraded = State.up, State.down, State.degraded
S = PublicState


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CPH)


def watch(session: Session, cast: Cast, part: str | None, state: State = Up) -> Monitor:
    """A monitor of `part` (None: the whole service), in `state` since SINCE."""
    key = f"m-{part or 'all'}-{state.value}"
    new = NewMonitor(key=key, service="borger-dk", kind=MonitorKind.external, part=part)
    monitor = add_monitor(session, cast.operator.user, new, now=SINCE).monitor
    change_state(session, monitor, Confirmed(state, SINCE, {}), Source.event, SINCE)
    return monitor


def say(
    session: Session, cast: Cast, kind: MessageType, *affected: str, title: str = "Fejl"
) -> int:
    new = NewMessage("borger-dk", kind, list(affected), title, "Vi undersøger det.")
    return post_message(session, cast.operator.user, new, now=NOW - dt.timedelta(hours=1)).id


def down(session: Session, start: dt.datetime, end: dt.datetime, part: str | None) -> None:
    service = service_named(session, "borger-dk")
    entry = Entry(service.id, start, end, State.down, Source.import_, part=part, reason="test")
    log_interval(session, entry, NOW)


def states(status: ServiceStatus) -> dict[str, PublicState]:
    return {part.key: part.state for part in status.parts}


def test_a_message_names_the_parts_its_text_names_by_key_or_name_in_either_language(
    session: Session, cast: Cast
) -> None:
    say(session, cast, MessageType.slow, "  log-in med MITID ", "SELF_SERVICE", "Kø i systemet")
    say(session, cast, MessageType.slow, "The front page and the articles")
    say(session, cast, MessageType.slow, "Log-in")  # not a part's name: the whole service
    messages = gather(session, "borger-dk", NOW).active
    assert [item.parts for item in messages] == [[], ["front_page"], ["login", "self_service"]]
    assert messages[2].affected == ["log-in med MITID", "SELF_SERVICE", "Kø i systemet"]


def test_an_unavailable_message_shows_its_part_down_before_a_probe_agrees(
    session: Session, cast: Cast
) -> None:
    for part in ("front_page", "login", "self_service"):
        watch(session, cast, part)
    say(session, cast, MessageType.unavailable, "Log-in med MitID")
    status = gather(session, "borger-dk", NOW)
    assert states(status) == {
        "front_page": S.operational,
        "login": S.major_outage,
        "self_service": S.operational,
        "article_import": S.unknown,  # nothing watches it, nothing speaks of it
    }
    assert status.state is S.major_outage
    login = status.parts[1]
    assert login.since == NOW - dt.timedelta(hours=1)
    assert status.parts[0].since == SINCE
    assert [item.title.da for item in status.active] == ["Fejl"]


def test_the_worst_known_state_wins_and_a_whole_service_monitor_speaks_for_every_part(
    session: Session, cast: Cast
) -> None:
    watch(session, cast, None)
    watch(session, cast, "login", Degraded)
    new = NewMonitor(key="fresh", service="borger-dk", kind=MonitorKind.external, part="login")
    add_monitor(session, cast.operator.user, new, now=SINCE)  # unknown: it says nothing
    say(session, cast, MessageType.partially_unavailable, "self_service")
    status = gather(session, "borger-dk", NOW)
    assert states(status) == {
        "front_page": S.operational,
        "login": S.degraded,
        "self_service": S.partial_outage,
        "article_import": S.operational,
    }
    assert status.state is S.partial_outage


def test_a_part_that_does_not_count_leaves_the_service_state_alone(
    session: Session, cast: Cast
) -> None:
    watch(session, cast, None)
    message = say(session, cast, MessageType.unavailable, "article_import")
    status = gather(session, "borger-dk", NOW)
    assert states(status)["article_import"] is S.major_outage
    assert status.state is S.operational
    # Resolved, the message no longer speaks of the part, and goes to the archive only.
    resolve_message(session, cast.operator.user, get_message(session, message))
    later = gather(session, "borger-dk", NOW)
    assert states(later)["article_import"] is S.operational
    assert later.active == []
    assert [item.state for item in later.messages] == ["resolved"]
    assert [u.kind for u in later.messages[0].updates] == ["posted", "resolved"]


def test_a_window_in_progress_is_maintenance_of_the_parts_it_names(
    session: Session, cast: Cast
) -> None:
    watch(session, cast, None, Down)
    started = NOW.replace(hour=0) + dt.timedelta(days=1)
    plans = [
        (NOW - dt.timedelta(days=3), "Gammel", ()),
        (started, "Kommende", ()),
        (NOW - dt.timedelta(hours=1), "Nu", ("Adgang til selvbetjeningsløsninger",)),
    ]
    windows = []
    for start, title, affected in plans:
        new = NewWindow(
            service="borger-dk",
            kind="short",
            start=start,
            end=start + dt.timedelta(hours=2),
            title=title,
            affected=affected,
            announce=True,
            override_reason="test",
        )
        windows.append(
            plan_window(session, cast.operator.user, new, now=start - dt.timedelta(days=8))
        )
    start_window(session, None, windows[2], now=NOW - dt.timedelta(hours=1))
    status = gather(session, "borger-dk", NOW)
    assert states(status)["self_service"] is S.maintenance
    assert states(status)["login"] is S.major_outage  # the window names another part
    assert [item.title.da for item in status.windows] == ["Nu", "Kommende"]
    assert status.windows[0].parts == ["self_service"]
    assert [item.title.da for item in status.past_windows] == ["Gammel"]
    assert status.windows[1].kind_name.en == "Service window, 2 hours"


def test_the_last_90_days_per_part_with_an_outage_across_midnight_and_the_dst_day(
    session: Session, cast: Cast
) -> None:
    watch(session, cast, "front_page")
    down(
        session,
        at(3, 10, 23, 30),
        at(3, 11, 0, 45),
        "front_page",
    )
    # On the DST night 01:30 CET to 03:30 CEST is one hour; a whole-service outage.
    down(
        session,
        at(3, 29, 1, 30),
        at(3, 29, 3, 30),
        None,
    )
    history = {item.key: item for item in gather(session, "borger-dk", NOW).history}
    front = {bar.day: bar for bar in history["front_page"].days}
    assert len(front) == 90
    assert (min(front), max(front)) == (dt.date(2025, 12, 31), dt.date(2026, 3, 30))
    assert front[dt.date(2026, 1, 9)].state is S.unknown  # before the monitor watched
    assert front[dt.date(2026, 1, 10)].state is S.operational
    assert (front[dt.date(2026, 3, 10)].state, front[dt.date(2026, 3, 10)].downtime_seconds) == (
        S.major_outage,
        1800,
    )
    assert front[dt.date(2026, 3, 11)].downtime_seconds == 2700
    assert front[dt.date(2026, 3, 29)].downtime_seconds == 3600
    login = {bar.day: bar for bar in history["login"].days}
    assert login[dt.date(2026, 3, 29)].state is S.major_outage  # the whole service was down
    assert login[dt.date(2026, 3, 10)].state is S.unknown
    figures = daily(
        session, "borger-dk", ["front_page"], dt.date(2026, 3, 29), dt.date(2026, 3, 30), NOW
    )
    dst, today = figures["front_page"]
    assert dst.measured_seconds == 23 * 3600
    assert today.measured_seconds == 12 * 3600  # up to now
    measured = 79 * 86_400 - 3600 + 12 * 3600  # 10 January to now, less the DST hour
    assert history["front_page"].uptime_percent == round(100 * (1 - 8100 / measured), 4)


def test_this_months_uptime_per_service_period_against_its_target(
    session: Session, cast: Cast
) -> None:
    watch(session, cast, "front_page")
    down(
        session,
        at(3, 10, 10),
        at(3, 10, 10, 30),
        "front_page",
    )
    status = gather(session, "borger-dk", NOW)
    assert status.uptime_month == "2026-03"
    periods = {item.period: item for item in status.uptime}
    assert periods["primary"].name.da == "Primær driftstid"
    assert periods["primary"].downtime_seconds == 1800
    assert periods["primary"].target_percent == 99.7
    assert periods["secondary"].downtime_seconds == 0
    assert periods["primary"].budget_left_seconds == periods["primary"].budget_seconds - 1800
    assert [item.key for item in status.message_types][:3] == [
        "unavailable",
        "partially_unavailable",
        "slow",
    ]
