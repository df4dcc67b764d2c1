"""The periods a report covers: a local calendar month or an ISO week, in the declaration's zone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from stabil.errors import Invalid

FIRST_YEAR, LAST_YEAR = 1970, 9998
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


class Kind(StrEnum):
    week = "week"
    month = "month"


@dataclass(frozen=True, slots=True)
class Period:
    """`[first, following)` in local days; `start` and `end` are those days' local midnights."""

    kind: Kind
    label: str  # 2026-11 or 2026-W46
    first: dt.date
    following: dt.date
    zone: ZoneInfo

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), self.zone)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.following, dt.time(), self.zone)

    @property
    def last_day(self) -> dt.date:
        return self.following - dt.timedelta(days=1)

    def previous(self) -> Period:
        if self.kind is Kind.week:
            return week_of(self.first - dt.timedelta(days=7), self.zone)
        return month_of(self.first - dt.timedelta(days=1), self.zone)

    def contains(self, at: dt.datetime) -> bool:
        return self.start <= at < self.end


def month_of(day: dt.date, zone: ZoneInfo) -> Period:
    first = day.replace(day=1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(Kind.month, f"{first:%Y-%m}", first, following, zone)


def week_of(day: dt.date, zone: ZoneInfo) -> Period:
    year, week, weekday = day.isocalendar()
    first = day - dt.timedelta(days=weekday - 1)
    following = first + dt.timedelta(days=7)
    return Period(Kind.week, f"{year}-W{week:02d}", first, following, zone)


def parse_month(text: str, zone: ZoneInfo) -> Period:
    """`YYYY-MM` as a period; an Invalid naming the field and the form otherwise."""
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or not _in_range(int(found[1])):
        raise Invalid(
            "month",
            "{month!r} is not a month from {first}-01 to {last}-12 (write YYYY-MM, e.g. 2026-11)",
            month=text,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return month_of(dt.date(int(found[1]), int(found[2]), 1), zone)


def parse_week(text: str, zone: ZoneInfo) -> Period:
    """An ISO week `YYYY-Www` as a period; an Invalid naming the field and the form otherwise."""
    found = _WEEK.fullmatch(text.strip().upper())
    day = None
    if found is not None and _in_range(int(found[1])):
        try:
            day = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
        except ValueError:
            day = None
    if day is None:
        raise Invalid(
            "week",
            "{week!r} is not an ISO week (write YYYY-Www, e.g. 2026-W46; a year has 52 or 53)",
            week=text,
        )
    return week_of(day, zone)


def _in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR
