"""Turn the declared calendars into week patterns and check how service periods fit together."""

from __future__ import annotations

from itertools import pairwise

from stabil.declaration.hours import (
    DAY_KINDS,
    MinuteRange,
    WeekPattern,
    complement,
    day_kind_label,
    normalise,
)
from stabil.declaration.problems import Problem
from stabil.declaration.time import (
    BUILTIN_CALENDARS,
    Calendar,
    HolidayObservance,
    TimeRules,
    find_overlap,
    observe_holidays,
)

_CALENDARS = ("time", "calendars")


def resolve_week_patterns(time: TimeRules) -> tuple[dict[str, WeekPattern], list[Problem]]:
    """Week patterns of all calendars, built-in ones included, with any problems found."""
    resolver = _Resolver(time)
    for name in time.calendars:
        if name in BUILTIN_CALENDARS:
            resolver.problems.append(
                Problem((*_CALENDARS, name), f"{name!r} is built in (choose another name)")
            )
        else:
            resolver.resolve(name)
    return resolver.patterns, resolver.problems


class _Resolver:
    """Resolves calendars in dependency order, since `rest_of` may name calendars given later."""

    def __init__(self, time: TimeRules) -> None:
        self.time = time
        self.default = time.holidays.observe if time.holidays else HolidayObservance.normal
        self.patterns: dict[str, WeekPattern] = dict(BUILTIN_CALENDARS)
        self.problems: list[Problem] = []
        self._resolving: list[str] = []
        self._failed: set[str] = set()

    def resolve(self, name: str) -> WeekPattern | None:
        if name in self.patterns:
            return self.patterns[name]
        if name in self._failed:
            return None
        if name in self._resolving:
            cycle = " -> ".join([*self._resolving[self._resolving.index(name) :], name])
            self._fail((name, "rest_of"), f"calendars refer in a circle: {cycle}")
            return None
        self._resolving.append(name)
        calendar = self.time.calendars[name]
        pattern = self._hours(name, calendar) if calendar.hours is not None else self._rest(name)
        self._resolving.pop()
        if pattern is None:
            self._failed.add(name)
        else:
            self.patterns[name] = pattern
        return pattern

    def _fail(self, where: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem((*_CALENDARS, *where), message))

    def _hours(self, name: str, calendar: Calendar) -> WeekPattern | None:
        days = calendar.day_ranges()
        overlap = find_overlap(days)
        if overlap:
            kind, first, second = overlap
            self._fail(
                (name, "hours"),
                f"ranges overlap on {day_kind_label(kind)}: {first} and {second} "
                "(give each minute once, e.g. merge them into one range)",
            )
            return None
        holidays_given = any(days[kind] for kind in range(7, DAY_KINDS))
        return observe_holidays(days, calendar.holidays or self.default, holidays_given)

    def _rest(self, name: str) -> WeekPattern | None:
        parts: list[WeekPattern] = []
        for index, other in enumerate(self.time.calendars[name].rest_of or []):
            if other == name:
                self._fail((name, "rest_of", index), "a calendar cannot be the rest of itself")
                return None
            if other not in self.time.calendar_names():
                known = self.time.calendar_names()
                self._fail((name, "rest_of", index), _unknown_calendar(other, known))
                return None
            pattern = self.resolve(other)
            if pattern is None:
                return None
            parts.append(pattern)
        return WeekPattern(
            tuple(
                complement([item for part in parts for item in part.days[kind]])
                for kind in range(DAY_KINDS)
            )
        )


def _unknown_calendar(name: str, known: list[str]) -> str:
    return f"no calendar is named {name!r} (known: {', '.join(known)})"


def check_service_periods(time: TimeRules, patterns: dict[str, WeekPattern]) -> list[Problem]:
    """Service periods never overlap and, when they must, leave no minute unassigned (R2)."""
    path = ("time", "service_periods", "periods")
    problems: list[Problem] = []
    names = time.service_periods.periods
    for index, name in enumerate(names):
        if name not in patterns and name not in time.calendars:
            problems.append(Problem((*path, index), _unknown_calendar(name, time.calendar_names())))
    if problems or any(name not in patterns for name in names):
        return problems
    for kind in range(DAY_KINDS):
        labelled = sorted((item, name) for name in names for item in patterns[name].days[kind])
        for (before, first), (after, second) in pairwise(labelled):
            if after.start < before.end:
                span = MinuteRange(after.start, min(before.end, after.end))
                first, second = sorted((first, second), key=names.index)
                problems.append(
                    Problem(
                        path,
                        f"{first} and {second} overlap on {day_kind_label(kind)} {span} "
                        "(every instant belongs to one service period)",
                    )
                )
                return problems
        if time.service_periods.cover_all_time:
            gaps = complement(normalise(item for item, _ in labelled))
            if gaps:
                problems.append(
                    Problem(
                        path,
                        f"no service period holds {day_kind_label(kind)} {gaps[0]} "
                        "(cover all time, e.g. add a period with rest_of: [...], "
                        "or set cover_all_time: false)",
                    )
                )
                return problems
    return problems
