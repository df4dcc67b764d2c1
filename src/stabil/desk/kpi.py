"""Figures the declaration sets goals for, computed from the incidents' timers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.desk.access import visible
from stabil.desk.models import Incident, IncidentTimer
from stabil.errors import Invalid


@dataclass(frozen=True, slots=True)
class StartTime:
    """The average start time of one month (R4.1): from detection until work started."""

    service: str
    month: str
    goal: str
    priorities: list[int]
    timer: str
    started: int  # incidents whose work has started, in the average
    waiting: int  # incidents detected in the month whose work has not started yet
    average_minutes: float | None
    goal_minutes: float
    met: bool | None
    incidents: list[str]
    complete: bool  # every incident counted; else only those the reader may see


def start_time(session: Session, service: str, month: str, reader: User) -> StartTime:
    """The average of the timer's service time over the month's incidents (R4.1).

    Only the incidents `reader` may see are counted and listed, by the same rule as every
    list: the desk's readers get the service's figure, an authority its own incidents'.

    Each goal of `goals.averages` names its timer (Borger.dk: the reaction timer, which stops
    when work starts, counted in primary service time) and its priorities; cancelled
    incidents and service requests are not counted. An incident belongs to the month in
    which it was detected, in the declaration's time zone.
    """
    first_day = _month(month)
    stored = version_named(session, service, first_day)
    declaration = declaration_of(stored)
    if not declaration.goals.averages:
        raise Invalid(
            "service", "{service} has no average-time goal (goals.averages)", service=service
        )
    goal = declaration.goals.averages[0]
    zone = declaration.time.zone
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(_next_month(first_day), dt.time(), tzinfo=zone)
    rows = session.execute(
        select(Incident.key, IncidentTimer.running, IncidentTimer.completed_seconds)
        .join(IncidentTimer, IncidentTimer.incident_id == Incident.id)
        .join(Service, Service.id == Incident.service_id)
        .where(
            Service.key == service,
            Incident.priority.in_(goal.priorities),
            Incident.state != "cancelled",
            Incident.detected_at >= start,
            Incident.detected_at < end,
            IncidentTimer.kind == goal.timer,
            visible(reader),
        )
        .order_by(Incident.detected_at)
    ).all()
    done = [(key, seconds) for key, running, seconds in rows if not running]
    average = sum(s for _, s in done) / len(done) / 60 if done else None
    return StartTime(
        service=service,
        month=month,
        goal=goal.name.get("en"),
        priorities=goal.priorities,
        timer=goal.timer,
        started=len(done),
        waiting=len(rows) - len(done),
        average_minutes=None if average is None else round(average, 2),
        goal_minutes=goal.average_minutes,
        met=None if average is None else average <= goal.average_minutes,
        incidents=[key for key, _ in done],
        complete=reader.role in SEE_ALL,
    )


FIRST_YEAR, LAST_YEAR = 1970, 9998


def _month(text: str) -> dt.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        day = dt.date(year, month, 1)
    except ValueError:
        raise _not_a_month(text) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _not_a_month(text)
    return day


def _not_a_month(text: str) -> Invalid:
    return Invalid(
        "month",
        "{month!r} is not a month from {first}-01 to {last}-12 (write YYYY-MM)",
        month=text,
        first=FIRST_YEAR,
        last=LAST_YEAR,
    )


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
