"""A month whose every figure is known in advance: March 2026 for Borger.dk, on both databases.

Incidents are reported through the API with `detected_at`, and moved with `at` on the edges,
while the clock stands at the moment each step was entered. Borger.dk counts primary service
time, Monday-Friday 08:30-16:30; March 2026 has no holiday, and the clocks go forward on
Sunday 29 March. The report is made on 15 April.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.catalog.service import service_named
from stabil.declaration.communication import MessageType
from stabil.desk.models import Incident
from stabil.desk.review import save_review, submit_review
from stabil.reports.period import Kind
from stabil.reports.service import report_asked
from stabil.status.service import NewMessage, post_message
from stabil.watch.recording import Entry, log_interval
from stabil.watch.states import Source, State
from stabil.windows.service import NewWindow, plan_window
from tests.cast import Cast, headers

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 15, 12, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("services")


def local(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=CPH)


class Desk:
    """Steps entered through the API, each at the moment the clock is moved to."""

    def __init__(self, client: TestClient, cast: Cast, clock: time_machine.Coordinates) -> None:
        self.client, self.cast, self.clock = client, cast, clock

    def report(self, detected: dt.datetime, priority: int, title: str) -> str:
        self.clock.move_to(detected + dt.timedelta(minutes=2))
        body = {
            "service": "borger-dk",
            "title": title,
            "detected_at": detected.isoformat(),
            "impact": {"users_affected_percent": 90 if priority == 1 else 5},
            "priority": priority,
            "priority_reason": "Sat af servicedesken efter aftale med leverandøren",
        }
        answer = self.client.post(
            "/api/v1/incidents", json=body, headers=headers(self.cast.operator)
        )
        assert answer.status_code == 201, answer.text
        key: str = answer.json()["key"]
        return key

    def step(self, key: str, to: str, at: dt.datetime, **extra: Any) -> None:
        self.clock.move_to(at + dt.timedelta(minutes=3))
        body = {"to": to, "at": at.isoformat(), **extra}
        answer = self.client.post(
            f"/api/v1/incidents/{key}/transitions", json=body, headers=headers(self.cast.operator)
        )
        assert answer.status_code == 200, answer.text


def message(session: Session, cast: Cast, key: str, at: dt.datetime) -> None:
    new = NewMessage(
        service="borger-dk",
        type=MessageType("unavailable"),
        affected=["Log-in"],
        title="Log-in nede",
        body="Vi arbejder på sagen.",
        incidents=[key],
    )
    post_message(session, cast.operator.user, new, now=at)


def incident(session: Session, key: str) -> Incident:
    return session.query(Incident).filter_by(key=key).one()


@pytest.fixture
def march(
    session: Session, cast: Cast, client: TestClient, frozen: time_machine.Coordinates
) -> dict[str, str]:
    desk = Desk(client, cast, frozen)
    keys: dict[str, str] = {}
    # A: P1, handed over at exactly the reaction deadline (10:15:00): met (R7.5). Resolved
    # after an hour; its post-review report is sent on time (R9.7).
    keys["A"] = desk.report(local(3, 3, 10), 1, "Log-in svarer ikke")
    message(session, cast, keys["A"], local(3, 3, 10, 30))  # first message on time (R14.2)
    desk.step(keys["A"], "handed_over", local(3, 3, 10, 15), party="supplier-a")
    desk.step(keys["A"], "resolved", local(3, 3, 11))
    frozen.move_to(local(3, 10, 9))
    review_a = incident(session, keys["A"])
    save_review(session, cast.operator.user, review_a, report="Tidslinje ...", actions=[])
    submit_review(session, cast.operator.user, review_a)
    # B: P1, handed over one second after its deadline: missed by a second. First message
    # 10 minutes late, then an update in time; no review report (missing, overdue).
    keys["B"] = desk.report(local(3, 4, 10), 1, "Selvbetjening fejler")
    desk.step(keys["B"], "handed_over", local(3, 4, 10, 15, 1), party="supplier-a")
    message(session, cast, keys["B"], local(3, 4, 11, 10))
    message(session, cast, keys["B"], local(3, 4, 12))
    desk.step(keys["B"], "resolved", local(3, 4, 13))
    # C: P2, reacted to in time; its resolution (480 min) passed its target on Tuesday 31
    # March 09:00 and it was resolved on 1 April: a miss of March, not of April.
    keys["C"] = desk.report(local(3, 30, 9), 2, "Artikler vises ikke")
    desk.step(keys["C"], "handed_over", local(3, 30, 10), party="supplier-a")
    # D: P3, resolved, reopened and resolved again: its clocks go on from where they
    # stopped (R7.4), met, decided at the second resolution.
    keys["D"] = desk.report(local(3, 10, 9), 3, "Forkert tekst på forsiden")
    desk.step(keys["D"], "handed_over", local(3, 10, 9, 30), party="supplier-a")
    desk.step(keys["D"], "resolved", local(3, 11, 10))
    desk.step(keys["D"], "reopened", local(3, 12, 10))
    desk.step(keys["D"], "resolved", local(3, 13, 10))
    # E: cancelled: counts nowhere.
    keys["E"] = desk.report(local(3, 5, 9), 2, "Dobbeltregistrering")
    desk.step(keys["E"], "cancelled", local(3, 5, 12), reason="Samme fejl som en anden sag")
    # F: P4, never handed over: its reaction (4 working days) passed its target on Tuesday
    # 31 March 10:00 while it still ran.
    keys["F"] = desk.report(local(3, 25, 10), 4, "Stavefejl i en artikel")
    desk.step(keys["C"], "resolved", local(4, 1, 10))
    windows_and_outages(session, cast, frozen)
    frozen.move_to(NOW)
    return keys


def windows_and_outages(session: Session, cast: Cast, clock: time_machine.Coordinates) -> None:
    """Up all month but for outages in both periods, one inside a window announced with
    notice (excused) and one inside a window announced too late (flagged, R13, R3.3)."""
    clock.move_to(local(3, 31, 12))
    service = service_named(session, "borger-dk")
    everything = Entry(service.id, local(3, 1, 0), local(4, 1, 0), State.up, Source.probe)
    log_interval(session, everything, local(4, 1, 0))
    on_time = NewWindow(
        "borger-dk", "short", local(3, 15, 1), local(3, 15, 3), "Opdatering",
        announce=True, announced_at=local(3, 10, 12),
    )  # fmt: skip
    late = NewWindow(
        "borger-dk", "medium", local(3, 21, 1), local(3, 21, 5), "Hasteopdatering",
        announce=True, announced_at=local(3, 18, 12), override_reason="Sikkerhedsrettelse",
    )  # fmt: skip
    plan_window(session, cast.operator.user, on_time, local(3, 10, 12))
    plan_window(session, cast.operator.user, late, local(3, 18, 12))
    outages = [
        ("login", local(3, 12, 10), local(3, 12, 10, 30)),  # Thursday, primary: 30 minutes
        (None, local(3, 14, 3), local(3, 14, 4)),  # Saturday night, secondary: an hour
        (None, local(3, 15, 1, 30), local(3, 15, 2)),  # inside the announced window
        (None, local(3, 21, 2), local(3, 21, 2, 30)),  # inside the late window: downtime
    ]
    for part, start, end in outages:
        entry = Entry(service.id, start, end, State.down, Source.manual, part=part, reason="Nede")
        log_interval(session, entry, local(3, 31, 12))
    session.commit()


def share(met: int, total: int, goal: float, percent: float | None, ok: bool | None) -> Any:
    return {"met": met, "total": total, "percent": percent, "goal_percent": goal, "goal_met": ok}


def test_every_figure_of_the_month_is_the_one_worked_out_by_hand(
    session: Session, march: dict[str, str]
) -> None:
    report = report_asked(session, "borger-dk", Kind.month, "2026-03", NOW).contract()
    assert (report["service"], report["from"], report["to"], report["declaration_version"]) == (
        "borger-dk",
        "2026-03-01T00:00:00+01:00",
        "2026-04-01T00:00:00+02:00",
        "1.0",
    )
    # Reaction, all priorities pooled (R7.5): A (at the second), C and D met; B (a second
    # late) and F (still waiting on 31 March 10:00) missed; E cancelled.
    assert report["reaction"] == share(3, 5, 90, 60.0, False)
    # Resolution per priority (R7.6): C missed in March though resolved in April; no P4
    # was decided, which proves nothing either way.
    assert report["resolution"] == {
        "1": share(2, 2, 95, 100.0, True),
        "2": share(0, 1, 95, 0.0, False),
        "3": share(1, 1, 95, 100.0, True),
        "4": share(0, 0, 95, None, None),
    }
    # Start time (R4.1): A after 900 s, B after 901 s: 15.008 minutes, over the goal of 15.
    assert report["start_time"] == {
        "count": 2,
        "average_minutes": 15.01,
        "goal_minutes": 15.0,
        "goal_met": False,
        "waiting": 0,
    }
    # Orientation (R14): A's first message on time; B's ten minutes late, its update in time.
    assert report["orientation"] == {
        "first_on_time": 1,
        "first_total": 2,
        "updates_on_time": 1,
        "updates_total": 1,
    }
    misses = {(row["incident"], row["timer"]) for row in report["evidence"]["reaction"]}
    assert misses == {(march[name], "reaction") for name in "ABCDF"}
    missed_b = next(row for row in report["evidence"]["reaction"] if row["incident"] == march["B"])
    assert (missed_b["met"], missed_b["due_at"], missed_b["stopped_at"]) == (
        False,
        "2026-03-04T10:15:00+01:00",
        "2026-03-04T10:15:01+01:00",
    )
    assert missed_b["over_by_minutes"] == round(1 / 60, 2)
    missed_c = next(
        row for row in report["evidence"]["resolution"] if row["incident"] == march["C"]
    )
    assert (missed_c["decided_at"], missed_c["stopped_at"]) == (
        "2026-03-31T09:00:00+02:00",
        "2026-04-01T10:00:00+02:00",
    )


def test_majors_windows_availability_and_backlog_of_the_month(
    session: Session, march: dict[str, str], client: TestClient, cast: Cast
) -> None:
    report = report_asked(session, "borger-dk", Kind.month, "2026-03", NOW).contract()
    majors = {item["incident"]: item["review"] for item in report["majors"]}
    assert set(majors) == {march["A"], march["B"]}
    assert (majors[march["A"]]["state"], majors[march["A"]]["on_time"]) == ("submitted", True)
    assert (majors[march["B"]]["state"], majors[march["B"]]["on_time"]) == ("missing", False)
    assert majors[march["B"]]["due_at"] == "2026-03-18T13:00:00+01:00"  # 14 days (R9.7)
    windows = report["windows"]
    assert {key: (w["in_period"], w["used_in_year"], w["left"], w["non_compliant"])
            for key, w in windows.items()} == {
        "short": (1, 1, 3, 0),
        "medium": (1, 1, 3, 1),
        "long": (0, 0, 4, 0),
        "unplanned": (0, 0, 4, 0),
    }  # fmt: skip
    late = next(row for row in report["evidence"]["windows"] if not row["compliant"])
    assert late["title"] == "Hasteopdatering"
    assert late["problems"]
    # Availability is the uptime API's answer for the month, figure for figure (R3).
    uptime = client.get(
        "/api/v1/services/borger-dk/uptime?month=2026-03", headers=headers(cast.viewer)
    ).json()
    assert report["availability"] == uptime["periods"]
    assert report["availability"]["primary"]["downtime_seconds"] == 1800
    assert report["availability"]["secondary"]["downtime_seconds"] == 5400
    assert report["availability"]["secondary"]["excluded_seconds"] == 7200
    # Open at the month's end: C (handed over, resolved only in April) and F.
    assert report["backlog"]["2"]["count"] == report["backlog"]["4"]["count"] == 1
    assert report["backlog"]["1"]["count"] == report["backlog"]["3"]["count"] == 0
    assert {row["incident"] for row in report["evidence"]["backlog"]} == {march["C"], march["F"]}
    # April decides nothing of March's again: C's miss is March's alone.
    april = report_asked(session, "borger-dk", Kind.month, "2026-04", NOW).contract()
    assert april["resolution"]["2"] == share(0, 0, 95, None, None)
    assert april["backlog"]["2"]["count"] == 0


def test_an_empty_month_proves_nothing(session: Session) -> None:
    report = report_asked(session, "borger-dk", Kind.month, "2025-06", NOW).contract()
    assert report["reaction"] == share(0, 0, 90, None, None)
    assert report["start_time"]["goal_met"] is None
    assert report["penalties"] is None


def test_the_weekly_report_holds_the_week_only(session: Session, march: dict[str, str]) -> None:
    report = report_asked(session, "borger-dk", Kind.week, "2026-W10", NOW).contract()  # 2-8 March
    assert (report["from"], report["to"], report["kind"]) == (
        "2026-03-02T00:00:00+01:00",
        "2026-03-09T00:00:00+01:00",
        "week",
    )
    assert report["reaction"] == share(1, 2, 90, 50.0, False)  # A met, B a second late
    assert report["trends"] == []
    assert {item["incident"] for item in report["majors"]} == {march["A"], march["B"]}
