"""Plain-language summaries of a declaration, for the terminal and the web pages."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal

from stabil.declaration.hours import HOLIDAY_OFFSET, MinuteRange, WeekPattern
from stabil.declaration.model import Declaration
from stabil.declaration.priorities import Target

_DAY_LABELS = {
    "da": ("man", "tir", "ons", "tor", "fre", "lør", "søn"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_WORDS = {
    "da": {"holidays": "helligdage", "closed": "lukket", "always": "hele døgnet, alle dage"},
    "en": {"holidays": "holidays", "closed": "closed", "always": "around the clock, every day"},
}


def describe_week(pattern: WeekPattern, language: str = "da") -> str:
    """E.g. `Mon-Fri 08:30-16:30; holidays closed`: runs of days with the same hours."""
    words = _WORDS[language]
    if all(day == (MinuteRange(0, 1440),) for day in pattern.days):
        return words["always"]
    labels = _DAY_LABELS[language]
    parts = []
    for first, last, ranges in _runs([pattern.days[day] for day in range(7)]):
        days = labels[first] if first == last else f"{labels[first]}-{labels[last]}"
        parts.append(f"{days} {_ranges_text(ranges, words)}")
    holidays = {pattern.days[kind] for kind in range(HOLIDAY_OFFSET, HOLIDAY_OFFSET + 7)}
    ordinary = {pattern.days[day] for day in range(7)}
    if holidays != ordinary or len(holidays) > 1:
        texts = sorted({_ranges_text(ranges, words) for ranges in holidays})
        parts.append(f"{words['holidays']} {' / '.join(texts)}")
    return "; ".join(parts)


def _ranges_text(ranges: tuple[MinuteRange, ...], words: dict[str, str]) -> str:
    return ", ".join(str(item) for item in ranges) if ranges else words["closed"]


def _runs(days: list[tuple[MinuteRange, ...]]) -> list[tuple[int, int, tuple[MinuteRange, ...]]]:
    runs: list[tuple[int, int, tuple[MinuteRange, ...]]] = []
    for index, ranges in enumerate(days):
        if runs and runs[-1][2] == ranges:
            runs[-1] = (runs[-1][0], index, ranges)
        else:
            runs.append((index, index, ranges))
    return [run for run in runs if run[2]] or runs[:1]


@dataclass(frozen=True, slots=True)
class TargetRow:
    level: int
    name: str
    major: bool
    targets: dict[str, str]


_UNITS = {  # (one, more)
    "da": {
        "minutes": ("min", "min"),
        "hours": ("time", "timer"),
        "working_days": ("arbejdsdag", "arbejdsdage"),
    },
    "en": {
        "minutes": ("min", "min"),
        "hours": ("hour", "hours"),
        "working_days": ("working day", "working days"),
    },
}
_LOCALES = {"da": "da_DK", "en": "en_GB"}


def number_text(value: float, language: str = "da") -> str:
    """99,7 in Danish, 99.7 in English."""
    return format_decimal(value, locale=_LOCALES[language])


def target_text(declaration: Declaration, target: Target, language: str = "da") -> str:
    """E.g. `2 arbejdsdage (primær driftstid)`: amount, unit, and the calendar it counts in."""
    calendar = declaration.time.calendars.get(target.calendar)
    where = calendar.name.get(language).lower() if calendar and calendar.name else target.calendar
    one, more = _UNITS[language][target.unit.value]
    unit = one if target.value == 1 else more
    return f"{number_text(target.value, language)} {unit} ({where})"


def target_rows(declaration: Declaration, language: str = "da") -> list[TargetRow]:
    return [
        TargetRow(
            level=priority.level,
            name=priority.name.get(language),
            major=priority.level in declaration.major_priorities(),
            targets={
                timer: target_text(declaration, priority.targets[timer], language)
                if timer in priority.targets
                else "-"
                for timer in declaration.timers
            },
        )
        for priority in sorted(declaration.priorities, key=lambda item: item.level)
    ]


def one_line(declaration: Declaration) -> str:
    """`borger-dk 1.0 (Borger.dk): 2 service periods, 4 priorities, 2 timers, 4 window kinds`."""
    meta = declaration.metadata
    counts = [
        (len(declaration.time.service_periods.periods), "service period"),
        (len(declaration.priorities), "priority"),
        (len(declaration.timers), "timer"),
        (
            len(declaration.service_windows.kinds) if declaration.service_windows else 0,
            "window kind",
        ),
    ]
    text = ", ".join(f"{count} {_plural(word, count)}" for count, word in counts)
    example = " [example]" if meta.example else ""
    return f"{meta.service} {meta.version} ({meta.name.get('en')}){example}: {text}"


def _plural(word: str, count: int) -> str:
    if count == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"
