"""A hand-built monthly report of Borger.dk for November 2026, as compute would give it:
misses of both timers, a breached timer still running, a late window, outages in both
service periods, a major with its review, trends and penalties. Its figures are known, so
that every format can be checked against them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from stabil.reports.model import (
    GoalFigure,
    MajorFigure,
    Orientation,
    Penalties,
    PenaltyLine,
    ReleaseFigure,
    Report,
    ResponseTimeFigure,
    ReviewState,
    Share,
    StartTimeFigure,
    TrendPoint,
    WindowKindFigure,
)
from stabil.watch.schemas import PeriodOut

ZONE = ZoneInfo("Europe/Copenhagen")
START = dt.datetime(2026, 11, 1, tzinfo=ZONE)
END = dt.datetime(2026, 12, 1, tzinfo=ZONE)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local time of November 2026, as the aware UTC instant the model holds."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=ZONE).astimezone(dt.UTC)


def timer_row(
    incident: str,
    priority: int,
    timer: str,
    started: dt.datetime,
    target: float,
    elapsed: float | None,
    *,
    stopped: dt.datetime | None,
    title: str = "Login fejler",
) -> dict[str, Any]:
    due = started + dt.timedelta(minutes=target)
    met = elapsed is not None and elapsed <= target
    over = None if met or stopped is None else round((stopped - due).total_seconds() / 60, 2)
    return {
        "incident": incident,
        "title": title,
        "priority": priority,
        "timer": timer,
        "started_at": started,
        "due_at": due,
        "stopped_at": stopped,
        "decided_at": stopped if stopped is not None and met else (stopped or due),
        "met": met,
        "elapsed_minutes": elapsed,
        "target_minutes": target,
        "over_by_minutes": over,
        "state": "closed" if stopped else "in_progress",
    }


REACTION = [
    timer_row("BDK-2026-0101", 1, "reaction", at(3, 8, 30), 15, 12, stopped=at(3, 8, 42)),
    timer_row("BDK-2026-0102", 2, "reaction", at(5, 10), 60, 95, stopped=at(5, 11, 35)),
    timer_row("BDK-2026-0103", 3, "reaction", at(12, 9), 240, 30, stopped=at(12, 9, 30)),
    timer_row("BDK-2026-0104", 1, "reaction", at(20, 14), 15, 20, stopped=at(20, 14, 20)),
]
RESOLUTION = [
    timer_row("BDK-2026-0101", 1, "resolution", at(3, 8, 30), 240, 180, stopped=at(3, 11, 30)),
    timer_row("BDK-2026-0102", 2, "resolution", at(5, 10), 480, 600, stopped=at(6, 11)),
    timer_row(
        "BDK-2026-0105", 3, "resolution", at(24, 9), 960, None, stopped=None, title="Æble på øen"
    ),
]
# Both are missed: the timers were 20 minutes over their target, and "still running".


def share(met: int, total: int, goal: float) -> Share:
    if not total:
        return Share(met=0, total=0, percent=None, goal_percent=goal, goal_met=None)
    percent = round(met * 100 / total, 2)
    return Share(met=met, total=total, percent=percent, goal_percent=goal, goal_met=percent >= goal)


def availability() -> dict[str, PeriodOut]:
    primary = PeriodOut(
        period_seconds=168 * 3600,
        excluded_seconds=2 * 3600,
        unknown_seconds=600,
        downtime_seconds=45 * 60,
        degraded_seconds=300,
        uptime_percent=99.55,
        target_percent=99.7,
        met=False,
        budget_seconds=1814,
        budget_left_seconds=0,
    )
    secondary = PeriodOut(
        period_seconds=552 * 3600,
        excluded_seconds=0,
        unknown_seconds=0,
        downtime_seconds=20 * 60,
        degraded_seconds=0,
        uptime_percent=99.94,
        target_percent=99.7,
        met=True,
        budget_seconds=5962,
        budget_left_seconds=4762,
    )
    return {"primary": primary, "secondary": secondary}


def trends() -> list[TrendPoint]:
    points = []
    for index in range(12):
        month = (11 + index) % 12 + 1  # December 2025 to November 2026
        year = 2025 + (11 + index) // 12
        points.append(
            TrendPoint(
                period=f"{year}-{month:02d}",
                reaction_percent=None if index == 3 else 80 + index,
                resolution_percent={"1": 100.0, "2": 90.0 + index / 2},
                availability_percent={"primary": 99.9 - index / 100, "secondary": 99.95},
                start_time_minutes=12.0,
            )
        )
    return points


def evidence() -> dict[str, list[dict[str, Any]]]:
    return {
        "reaction": REACTION,
        "resolution": RESOLUTION,
        "start_time": [
            {"incident": "BDK-2026-0101", "minutes": 12.0},
            {"incident": "BDK-2026-0104", "minutes": 20.0},
        ],
        "availability": [
            {
                "start": at(10, 9),
                "end": at(10, 9, 45),
                "state": "down",
                "part": None,
                "source": "probe",
                "counts": True,
                "excused": False,
                "seconds": 2700,
            },
            {
                "start": at(14, 22),
                "end": at(14, 22, 20),
                "state": "down",
                "part": "login",
                "source": "manual",
                "counts": True,
                "excused": False,
                "seconds": 1200,
            },
        ],
        "excused": [
            {"id": 7, "title": "Opdatering af database", "start": at(8, 6), "end": at(8, 8)}
        ],
        "orientation": [
            {
                "incident": "BDK-2026-0104",
                "kind": "first",
                "due_at": at(20, 14, 30),
                "sent_at": at(20, 14, 25),
                "on_time": True,
            },
            {
                "incident": "BDK-2026-0104",
                "kind": "update",
                "due_at": at(20, 15, 25),
                "sent_at": at(20, 15, 40),
                "on_time": False,
            },
        ],
        "windows": [
            {
                "id": 7,
                "title": "Opdatering af database",
                "kind": "planned",
                "start": at(8, 6),
                "end": at(8, 8),
                "state": "done",
                "compliant": True,
                "problems": [],
            },
            {
                "id": 9,
                "title": "Akut sikkerhedsrettelse",
                "kind": "planned",
                "start": at(18, 10),
                "end": at(18, 11),
                "state": "done",
                "compliant": False,
                "problems": ["Announced 2 days before; 5 working days are required (R13.2)."],
            },
        ],
        "escalations": [
            {
                "incident": "BDK-2026-0104",
                "rule": "critical",
                "kind": "functional",
                "stage": "breach",
                "timer": "reaction",
                "reached_at": at(20, 14, 15),
                "sent_at": at(20, 14, 15),
            },
        ],
        "backlog": [
            {
                "incident": "BDK-2026-0105",
                "title": "Æble på øen",
                "priority": 3,
                "state": "in_progress",
                "detected_at": at(24, 9),
                "age_days": 6.6,
            },
        ],
    }


def report(**changes: Any) -> Report:
    reaction = share(2, 4, 90)
    resolution = {
        "1": share(1, 1, 95),
        "2": share(0, 1, 95),
        "3": share(0, 1, 95),
        "4": share(0, 0, 95),
    }
    fields: dict[str, Any] = {
        "kind": "month",
        "period": "2026-11",
        "service": "borger-dk",
        "service_name": "Borger.dk",
        "from": START.astimezone(dt.UTC),
        "to": END.astimezone(dt.UTC),
        "generated_at": dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.UTC),
        "declaration_version": "3.2",
        "zone": "Europe/Copenhagen",
        "reaction": reaction,
        "resolution": resolution,
        "goals": [
            GoalFigure(
                timer="reaction",
                priorities=[1, 2, 3, 4],
                pooled=True,
                period="month",
                from_=START,
                to=END,
                overall=reaction,
                by_priority={},
            ),
            GoalFigure(
                timer="resolution",
                priorities=[1, 2, 3, 4],
                pooled=False,
                period="month",
                from_=START,
                to=END,
                overall=None,
                by_priority=resolution,
            ),
            GoalFigure(
                timer="resolution",
                priorities=[1],
                pooled=True,
                period="quarter",
                from_=dt.datetime(2026, 10, 1, tzinfo=ZONE),
                to=END,
                overall=share(3, 3, 95),
                by_priority={},
            ),
        ],
        "start_time": StartTimeFigure(
            count=2, average_minutes=16.0, goal_minutes=15, goal_met=False
        ),
        "availability": availability(),
        "orientation": Orientation(
            first_on_time=1, first_total=1, updates_on_time=0, updates_total=1
        ),
        "windows": {
            "planned": WindowKindFigure(
                name="Planlagt servicevindue",
                in_period=2,
                used_in_year=10,
                quota=12,
                left=2,
                non_compliant=1,
            ),
            "emergency": WindowKindFigure(
                name="Akut servicevindue",
                in_period=0,
                used_in_year=1,
                quota=None,
                left=None,
                non_compliant=0,
            ),
        },
        "majors": [
            MajorFigure(
                incident="BDK-2026-0104",
                title="Borger.dk er nede",
                priority=1,
                detected_at=at(20, 14),
                resolved_at=at(20, 16, 5),
                review=ReviewState(
                    due_at=at(27, 16), submitted_at=at(26, 12), state="submitted", on_time=True
                ),
            ),
        ],
        "review_meetings": [],
        "releases": [
            ReleaseFigure(
                version="2026.11",
                state="released",
                planned_date=dt.date(2026, 11, 25),
                released_at=at(25, 7),
                interface_change=True,
                announced_at=dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC),
                notice_months=3,
                earliest_date=dt.date(2026, 12, 1),
                notice_met=False,
                shorter_notice_reason="Sikkerhedsrettelse",
            ),
        ],
        "escalations": {"functional:breach": 1},
        "backlog": {
            "3": {
                "count": 1,
                "under_1_day": 0,
                "1_to_7_days": 1,
                "7_to_30_days": 0,
                "over_30_days": 0,
            }
        },
        "response_times": [
            ResponseTimeFigure(
                key="calls_under_2s",
                name="Kald besvaret under 2 sekunder",
                calls=120_000,
                measured=96.5,
                goal=95,
                goal_met=True,
            ),
        ],
        "penalties": Penalties(
            lines=[
                PenaltyLine(
                    measure="availability",
                    applies_to="primary",
                    missed=True,
                    shortfall_percent=0.15,
                    points=4,
                )
            ],
            points_before_cap=4,
            cap=20,
            points=4,
        ),
        "trends": trends(),
        "evidence": evidence(),
    }
    fields.update(changes)
    return Report.model_validate(fields)


def empty_report() -> Report:
    """A month in which nothing happened: every share without data, every list empty."""
    empty = share(0, 0, 90)
    return report(
        reaction=empty,
        resolution={"1": share(0, 0, 95)},
        goals=[],
        start_time=StartTimeFigure(count=0, average_minutes=None, goal_minutes=15, goal_met=None),
        orientation=Orientation(first_on_time=0, first_total=0, updates_on_time=0, updates_total=0),
        windows={},
        majors=[],
        releases=[],
        escalations={},
        backlog={},
        response_times=[],
        penalties=None,
        trends=[],
        evidence={},
    )
