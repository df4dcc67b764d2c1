"""Whether each of a forum's meetings was held, is planned, is due or is missing (R17, R9.8).

A forum meeting N times a year splits the local calendar year into N periods of whole months
when N is at most 12 (4: quarters, 6: every second month), else into N spans of days. Each
period is due one meeting: held when a meeting of the forum in it has its minutes, planned
when one is planned in it, missing when the period is over without either, due while it lasts
or lies ahead.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from stabil.meetings.forums import Forum
from stabil.meetings.models import Meeting
from stabil.meetings.states import MeetingState


class Standing(StrEnum):
    held = "held"
    planned = "planned"
    due = "due"
    missing = "missing"


@dataclass(frozen=True, slots=True)
class Period:
    """A span of local time: [start, end)."""

    start: dt.datetime
    end: dt.datetime

    def holds(self, instant: dt.datetime) -> bool:
        return self.start <= instant < self.end

    def label(self) -> str:
        """`2026-01..2026-03` for a span of months, the days otherwise."""
        last = self.end - dt.timedelta(days=1)
        if self.start.day == 1 and self.end.day == 1:
            return f"{self.start:%Y-%m}..{last:%Y-%m}"
        return f"{self.start:%Y-%m-%d}..{last:%Y-%m-%d}"


@dataclass(frozen=True, slots=True)
class Slot:
    """One period of a forum, and the meetings that stand for it."""

    forum: str
    period: Period
    standing: Standing
    meetings: tuple[int, ...]  # the ids of its held (or else planned) meetings


def periods_of(per_year: int, year: int, zone: ZoneInfo) -> list[Period]:
    """The year's periods for a forum meeting `per_year` times, in local time."""
    if per_year <= 12:
        starts = [_month_start(year, (index * 12) // per_year, zone) for index in range(per_year)]
        ends = [*starts[1:], dt.datetime(year + 1, 1, 1, tzinfo=zone)]
        return [Period(start, end) for start, end in zip(starts, ends, strict=True)]
    first = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first).days
    bounds = [
        first + dt.timedelta(days=(index * days) // per_year) for index in range(per_year + 1)
    ]
    return [
        Period(_midnight(start, zone), _midnight(end, zone))
        for start, end in itertools.pairwise(bounds)
    ]


def period_before(per_year: int, instant: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The start of the period before the one `instant` lies in: where the operations a
    forum's first meeting looks back on begin."""
    local = instant.astimezone(zone)
    periods = [*periods_of(per_year, local.year - 1, zone), *periods_of(per_year, local.year, zone)]
    index = next(i for i, period in enumerate(periods) if period.holds(local))
    return periods[index - 1].start


def schedule_of(
    forum: Forum, meetings: list[Meeting], year: int, zone: ZoneInfo, now: dt.datetime
) -> list[Slot]:
    """Each period of the forum in `year`, with how it stands at `now`."""
    mine = [item for item in meetings if item.forum == forum.key]
    return [_slot(forum, period, mine, now) for period in periods_of(forum.per_year, year, zone)]


def _slot(forum: Forum, period: Period, meetings: list[Meeting], now: dt.datetime) -> Slot:
    inside = [item for item in meetings if period.holds(item.starts_at)]
    held = [item.id for item in inside if item.state == MeetingState.held]
    planned = [item.id for item in inside if item.state == MeetingState.planned]
    if held:
        return Slot(forum.key, period, Standing.held, tuple(held))
    if planned:
        return Slot(forum.key, period, Standing.planned, tuple(planned))
    standing = Standing.missing if period.end <= now else Standing.due
    return Slot(forum.key, period, standing, ())


def _month_start(year: int, month_index: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime(year, month_index + 1, 1, tzinfo=zone)


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone)
