"""Service windows as the desk's pages show them: a year of months, each window on its local
date; the rules a window breaks with what would be allowed; its history (R13, R3.3).

Pure: built from rows already loaded, in the local time of the declaration's zone.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names

from stabil.declaration import Declaration
from stabil.declaration.base import Text
from stabil.records.schemas import EventOut
from stabil.windows.models import ServiceWindow
from stabil.windows.rules import Rule

WEEK = calendar.Calendar(firstweekday=calendar.MONDAY)  # a Danish week begins on Monday


@dataclass(frozen=True, slots=True)
class Named:
    """A name in Danish and, where the declaration gives one, in English."""

    da: str
    en: str | None = None

    def said(self, language: str) -> str:
        return self.en if language == "en" and self.en else self.da


def named(text: Text | None, fallback: str) -> Named:
    return Named(text.da, text.en) if text is not None else Named(fallback)


def kind_names(declaration: Declaration) -> dict[str, Named]:
    windows = declaration.service_windows
    return {kind.key: named(kind.name, kind.key) for kind in (windows.kinds if windows else [])}


# A year of months


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date | None  # None: a day of the month before or after, filling the week
    windows: tuple[ServiceWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class Week:
    number: int  # the ISO week, as Danish calendars number them
    days: tuple[Day, ...]


@dataclass(frozen=True, slots=True)
class Month:
    first: dt.date
    weeks: tuple[Week, ...]
    windows: tuple[ServiceWindow, ...]


def months_of(year: int, windows: Iterable[ServiceWindow], zone: ZoneInfo) -> list[Month]:
    """The twelve months of `year`, each window on the local date it starts."""
    by_date: dict[dt.date, list[ServiceWindow]] = defaultdict(list)
    for window in windows:
        by_date[window.planned_start.astimezone(zone).date()].append(window)
    return [_month(year, number, by_date) for number in range(1, 13)]


def _month(year: int, number: int, by_date: Mapping[dt.date, list[ServiceWindow]]) -> Month:
    weeks = tuple(
        Week(
            days[0].isocalendar().week,
            tuple(
                Day(day, tuple(by_date.get(day, ()))) if day.month == number else Day(None)
                for day in days
            ),
        )
        for days in WEEK.monthdatescalendar(year, number)
    )
    shown = tuple(window for week in weeks for day in week.days for window in day.windows)
    return Month(dt.date(year, number, 1), weeks, shown)


# The rules a window breaks


@dataclass(frozen=True, slots=True)
class Allowed:
    """What a broken rule says would be allowed instead (rules.Violation.allowed), with its
    times as instants and its keys as the declaration names them."""

    earliest_start: dt.datetime | None = None
    latest_end: dt.datetime | None = None
    next_range_starts: dt.datetime | None = None
    next_year_starts: dt.datetime | None = None
    max_minutes: int | None = None
    notice_days: int | None = None
    per_year: int | None = None
    used: int | None = None
    calendar: Named | None = None
    service_period: Named | None = None
    kinds: tuple[Named, ...] = ()
    windows: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Broken:
    rule: Rule
    source: str
    message: Mapping[str, str]  # by language: da, en
    allowed: Allowed = field(default_factory=Allowed)

    def said(self, language: str) -> str:
        return self.message.get(language) or self.message.get("da", "")


def broken_rules(violations: Sequence[Mapping[str, Any]], declaration: Declaration) -> list[Broken]:
    """Violations as kept on a window (service.as_json) for the page."""
    return [
        Broken(
            Rule(item["rule"]),
            str(item.get("source", "")),
            dict(item.get("message", {})),
            _allowed(item.get("allowed", {}), declaration),
        )
        for item in violations
    ]


def _allowed(allowed: Mapping[str, Any], declaration: Declaration) -> Allowed:
    calendars = declaration.time.calendars
    names = kind_names(declaration)

    def calendar_named(key: object) -> Named | None:
        if not isinstance(key, str):
            return None
        found = calendars.get(key)
        return named(found.name if found else None, key)

    return Allowed(
        earliest_start=_instant(allowed.get("earliest_start")),
        latest_end=_instant(allowed.get("latest_end")),
        next_range_starts=_instant(allowed.get("next_range_starts")),
        next_year_starts=_instant(allowed.get("next_year_starts")),
        max_minutes=_number(allowed.get("max_minutes")),
        notice_days=_number(allowed.get("notice_days")),
        per_year=_number(allowed.get("per_year")),
        used=_number(allowed.get("used")),
        calendar=calendar_named(allowed.get("calendar")),
        service_period=calendar_named(allowed.get("service_period")),
        kinds=tuple(names.get(key, Named(key)) for key in allowed.get("kinds", [])),
        windows=tuple(item for item in allowed.get("windows", []) if isinstance(item, int)),
    )


def _instant(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def _number(value: object) -> int | None:
    return value if isinstance(value, int) else None


# The history


@dataclass(frozen=True, slots=True)
class Moved:
    """The planned times before and after a rescheduling."""

    start: dt.datetime
    end: dt.datetime
    was_start: dt.datetime
    was_end: dt.datetime


def moved(event: EventOut) -> Moved | None:
    """The times a `rescheduled` event moved the window from and to; None for other events."""
    times = [
        _instant(part.get(name))
        for part in (event.after, event.before)
        for name in ("start", "end")
    ]
    if event.kind != "rescheduled" or any(item is None for item in times):
        return None
    start, end, was_start, was_end = (item for item in times if item is not None)
    return Moved(start, end, was_start, was_end)


def month_name(first: dt.date, language: str) -> str:
    """`Marts 2027`, `March 2027`: the month as a calendar's heading names it."""
    name = format_date(first, "LLLL y", locale=_locale(language))
    return name[:1].upper() + name[1:]


def weekdays(language: str) -> list[tuple[str, str]]:
    """Monday first, each day's short and full name: (`ma`, `mandag`)."""
    short = get_day_names("short", locale=_locale(language))
    full = get_day_names("wide", locale=_locale(language))
    return [(str(short[day]), str(full[day])) for day in range(7)]


def _locale(language: str) -> str:
    return "en_GB" if language == "en" else "da"  # as stabil.web.templating shows dates
