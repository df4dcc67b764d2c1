"""A month whose every figure is known in advance: March 2026 for Borger.dk, on both databases.

Incidents are reported through the API with `detected_at`, and moved with `at` on the edges,
while the clock stands at the moment each step was entered. Borger.dk counts primary service
time, Monday-Friday 08:30-16:30; March 2026 has no holiday, and the clocks go forward on
Sunday 29 March. The report is made on 15 April.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.errors import Invalid
from stabil.reports.period import Kind
from stabil.reports.service import figures_asked, report_asked
from tests.cast import Cast, headers
from tests.reports.conftest import REPORTED_AT

NOW = REPORTED_AT
pytestmark = pytest.mark.usefixtures("services")


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
    # The meetings due (R9.8 every second month, R17.1 once a quarter): none was held.
    assert [(m["forum"], m["from"], m["standing"]) for m in report["review_meetings"]] == [
        ("review_meeting", "2026-03-01T00:00:00+01:00", "due"),
        ("operations_meeting", "2026-01-01T00:00:00+01:00", "missing"),
    ]
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


def test_the_monthly_figures_of_a_range_agree_with_the_month_s_report(
    session: Session, march: dict[str, str]
) -> None:
    points = figures_asked(session, "borger-dk", "2026-02", "2026-04", NOW)
    assert [point.period for point in points] == ["2026-02", "2026-03", "2026-04"]
    report = report_asked(session, "borger-dk", Kind.month, "2026-03", NOW).contract()
    assert points[1].reaction_percent == report["reaction"]["percent"] == 60.0
    assert points[1].resolution_percent == {
        level: figure["percent"] for level, figure in report["resolution"].items()
    }
    assert points[1].start_time_minutes == report["start_time"]["average_minutes"]
    assert points[1].availability_percent == {
        name: figure["uptime_percent"] for name, figure in report["availability"].items()
    }
    assert report["trends"][-1] == points[1].model_dump(mode="json")
    with pytest.raises(Invalid, match="before"):
        figures_asked(session, "borger-dk", "2026-04", "2026-02", NOW)
