"""Public holidays and the declaration's extra non-working days, per year, with their names."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import holidays as holidays_package

from stabil.clock.years import LAST_YEAR
from stabil.declaration.time import Holidays

EXTRA_DAY_NAME = "non-working day"


class DaysOff:
    """The dates a declaration treats as holidays (R2.4), built lazily one year at a time."""

    def __init__(self, rules: Holidays | None) -> None:
        self.rules = rules
        self._years: dict[int, dict[dt.date, str]] = {}

    def names(self, year: int) -> dict[dt.date, str]:
        """Every day off in `year`, with its name in the country's own language."""
        names = self._years.get(year)
        if names is None:
            names = self._years[year] = self._build(year) if self.rules else {}
        return names

    def name(self, day: dt.date) -> str | None:
        return self.names(day.year).get(day)

    def __contains__(self, day: dt.date) -> bool:
        return day in self.names(day.year)

    def _build(self, year: int) -> dict[dt.date, str]:
        assert self.rules is not None
        rules = self.rules
        official = _country_days(rules.country, rules.subdivision, tuple(rules.categories), year)
        extra = [dt.date.fromisoformat(f"{year}-{item}") for item in _valid(rules, year)]
        extra += [day for day in rules.extra_dates if day.year == year]
        # An extra day is named after any holiday category that has it (5 June: Grundlovsdag),
        # so that a trace of a deadline says which day was skipped.
        every_name = _country_days(rules.country, rules.subdivision, None, year) if extra else {}
        names = {day: every_name.get(day, EXTRA_DAY_NAME) for day in extra}
        names.update(official)
        return dict(sorted(names.items()))


def _valid(rules: Holidays, year: int) -> list[str]:
    """Extra yearly days that exist in `year` (02-29 only in leap years)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return [item for item in rules.extra_yearly if leap or item != "02-29"]


@cache
def _country_days(
    country: str, subdivision: str | None, categories: tuple[str, ...] | None, year: int
) -> dict[dt.date, str]:
    """Holidays of one year from the holidays package; None asks for every category."""
    entity = _entity_class(country)
    chosen = categories if categories is not None else entity.supported_categories
    days = entity(
        subdiv=subdivision, years=year, categories=chosen, language=entity.default_language
    )
    return {day: str(name) for day, name in days.items()}


@cache
def _entity_class(country: str) -> Any:
    """The package's class for a country, its last year raised to the clock's last year.

    The package stops every country at 2100 because some calendars it knows are tabulated only
    that far; holidays that follow Easter and fixed dates (Denmark's) are computed by rule for
    any year, and the clock must answer for 2100-2399 too.
    """
    entity = type(holidays_package.country_holidays(country))
    if entity.end_year >= LAST_YEAR:
        return entity
    return type(entity.__name__, (entity,), {"end_year": LAST_YEAR})
