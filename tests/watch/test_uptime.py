"""Uptime per service period, measured in time from the log, on both databases (R3, R13.2).

March 2026 has the spring DST night (29 March: 31 days less one hour, 743 h) and October 2026
the autumn one (25 October: 745 h); each has 22 working days, 176 h of primary service time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from stabil.catalog.service import service_named
from stabil.watch.availability import Uptime, uptime
from stabil.watch.recording import Entry, log_interval
from stabil.watch.states import Source, State
from stabil.windows.service import NewWindow, plan_window
from tests.cast import Cast

CPH = ZoneInfo("Europe/Copenhagen")
HOUR = 3600
pytestmark = pytest.mark.usefixtures("services")


def at(month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CPH, fold=fold)


def log(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    state: State,
    part: str | None = "front_page",
) -> None:
    service = service_named(session, "borger-dk")
    entry = Entry(service.id, start, end, state, Source.import_, part=part, reason="test")
    log_interval(session, entry, at(12, 1))


def window(
    session: Session,
    cast: Cast,
    start: dt.datetime,
    minutes: int,
    notice: dt.timedelta = dt.timedelta(days=6),
    override_reason: str | None = None,
) -> None:
    """A two-hour-kind window announced `notice` before it starts."""
    new = NewWindow(
        service="borger-dk",
        kind="short",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        title="Opdatering af databasen",
        announce=True,
        override_reason=override_reason,
    )
    plan_window(session, cast.operator.user, new, now=start - notice)


def march(session: Session) -> Uptime:
    return uptime(session, "borger-dk", at(3, 1), at(4, 1), now=at(4, 2))


def figures(result: Uptime, period: str) -> dict[str, object]:
    item = result.periods[period]
    return {
        "period": round(item.period_micros / 1e6),
        "excluded": round(item.excluded_micros / 1e6),
        "unknown": round(item.unknown_micros / 1e6),
        "down": round(item.downtime_micros / 1e6),
        "degraded": round(item.degraded_micros / 1e6),
        "percent": item.uptime_percent,
        "met": item.met,
        "budget": item.budget_seconds,
        "left": item.budget_left_seconds,
    }


def a_march(session: Session, cast: Cast) -> Uptime:
    log(session, at(3, 1), at(3, 20, 20), State.up)
    log(session, at(3, 20, 22), at(4, 1), State.up)  # 20:00-22:00 on 20 March: no data
    log(session, at(3, 3, 9), at(3, 3, 10), State.down)  # Tuesday: primary
    log(session, at(3, 10, 12), at(3, 10, 12, 30), State.degraded)  # primary, not down
    log(session, at(3, 4, 10), at(3, 4, 12), State.down, part="article_import")  # counts not
    log(session, at(3, 7, 1), at(3, 7, 3), State.down)  # in a window announced in time
    window(session, cast, at(3, 7, 1), 120)
    log(session, at(3, 14, 1), at(3, 14, 1, 30), State.down)  # in a window announced late
    window(session, cast, at(3, 14, 1), 60, dt.timedelta(days=1), "Akut sikkerhedsrettelse")
    log(session, at(3, 29, 1, 30), at(3, 29, 3, 30), State.down)  # one hour: clocks skip 2-3
    return march(session)


def test_primary_time_is_measured_apart_with_its_downtime_and_budget(
    session: Session, cast: Cast
) -> None:
    result = a_march(session, cast)
    assert figures(result, "primary") == {
        "period": 176 * HOUR,
        "excluded": 0,
        "unknown": 0,
        "down": HOUR,
        "degraded": 30 * 60,  # beside the figure, not downtime (R3.3)
        "percent": pytest.approx(100 * (1 - 3600 / 633600), abs=1e-5),
        "met": False,
        "budget": 1900,  # 0.3 % of 176 h, 1900.8 s, rounded down
        "left": 1900 - 3600,
    }


def test_secondary_time_leaves_out_the_excused_window_and_the_time_without_data(
    session: Session, cast: Cast
) -> None:
    result = a_march(session, cast)
    measured = (743 - 176) * HOUR - 2 * HOUR - 2 * HOUR
    assert figures(result, "secondary") == {
        "period": (743 - 176) * HOUR,
        "excluded": 2 * HOUR,  # the window announced six days ahead (R3.3)
        "unknown": 2 * HOUR,  # neither up nor down: out of the measured time
        "down": 30 * 60 + HOUR,  # the late window's half hour excuses nothing, and the DST hour
        "degraded": 0,
        "percent": pytest.approx(100 * (1 - 5400 / measured), abs=1e-5),
        "met": True,
        "budget": measured * 3 // 1000,
        "left": measured * 3 // 1000 - 5400,
    }


def test_the_outages_behind_the_figures_say_where_they_come_from(
    session: Session, cast: Cast
) -> None:
    result = a_march(session, cast)
    found = [
        (item.start, item.end, item.state, item.part, item.counts, item.excused)
        for item in result.outages
    ]
    assert found == [
        (at(3, 3, 9), at(3, 3, 10), State.down, "front_page", True, False),
        (at(3, 4, 10), at(3, 4, 12), State.down, "article_import", False, False),
        (at(3, 7, 1), at(3, 7, 3), State.down, "front_page", True, True),
        (at(3, 10, 12), at(3, 10, 12, 30), State.degraded, "front_page", True, False),
        (at(3, 14, 1), at(3, 14, 1, 30), State.down, "front_page", True, False),
        (at(3, 29, 1, 30), at(3, 29, 3, 30), State.down, "front_page", True, False),
    ]
    assert {item.source for item in result.outages} == {Source.import_}
    assert [item.title for item in result.excused] == ["Opdatering af databasen"]


def test_an_interval_across_midnight_is_stored_by_day_and_read_back_as_one(
    session: Session,
) -> None:
    log(session, at(3, 1), at(4, 1), State.up)
    log(session, at(3, 5, 23), at(3, 6, 2), State.down)  # 22:00 to 01:00 UTC
    result = march(session)
    assert [(item.start, item.end) for item in result.outages] == [(at(3, 5, 23), at(3, 6, 2))]
    assert round(result.periods["secondary"].downtime_micros / 1e6) == 3 * HOUR


def test_the_autumn_night_has_an_hour_more_and_its_repeated_hour_counts_once_each(
    session: Session,
) -> None:
    log(session, at(10, 1), at(11, 1), State.up)
    # From 02:15 summer time to 02:15 winter time: one hour, though the clock shows the same.
    log(session, at(10, 25, 2, 15), at(10, 25, 2, 15, fold=1), State.down)
    result = uptime(session, "borger-dk", at(10, 1), at(11, 1), now=at(11, 2))
    assert round(result.periods["primary"].period_micros / 1e6) == 176 * HOUR
    assert round(result.periods["secondary"].period_micros / 1e6) == (745 - 176) * HOUR
    assert round(result.periods["secondary"].downtime_micros / 1e6) == HOUR


def test_a_month_without_data_proves_nothing(session: Session) -> None:
    result = march(session)
    for item in result.periods.values():
        assert item.unknown_micros == item.period_micros
        assert (item.uptime_percent, item.met) == (None, None)


def test_a_month_under_way_is_measured_up_to_now_and_budgeted_whole(session: Session) -> None:
    log(session, at(3, 1), at(3, 16, 12), State.up)
    result = uptime(session, "borger-dk", at(3, 1), at(4, 1), now=at(3, 16, 12))
    primary = result.periods["primary"]
    assert round(primary.period_micros / 1e6) == (10 * 8 + 3.5) * HOUR  # to Monday 12:00
    assert primary.uptime_percent == 100.0
    assert primary.budget_seconds == 176 * HOUR * 3 // 1000  # what the whole month allows
