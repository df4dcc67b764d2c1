"""The time part of a declaration: time zone, holidays, named calendars and service periods."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

import holidays as holidays_package
from pydantic import (
    AfterValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from stabil.declaration.base import Key, Source, Sourced, Text
from stabil.declaration.hours import (
    ALWAYS,
    DAY_KINDS,
    HOLIDAY_OFFSET,
    MinuteRange,
    WeekPattern,
    first_overlap,
    parse_day_selector,
    parse_range,
)

BUILTIN_CALENDARS = {"always": ALWAYS}
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def _parse_ranges(value: Any) -> tuple[MinuteRange, ...]:
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(parse_range(item) for item in items)


def _check_selector(value: str) -> str:
    parse_day_selector(value)
    return value


DaySelector = Annotated[str, AfterValidator(_check_selector)]

TimeRanges = Annotated[
    tuple[MinuteRange, ...],
    PlainValidator(_parse_ranges),
    PlainSerializer(lambda ranges: [str(item) for item in ranges]),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{2}:\d{2}-\d{2}:\d{2}$"},
                {"type": "array", "items": {"type": "string"}},
            ],
            "description": "HH:MM-HH:MM, or a list of them; half-open, 24:00 ends at midnight.",
        }
    ),
]


def _parse_time_of_day(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time of day (write HH:MM, e.g. 08:00)")
    minutes = parse_range(f"{value}-24:00").start
    return dt.time(minutes // 60, minutes % 60)


TimeOfDay = Annotated[
    dt.time,
    PlainValidator(_parse_time_of_day),
    PlainSerializer(lambda value: value.strftime("%H:%M")),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}$"}),
]


class HolidayObservance(StrEnum):
    """What a calendar does on a public holiday or an extra non-working day (R2.4)."""

    weekend = "weekend"  # the calendar's `holidays` hours if given, otherwise its Sunday hours
    normal = "normal"  # a holiday is an ordinary day of its weekday
    closed = "closed"  # no hours at all


class Holidays(Sourced):
    country: Annotated[str, Field(description="ISO 3166 code known to the `holidays` package.")]
    subdivision: str | None = None
    categories: list[str] = Field(default_factory=lambda: ["public"])
    extra_yearly: list[str] = Field(
        default_factory=list, description="Non-working days every year, as MM-DD (e.g. 12-24)."
    )
    extra_dates: list[dt.date] = Field(default_factory=list)
    observe: HolidayObservance = HolidayObservance.weekend

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value not in _supported_countries():
            raise ValueError(f"{value!r} is not a country the holidays package knows (e.g. DK)")
        return value

    @field_validator("extra_yearly")
    @classmethod
    def _month_days(cls, values: list[str]) -> list[str]:
        for value in values:
            match = _MONTH_DAY.match(str(value))
            try:
                if not match:
                    raise ValueError
                dt.date(2000, int(match.group(1)), int(match.group(2)))
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a day of the year (write MM-DD, e.g. 12-24)"
                ) from None
        return values

    @model_validator(mode="after")
    def _known_categories(self) -> Holidays:
        known = _supported_categories(self.country)
        unknown = [item for item in self.categories if item not in known]
        if unknown:
            raise ValueError(
                f"unknown holiday categories {unknown} for {self.country} "
                f"(known: {', '.join(sorted(known))})"
            )
        return self


@cache
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays_package.list_supported_countries())


@cache
def _supported_categories(country: str) -> frozenset[str]:
    return frozenset(holidays_package.country_holidays(country).supported_categories)


class Calendar(Sourced):
    """A named set of local hours: given per day (`hours`) or as the rest of other calendars."""

    name: Text | None = None
    hours: dict[DaySelector, TimeRanges] | None = Field(
        default=None,
        description="Day selector (mon, mon-fri, weekdays, weekend, all, holidays) to ranges.",
    )
    rest_of: list[Key] | None = Field(
        default=None, description="All time that none of these calendars holds."
    )
    holidays: HolidayObservance | None = Field(
        default=None, description="Overrides time.holidays.observe for this calendar."
    )

    @model_validator(mode="after")
    def _one_definition(self) -> Calendar:
        if (self.hours is None) == (self.rest_of is None):
            raise ValueError("give exactly one of `hours` (weekly hours) or `rest_of` (calendars)")
        return self

    def day_ranges(self) -> dict[int, list[MinuteRange]]:
        """Ranges per day kind as written, before holiday observance is applied."""
        days: dict[int, list[MinuteRange]] = {kind: [] for kind in range(DAY_KINDS)}
        for selector, ranges in (self.hours or {}).items():
            for kind in parse_day_selector(selector):
                days[kind].extend(ranges)
        return days


def observe_holidays(
    days: dict[int, list[MinuteRange]], observance: HolidayObservance, holidays_given: bool
) -> WeekPattern:
    """Fill in the holiday day kinds from the written hours and the observance rule."""
    result = []
    for kind in range(DAY_KINDS):
        if kind < HOLIDAY_OFFSET or holidays_given:
            result.append(days[kind])
        elif observance is HolidayObservance.weekend:
            result.append(days[6])
        elif observance is HolidayObservance.normal:
            result.append(days[kind - HOLIDAY_OFFSET])
        else:
            result.append([])
    return WeekPattern(tuple(tuple(sorted(ranges)) for ranges in result))


def find_overlap(days: dict[int, list[MinuteRange]]) -> tuple[int, MinuteRange, MinuteRange] | None:
    for kind, ranges in days.items():
        pair = first_overlap(ranges)
        if pair:
            return kind, pair[0], pair[1]
    return None


class ServicePeriods(Sourced):
    """The calendars that make up service time, e.g. primary and secondary (R2.1-R2.3)."""

    periods: Annotated[list[Key], Field(min_length=1)]
    cover_all_time: bool = Field(
        default=True, description="Every instant lies in exactly one period (24x7x365)."
    )


class WorkingDays(Sourced):
    """What a working day is, for targets given in working days (R7.3)."""

    calendar: Key = Field(description="A working day is a day with hours in this calendar.")
    day_minutes: Annotated[int, Field(gt=0, le=1440)] = Field(
        description="Service time that one working day of a target stands for (480 = 8 hours)."
    )


class TimeRules(Sourced):
    timezone: str
    holidays: Holidays | None = None
    calendars: dict[Key, Calendar]
    service_periods: ServicePeriods
    working_days: WorkingDays | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone (use an IANA name, e.g. Europe/Copenhagen)"
            ) from None
        return value

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def calendar_names(self) -> list[str]:
        return [*BUILTIN_CALENDARS, *self.calendars]


__all__ = [
    "BUILTIN_CALENDARS",
    "Calendar",
    "HolidayObservance",
    "Holidays",
    "ServicePeriods",
    "Source",
    "TimeOfDay",
    "TimeRanges",
    "TimeRules",
    "WorkingDays",
]
