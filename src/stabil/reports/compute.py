"""A period's compliance report, computed from the records as known at `now` (see
docs/reports.md for what counts, KPI by KPI).

Goals and formulas come from the declaration in force on the period's first day, never from
code. Every query is bounded by the period (or by the goal's own measurement period, or the
year for window quotas), so a report costs the same however long the history behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.declaration.priorities import MeasurementPeriod, TimerGoal
from stabil.desk.kpi import Started, average_minutes, averaged
from stabil.reports.decided import DecidedTimer, decided_timers
from stabil.reports.meetings import meetings_due
from stabil.reports.model import GoalFigure, Report, StartTimeFigure, TrendPoint
from stabil.reports.operations import (
    backlog,
    escalations,
    incidents_detected,
    majors,
    messages_posted,
    releases,
    windows,
)
from stabil.reports.orientation import orientation
from stabil.reports.penalties import penalties
from stabil.reports.period import Kind, Period
from stabil.reports.response import response_times
from stabil.reports.shares import goal_figure, goal_timers, headline, share
from stabil.watch.availability import uptime, uptime_of_ranges
from stabil.watch.present import uptime_out
from stabil.watch.uptime import PeriodFigures

T = TypeVar("T")
TREND_MONTHS = 12


def report(session: Session, service_key: str, period: Period, now: dt.datetime) -> Report:
    """The report of `period` (a month or an ISO week); a monthly one carries 12-month trends."""
    stored = version_named(session, service_key, period.first)
    declaration = declaration_of(stored)
    clock = clock_for(declaration)
    service = stored.service
    zone = declaration.time.zone
    start, end = period.start, period.end
    evidence: dict[str, list[dict[str, Any]]] = {}

    goals, decided = _goals(session, declaration, service.id, period, now)
    evidence["reaction"] = [t.evidence() for t in decided if t.timer == "reaction"]
    evidence["resolution"] = [t.evidence() for t in decided if t.timer == "resolution"]
    evidence["timers"] = [
        t.evidence() for t in decided if t.timer not in ("reaction", "resolution")
    ]
    start_figure, evidence["start_time"] = _start_time(
        session, declaration, service.key, start, end
    )
    measured = uptime_out(uptime(session, service.key, start, end, now), zone)
    evidence["availability"] = [
        {
            "start": item.start,
            "end": item.end,
            "state": item.state.value,
            "part": item.part,
            "source": item.source.value,
            "counts": item.counts,
            "excused": item.excused,
            "seconds": None if item.end is None else (item.end - item.start).total_seconds(),
        }
        for item in measured.outages
    ]
    evidence["excused"] = [item.model_dump(by_alias=True) for item in measured.excused]
    told, duties = orientation(session, declaration, clock, service.id, start, end, now)
    evidence["orientation"] = [duty.evidence() for duty in duties]
    kinds, evidence["windows"] = windows(session, declaration, service.id, start, end)
    sent, evidence["escalations"] = escalations(session, service.id, start, end, now)
    open_at_end, evidence["backlog"] = backlog(session, declaration, service.id, min(end, now))
    speeds = response_times(session, declaration, clock, service.id, start, end)
    built = Report(
        kind=period.kind.value,
        period=period.label,
        service=service.key,
        service_name=service.name_da,
        from_=start,
        to=end,
        generated_at=now.astimezone(zone),
        declaration_version=stored.version,
        zone=zone.key,
        reaction=headline(goals, "reaction"),
        resolution=headline(goals, "resolution"),
        goals=goals,
        start_time=start_figure,
        availability=measured.periods,
        orientation=told,
        windows=kinds,
        majors=majors(session, declaration, service.id, start, end, now),
        review_meetings=meetings_due(session, declaration, service.id, start, end, now),
        releases=releases(session, declaration, service.id, start, end),
        escalations=sent,
        backlog=open_at_end,
        response_times=speeds,
        penalties=penalties(declaration, goals, measured.periods, speeds),
        trends=_trends(session, declaration, service, period, now)
        if period.kind is Kind.month
        else [],
        incidents=incidents_detected(session, service.id, start, end),
        messages=messages_posted(session, service.id, start, end),
        evidence=evidence,
    )
    return Report.model_validate(_local(built.model_dump(by_alias=True), zone))


def _goals(
    session: Session, declaration: Declaration, service_id: int, period: Period, now: dt.datetime
) -> tuple[list[GoalFigure], list[DecidedTimer]]:
    """Each timer goal over its range, and the timers the report's own period decided."""
    timers = goal_timers(declaration)
    decided = decided_timers(session, service_id, timers, period.start, period.end, now)
    figures = []
    for goal in declaration.goals.timers:
        start, end = goal_range(goal, period)
        mine = decided
        if (start, end) != (period.start, period.end):
            mine = decided_timers(session, service_id, [goal.timer], start, end, now)
        figures.append(goal_figure(goal, mine, start, end))
    counted = {
        (goal.timer, level) for goal in declaration.goals.timers for level in goal.priorities
    }
    return figures, [t for t in decided if (t.timer, t.priority) in counted]


