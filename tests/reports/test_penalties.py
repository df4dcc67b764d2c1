"""The example SLA's own figures: reaction per priority, a quarter's goal, and penalty points
by its rules (points per started 0.1 % below target, a rule's cap, the month's cap)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from stabil.catalog.service import service_named
from stabil.desk import transitions
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.reports.period import Kind
from stabil.reports.service import report_asked
from stabil.watch.recording import Entry, log_interval
from stabil.watch.states import Source, State
from tests.cast import Cast

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 15, 12, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("services")
# Business hours in March 2026: 18 days Monday-Thursday of 10 hours, 4 Fridays of 8.
BUSINESS_SECONDS = (18 * 10 + 4 * 8) * 3600


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=CPH)


def test_the_example_sla_gets_its_own_figures_and_penalty_points(
    session: Session, cast: Cast
) -> None:
    service = service_named(session, "example-webservice")
    up = Entry(service.id, local(1, 0), dt.datetime(2026, 4, 1, tzinfo=CPH), State.up, Source.probe)
    log_interval(session, up, NOW)
    # 0.75 % of business time down: 99.25 % against 99.5 %, 0.25 short, 3 started steps of
    # 0.1, 2 points each: 6 (the rule's cap is 10).
    down_seconds = BUSINESS_SECONDS * 75 // 10_000
    start = local(10, 9)
    down = Entry(
        service.id, start, start + dt.timedelta(seconds=down_seconds), State.down, Source.manual
    )
    log_interval(session, down, NOW)
    # A P2 handed over after 30 minutes (its reaction of 2 hours met) and resolved after 14
    # business hours (its resolution of 1 working day, 10 hours, missed): 1 point.
    new = NewIncident(
        "example-webservice", "API'et svarer langsomt", "", Impact(users_affected_percent=20),
        priority=2, priority_reason="Vurderet af servicedesken",
    )  # fmt: skip
    incident = open_incident(session, cast.operator.user, new, now=local(2, 8))
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", now=local(2, 8, 30)
    )
    transitions.resolve(session, cast.operator.user, incident, now=local(3, 12))
    session.commit()

    report = report_asked(session, "example-webservice", Kind.month, "2026-03", NOW).contract()
    assert report["reaction"]["2"] == {
        "met": 1, "total": 1, "percent": 100.0, "goal_percent": 95, "goal_met": True,
    }  # fmt: skip
    assert report["resolution"] == {
        "met": 0, "total": 1, "percent": 0.0, "goal_percent": 90, "goal_met": False,
    }  # fmt: skip
    quarter = next(goal for goal in report["goals"] if goal["priorities"] == [5])
    assert (quarter["period"], quarter["from"], quarter["to"]) == (
        "quarter",
        "2026-01-01T00:00:00+01:00",
        "2026-04-01T00:00:00+02:00",
    )
    assert report["availability"]["business"]["uptime_percent"] == 99.25
    assert report["penalties"] == {
        "lines": [
            {"measure": "availability", "applies_to": "business", "missed": True,
             "shortfall_percent": 0.25, "points": 6},
            {"measure": "timer_goal", "applies_to": "resolution", "missed": True,
             "shortfall_percent": 90.0, "points": 1},
            {"measure": "response_time", "applies_to": "calls_under_2s", "missed": None,
             "shortfall_percent": None, "points": 0},
        ],
        "points_before_cap": 7,
        "cap": 20,
        "points": 7,
    }  # fmt: skip
    assert report["response_times"][0]["calls"] == 0  # no probe measured a call
    assert report["start_time"] is None  # the example sets no average goal
