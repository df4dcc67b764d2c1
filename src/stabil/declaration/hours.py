"""Weekly hours: minute-precise, half-open ranges of local time per kind of day (R2.5).

A week pattern holds the open ranges of one calendar for fourteen kinds of day: each weekday as
an ordinary day (indices 0-6, Monday first) and each weekday when it is a public holiday or an
extra non-working day (indices 7-13). Keeping the holiday variant per weekday lets a calendar
ignore holidays, close on them, or give them weekend hours, with one representation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOLIDAY_OFFSET = 7
DAY_KINDS = 14
SELECTOR_ALIASES: dict[str, tuple[int, ...]] = {
    "all": tuple(range(7)),
    "daily": tuple(range(7)),
    "weekdays": tuple(range(5)),
    "weekend": (5, 6),
}
HOLIDAY_SELECTOR = "holidays"
SELECTOR_HELP = "a weekday (mon … sun), a span like mon-fri, weekdays, weekend, all or holidays"

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class MinuteRange:
    """Local time of day `[start, end)` in minutes after midnight; `end` may be 1440 (24:00)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{format_minutes(self.start)}-{format_minutes(self.end)}"


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_time_of_day(text: str, *, allow_end_of_day: bool = False) -> int:
    """Minutes after midnight for `HH:MM`; `24:00` only where a range may end at midnight."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a time of day (write HH:MM, e.g. 08:30)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute > 59:
        raise ValueError(f"{text!r} has minute {minute} (minutes run 00-59, e.g. 08:30)")
    if hour == 24 and minute == 0 and allow_end_of_day:
        return MINUTES_PER_DAY
    if hour > 23:
        latest = "24:00" if allow_end_of_day else "23:59"
        raise ValueError(f"{text!r} has hour {hour} (hours run 00-23; the latest time is {latest})")
    return hour * 60 + minute


def parse_range(value: object) -> MinuteRange:
    """Parse `HH:MM-HH:MM` into a half-open range that lies within one day."""
    if isinstance(value, MinuteRange):
        return value
    if not isinstance(value, str) or value.count("-") != 1:
        raise ValueError(f"{value!r} is not a time range (write HH:MM-HH:MM, e.g. 08:30-16:30)")
    start_text, end_text = value.split("-")
    start = parse_time_of_day(start_text)
    end = parse_time_of_day(end_text, allow_end_of_day=True)
    if end <= start:
        raise ValueError(
            f"{value!r} ends before it starts (a range lies within one day; "
            f"split one that crosses midnight, e.g. 22:00-24:00 and 00:00-08:00)"
        )
    return MinuteRange(start, end)


def parse_day_selector(text: str) -> tuple[int, ...]:
    """Day kinds a selector names: `mon`, `mon-fri`, `sat-sun`, `weekdays`, `weekend`, `all`.

    `holidays` names the holiday variant of every weekday (indices 7-13).
    """
    key = text.strip().lower()
    if key == HOLIDAY_SELECTOR:
        return tuple(range(HOLIDAY_OFFSET, DAY_KINDS))
    if key in SELECTOR_ALIASES:
        return SELECTOR_ALIASES[key]
    if key in WEEKDAYS:
        return (WEEKDAYS.index(key),)
    first, sep, last = key.partition("-")
    if sep and first in WEEKDAYS and last in WEEKDAYS:
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last)
        if end < start:
            raise ValueError(f"{text!r} runs backwards (write the earlier day first, e.g. sat-sun)")
        return tuple(range(start, end + 1))
    raise ValueError(f"{text!r} is not a day selector (write {SELECTOR_HELP})")


def day_kind_label(kind: int) -> str:
    name = WEEKDAY_NAMES_EN[kind % 7]
    return f"{name} (holiday)" if kind >= HOLIDAY_OFFSET else name


def normalise(ranges: Iterable[MinuteRange]) -> tuple[MinuteRange, ...]:
    """Sort and merge touching or overlapping ranges."""
    merged: list[MinuteRange] = []
    for item in sorted(ranges):
        if merged and item.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = MinuteRange(last.start, max(last.end, item.end))
        else:
            merged.append(item)
    return tuple(merged)


def first_overlap(ranges: Sequence[MinuteRange]) -> tuple[MinuteRange, MinuteRange] | None:
    ordered = sorted(ranges)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            return before, after
    return None


def complement(ranges: Sequence[MinuteRange]) -> tuple[MinuteRange, ...]:
    """The parts of a day that the given ranges leave open."""
    gaps: list[MinuteRange] = []
    cursor = 0
    for item in normalise(ranges):
        if item.start > cursor:
            gaps.append(MinuteRange(cursor, item.start))
        cursor = max(cursor, item.end)
    if cursor < MINUTES_PER_DAY:
        gaps.append(MinuteRange(cursor, MINUTES_PER_DAY))
    return tuple(gaps)


@dataclass(frozen=True, slots=True)
class WeekPattern:
    """Open ranges per day kind: `days[weekday]` ordinarily, `days[7 + weekday]` on a holiday."""

    days: tuple[tuple[MinuteRange, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != DAY_KINDS:
            raise ValueError(f"a week pattern has {DAY_KINDS} day kinds, not {len(self.days)}")

    def ranges(self, weekday: int, holiday: bool = False) -> tuple[MinuteRange, ...]:
        return self.days[weekday + (HOLIDAY_OFFSET if holiday else 0)]

    def is_empty(self) -> bool:
        return not any(self.days)


ALWAYS = WeekPattern(tuple((MinuteRange(0, MINUTES_PER_DAY),) for _ in range(DAY_KINDS)))