def goal_range(goal: TimerGoal, period: Period) -> tuple[dt.datetime, dt.datetime]:
    """A week's or month's goal is measured over the report's period; a quarter's or year's
    over the quarter or year the period starts in (so far, in a running one)."""
    if goal.period in (MeasurementPeriod.week, MeasurementPeriod.month):
        return period.start, period.end
    first = period.first
    if goal.period is MeasurementPeriod.quarter:
        begin = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
        months = 3
    else:
        begin, months = dt.date(first.year, 1, 1), 12
    following = dt.date(
        begin.year + (begin.month - 1 + months) // 12, (begin.month - 1 + months) % 12 + 1, 1
    )
    zone = period.zone
    return dt.datetime.combine(begin, dt.time(), zone), dt.datetime.combine(
        following, dt.time(), zone
    )


def _start_time(
    session: Session, declaration: Declaration, service: str, start: dt.datetime, end: dt.datetime
) -> tuple[StartTimeFigure | None, list[dict[str, Any]]]:
    """The first average goal (R4.1): the priority 1 incidents handed over in the period."""
    if not declaration.goals.averages:
        return None, []
    goal = declaration.goals.averages[0]
    found = averaged(session, service, goal, start, end)
    average = found.average_minutes
    figure = StartTimeFigure(
        count=len(found.started),
        average_minutes=average,
        goal_minutes=goal.average_minutes,
        goal_met=None if average is None else average <= goal.average_minutes,
        waiting=found.waiting,
    )
    rows = [
        {"incident": item.key, "minutes": round(item.seconds / 60, 2)} for item in found.started
    ]
    return figure, rows


def _trends(
    session: Session, declaration: Declaration, service: Service, period: Period, now: dt.datetime
) -> list[TrendPoint]:
    """The headline figures of the 12 months ending with `period`, oldest first; months
    before the service's first declaration are left out."""
    months = [period]
    while len(months) < TREND_MONTHS:
        months.append(months[-1].previous())
    months.reverse()
    first_version = min(version.effective for version in service.versions)
    months = [month for month in months if month.following > first_version]
    return monthly_figures(session, declaration, service, months, now)


def monthly_figures(
    session: Session,
    declaration: Declaration,
    service: Service,
    months: list[Period],
    now: dt.datetime,
) -> list[TrendPoint]:
    """The headline figures of consecutive months (oldest first) under `declaration`'s goals:
    the shares met, the start time and the uptime per service period. One query per kind of
    figure for all the months, split by month here: ten years cost little more than one."""
    if not months:
        return []
    start, end = months[0].start, months[-1].end
    timers = goal_timers(declaration)
    decided = decided_timers(session, service.id, timers, start, end, now)
    goal = declaration.goals.averages[0] if declaration.goals.averages else None
    started = averaged(session, service.key, goal, start, end).started if goal is not None else None
    begun = [month for month in months if month.start < now]
    ranges = [(month.start, month.end) for month in begun]
    measured = dict(
        zip(
            [month.label for month in begun],
            uptime_of_ranges(session, service.key, ranges, now),
            strict=True,
        )
    )
    zone = months[0].zone
    timers_of = _by_month(decided, lambda t: t.decided_at, zone)
    started_of = None if started is None else _by_month(started, lambda item: item.at, zone)
    return [
        _point(
            declaration,
            month,
            timers_of.get(month.label, []),
            None if started_of is None else started_of.get(month.label, []),
            measured.get(month.label),
        )
        for month in months
    ]


def _by_month(
    items: Iterable[T], instant: Callable[[T], dt.datetime], zone: ZoneInfo
) -> dict[str, list[T]]:
    """The items by the local month (`YYYY-MM`) of their instant."""
    found: dict[str, list[T]] = {}
    for item in items:
        found.setdefault(f"{instant(item).astimezone(zone):%Y-%m}", []).append(item)
    return found


def _point(
    declaration: Declaration,
    month: Period,
    mine: list[DecidedTimer],
    in_month: list[Started] | None,
    measured: dict[str, PeriodFigures] | None,
) -> TrendPoint:
    """One month's headline figures from its timers, its started incidents and its uptime."""
    reaction = _pooled_percent(declaration, mine, "reaction")
    resolution = {
        str(level): share(
            [t for t in mine if t.timer == "resolution" and t.priority == level], 0
        ).percent
        for level in _levels(declaration, "resolution")
    }
    return TrendPoint(
        period=month.label,
        reaction_percent=reaction,
        resolution_percent=resolution,
        availability_percent={
            name: figures.uptime_percent for name, figures in (measured.items() if measured else [])
        },
        start_time_minutes=None if in_month is None else average_minutes(in_month),
    )


def _pooled_percent(
    declaration: Declaration, timers: list[DecidedTimer], timer: str
) -> float | None:
    levels = _levels(declaration, timer)
    return share([t for t in timers if t.timer == timer and t.priority in levels], 0).percent


def _levels(declaration: Declaration, timer: str) -> list[int]:
    return sorted(
        {
            level
            for goal in declaration.goals.timers
            if goal.timer == timer
            for level in goal.priorities
        }
    )


def _local(value: Any, zone: ZoneInfo) -> Any:
    """Every time in the declaration's zone, with its offset: what people read, and what
    the JSON keeps (the database gives UTC)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone)
    if isinstance(value, dict):
        return {key: _local(item, zone) for key, item in value.items()}
    if isinstance(value, list):
        return [_local(item, zone) for item in value]
    return value
