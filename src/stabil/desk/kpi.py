"""Figures the declaration sets goals for, computed from the incidents' timers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.declaration.priorities import AverageGoal
from stabil.desk.access import visible
from stabil.desk.models import Incident, IncidentTimer
from stabil.errors import Invalid


@dataclass(frozen=True, slots=True)
class StartTime:
    """The average start time of one month (R4.1): from detection until work started, over
    the incidents whose work started in the month."""

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


class Started(NamedTuple):
    """An incident whose work started: its key, the service seconds it took, and when."""

    key: str
    seconds: float
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Averaged:
    """The incidents an average goal counts over a range: each started one, and how many
    detected in the range still wait."""

    started: list[Started]
    waiting: int

    @property
    def average_minutes(self) -> float | None:
        return average_minutes(self.started)


def average_minutes(started: Sequence[Started]) -> float | None:
    if not started:
        return None
    return round(sum(item.seconds for item in started) / len(started) / 60, 2)


def averaged(
    session: Session,
    service: str,
    goal: AverageGoal,
    start: dt.datetime,
    end: dt.datetime,
    reader: User | None = None,
) -> Averaged:
    """The incidents of `goal` whose timer stopped (work started, R4.1) in `[start, end)`, and
    those detected in it that still wait; only those `reader` may see, when given.

    Cancelled incidents do not count; a timer that stopped and was then restarted by a
    reopening counts when it stops again.
    """
    counted = [
        Service.key == service,
        Incident.priority.in_(goal.priorities),
        Incident.state != "cancelled",
        IncidentTimer.kind == goal.timer,
    ]
    if reader is not None:
        counted.append(visible(reader))
    joined = (
        select(Incident.key, IncidentTimer.completed_seconds, IncidentTimer.stopped_at)
        .join(IncidentTimer, IncidentTimer.incident_id == Incident.id)
        .join(Service, Service.id == Incident.service_id)
        .where(*counted)
    )
    started = session.execute(
        joined.where(
            ~IncidentTimer.running,
            IncidentTimer.stopped_at >= start,
            IncidentTimer.stopped_at < end,
        ).order_by(IncidentTimer.stopped_at)
    ).all()
    waiting = session.execute(
        joined.where(
            IncidentTimer.running, Incident.detected_at >= start, Incident.detected_at < end
        )
    ).all()
    # Every timer read here has stopped (the query asks for a stop in the range).
    found = [Started(key, seconds, at) for key, seconds, at in started if at is not None]
    return Averaged(found, len(waiting))


def start_time(session: Session, service: str, month: str, reader: User) -> StartTime:
    """The average of the timer's service time over the incidents whose work started in the
    month (R4.1), in the declaration's time zone.

    Only the incidents `reader` may see are counted and listed, by the same rule as every
    list: the desk's readers get the service's figure, an authority its own incidents'.

    Each goal of `goals.averages` names its timer (Borger.dk: the reaction timer, which stops
    when work starts, counted in primary service time) and its priorities; cancelled
    incidents and service requests are not counted.
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
    found = averaged(session, service, goal, start, end, reader)
    average = found.average_minutes
    return StartTime(
        service=service,
        month=month,
        goal=goal.name.get("en"),
        priorities=goal.priorities,
        timer=goal.timer,
        started=len(found.started),
        waiting=found.waiting,
        average_minutes=average,
        goal_minutes=goal.average_minutes,
        met=None if average is None else average <= goal.average_minutes,
        incidents=[item.key for item in found.started],
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
