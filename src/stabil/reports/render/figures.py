"""A report's figures as flat rows: section, key, value, and the goal it is held against. The
CSV is these rows; the XLSX's summary sheet shows the same. Keys are the JSON contract's
names joined by dots (`resolution.2.percent`, `availability.primary.uptime_percent`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from stabil.reports.model import Penalties, Report, Share, StartTimeFigure
from stabil.watch.schemas import PeriodOut

Value = str | int | float | bool | dt.datetime | dt.date | None
SECONDS = (
    "period_seconds",
    "excluded_seconds",
    "unknown_seconds",
    "downtime_seconds",
    "degraded_seconds",
    "budget_seconds",
    "budget_left_seconds",
)


@dataclass(frozen=True, slots=True)
class Figure:
    section: str
    key: str
    value: Value
    goal: float | None = None
    goal_met: bool | None = None


def figures(report: Report) -> Iterator[Figure]:
    """Every figure of the report, in the order of its sections."""
    yield from _header(report)
    yield from _headline("reaction", report.reaction)
    yield from _headline("resolution", report.resolution)
    zone = ZoneInfo(report.zone)
    for goal in report.goals:
        # Named by its first local day: a goal per quarter from 1 October is `…2026-10-01`.
        prefix = f"{goal.timer}.{goal.period}.{goal.from_.astimezone(zone).date().isoformat()}"
        headline = goal.overall if goal.pooled else goal.by_priority
        yield from _headline("goals", headline, prefix)
    yield from _start_time(report.start_time)
    for name, period in report.availability.items():
        yield from _availability(name, period)
    for field, count in report.orientation.model_dump().items():
        yield Figure("orientation", field, count)
    for kind, window in report.windows.items():
        for field in ("in_period", "used_in_year", "quota", "left", "non_compliant"):
            yield Figure("windows", f"{kind}.{field}", getattr(window, field))
    yield from _lists(report)
    for key, count in report.escalations.items():
        yield Figure("escalations", key, count)
    for level, buckets in report.backlog.items():
        for bucket, count in buckets.items():
            yield Figure("backlog", f"{level}.{bucket}", count)
    for item in report.response_times:
        yield Figure("response_times", f"{item.key}.calls", item.calls)
        yield Figure(
            "response_times", f"{item.key}.measured", item.measured, item.goal, item.goal_met
        )
    yield from _penalties(report.penalties)
    yield from _trends(report)


def _header(report: Report) -> Iterator[Figure]:
    for key, value in (
        ("service", report.service),
        ("kind", report.kind),
        ("period", report.period),
        ("from", report.from_),
        ("to", report.to),
        ("declaration_version", report.declaration_version),
        ("generated_at", report.generated_at),
        ("zone", report.zone),
    ):
        yield Figure("report", key, value)


def _headline(
    section: str, figure: Share | dict[str, Share] | None, prefix: str = ""
) -> Iterator[Figure]:
    if figure is None:
        return
    shares = {"": figure} if isinstance(figure, Share) else figure
    for level, share in shares.items():
        key = ".".join(part for part in (prefix, level) if part)
        dotted = f"{key}." if key else ""
        yield Figure(section, f"{dotted}met", share.met)
        yield Figure(section, f"{dotted}total", share.total)
        yield Figure(section, f"{dotted}percent", share.percent, share.goal_percent, share.goal_met)


def _start_time(figure: StartTimeFigure | None) -> Iterator[Figure]:
    if figure is None:
        return
    yield Figure("start_time", "count", figure.count)
    yield Figure(
        "start_time",
        "average_minutes",
        figure.average_minutes,
        figure.goal_minutes,
        figure.goal_met,
    )
    yield Figure("start_time", "waiting", figure.waiting)


def _availability(name: str, period: PeriodOut) -> Iterator[Figure]:
    yield Figure(
        "availability",
        f"{name}.uptime_percent",
        period.uptime_percent,
        period.target_percent,
        period.met,
    )
    for field in SECONDS:
        yield Figure("availability", f"{name}.{field}", getattr(period, field))


def _lists(report: Report) -> Iterator[Figure]:
    yield Figure("majors", "count", len(report.majors))
    for major in report.majors:
        yield Figure(
            "majors", f"{major.incident}.review", major.review.state, None, major.review.on_time
        )
    yield Figure("review_meetings", "count", len(report.review_meetings))
    yield Figure("releases", "count", len(report.releases))
    for release in report.releases:
        yield Figure(
            "releases",
            f"{release.version}.notice_months",
            release.notice_months,
            None,
            release.notice_met,
        )


def _penalties(penalties: Penalties | None) -> Iterator[Figure]:
    if penalties is None:
        return
    for line in penalties.lines:
        yield Figure(
            "penalties",
            f"{line.measure}.{line.applies_to}.points",
            line.points,
            None,
            None if line.missed is None else not line.missed,
        )
    yield Figure("penalties", "points_before_cap", penalties.points_before_cap)
    yield Figure("penalties", "cap", penalties.cap)
    yield Figure("penalties", "points", penalties.points)


def _trends(report: Report) -> Iterator[Figure]:
    for point in report.trends:
        yield Figure("trends", f"{point.period}.reaction_percent", point.reaction_percent)
        for level, value in point.resolution_percent.items():
            yield Figure("trends", f"{point.period}.resolution_percent.{level}", value)
        for name, value in point.availability_percent.items():
            yield Figure("trends", f"{point.period}.availability_percent.{name}", value)
        yield Figure("trends", f"{point.period}.start_time_minutes", point.start_time_minutes)
