"""Uptime per service period, from intervals of state (pure: the caller reads the database).

`uptime = 1 - downtime / (period - excluded - unknown)`, per service period (R3.3):
- excluded: the service windows that excuse downtime, wholly left out;
- unknown: time no counting monitor knows the state of, left out of the measured time and
  reported beside it, so that a month without data never reads as 100 %;
- downtime: the union of the down intervals of the parts that count; degraded time is
  reported beside it and is not downtime.
Time is split with the clock's segments, in local time with DST, to the microsecond; the
figures given in seconds are rounded to whole seconds only at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from stabil.clock import Clock
from stabil.watch.states import State
from stabil.watch.timeline import Micros, TimeSet, micros, sweep

MICROS = 1_000_000


# States as the small numbers the figures are computed with; anything else is unknown.
CODES = {State.up: 0, State.degraded: 1, State.down: 2}
UNKNOWN_CODE = 3


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of time in one state, in microseconds since the epoch."""

    start: int
    end: int
    state: State


@dataclass(frozen=True, slots=True)
class Spans:
    """Many pieces of time with their states, as arrays (see CODES)."""

    starts: Micros
    ends: Micros
    codes: npt.NDArray[np.int8]

    @classmethod
    def of(cls, spans: Iterable[Span]) -> Spans:
        items = list(spans)
        return cls(
            np.array([item.start for item in items], dtype=np.int64),
            np.array([item.end for item in items], dtype=np.int64),
            np.array([CODES.get(item.state, UNKNOWN_CODE) for item in items], dtype=np.int8),
        )

    def __add__(self, other: Spans) -> Spans:
        return Spans(
            np.concatenate([self.starts, other.starts]),
            np.concatenate([self.ends, other.ends]),
            np.concatenate([self.codes, other.codes]),
        )

    def holding(self, *states: State) -> TimeSet:
        """The time in which any of the spans is in one of `states`."""
        mask = np.isin(self.codes, [CODES[state] for state in states])
        return TimeSet.from_arrays(self.starts[mask], self.ends[mask])


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """One service period's figures over a range, in microseconds (seconds by the properties)."""

    period: str
    period_micros: int  # measured so far: up to now when the range is still running
    excluded_micros: int
    unknown_micros: int
    downtime_micros: int
    degraded_micros: int
    target_percent: float | None
    allowed_micros: int | None  # the downtime the target allows over the whole range

    @property
    def measured_micros(self) -> int:
        return self.period_micros - self.excluded_micros - self.unknown_micros

    @property
    def uptime(self) -> Fraction | None:
        """The exact share of the measured time that was up; None when nothing was measured."""
        measured = self.measured_micros
        if measured <= 0:
            return None
        return 1 - Fraction(self.downtime_micros, measured)

    @property
    def uptime_percent(self) -> float | None:
        uptime = self.uptime
        return None if uptime is None else round(float(uptime * 100), 5)

    @property
    def met(self) -> bool | None:
        """Whether the target holds; None without a target or without measured time."""
        uptime = self.uptime
        if uptime is None or self.target_percent is None:
            return None
        return uptime * 100 >= Fraction(str(self.target_percent))

    @property
    def budget_seconds(self) -> int | None:
        """The downtime the target allows, in whole seconds, rounded down: to use all of it
        still meets the target."""
        return None if self.allowed_micros is None else self.allowed_micros // MICROS

    @property
    def budget_left_seconds(self) -> int | None:
        """What is left of the budget; below 0 once the target is missed."""
        budget = self.budget_seconds
        return None if budget is None else budget - whole_seconds(self.downtime_micros)


def measure(
    clock: Clock,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    spans: Spans,
    excused: Iterable[tuple[dt.datetime, dt.datetime]],
    targets: Mapping[str, float],
) -> dict[str, PeriodFigures]:
    """Every service period's figures over `[start, end)`, as known at `now`.

    `spans` are the intervals of the parts that count; `excused` the windows that excuse
    downtime. Time after `now` is not measured; the budget still covers the whole range, so
    that a month under way says how much downtime it may still take.
    """
    first, last = micros(start), micros(end)
    measured_end = min(last, max(first, micros(now)))
    down = spans.holding(State.down)
    degraded = spans.holding(State.degraded)
    known = spans.holding(State.up, State.degraded, State.down)
    excluded = TimeSet.union((micros(a), micros(b)) for a, b in excused)
    segments = clock.segments(start, end)
    seg_starts = np.array([micros(item.start) for item in segments], dtype=np.int64)
    seg_ends = np.array([micros(item.end) for item in segments], dtype=np.int64)
    names = list(clock.periods)
    seg_labels = np.array([names.index(item.period) for item in segments], dtype=np.int64)
    cuts = [seg_starts, seg_ends, np.array([measured_end], dtype=np.int64)]
    pieces, lengths = sweep(first, last, [down, degraded, known, excluded], cuts)
    label = _labels(pieces, seg_starts, seg_ends, seg_labels)
    past = pieces < measured_end
    out = excluded.contains(pieces)
    is_down = down.contains(pieces) & ~out
    is_degraded = degraded.contains(pieces) & ~out & ~is_down
    is_unknown = ~known.contains(pieces) & ~out
    figures = {}
    for index, name in enumerate(names):
        mine = label == index
        now_mine = mine & past
        unknown = _sum(lengths, now_mine & is_unknown)
        target = targets.get(name)
        allowed = None
        if target is not None:
            # The whole range less its excused windows and the time already without data.
            whole = _sum(lengths, mine & ~out) - unknown
            allowed = int(max(whole, 0) * (100 - Fraction(str(target))) / 100)
        figures[name] = PeriodFigures(
            period=name,
            period_micros=_sum(lengths, now_mine),
            excluded_micros=_sum(lengths, now_mine & out),
            unknown_micros=unknown,
            downtime_micros=_sum(lengths, now_mine & is_down),
            degraded_micros=_sum(lengths, now_mine & is_degraded),
            target_percent=target,
            allowed_micros=allowed,
        )
    return figures


def seconds(value: int | None) -> int | None:
    """Whole seconds, rounded half up, of a figure in microseconds."""
    return None if value is None else whole_seconds(value)


def whole_seconds(value: int) -> int:
    """Whole seconds, rounded half up, of a figure in microseconds."""
    return (value + MICROS // 2) // MICROS


def _labels(pieces: Micros, starts: Micros, ends: Micros, labels: Micros) -> Micros:
    """The service period of each piece; -1 for time in none (a declaration that does not
    cover all time)."""
    if starts.size == 0:
        return np.full(pieces.size, -1, dtype=np.int64)
    index = np.searchsorted(starts, pieces, side="right") - 1
    inside = (index >= 0) & (pieces < ends[np.maximum(index, 0)])
    return np.where(inside, labels[np.maximum(index, 0)], -1)


def _sum(lengths: Micros, mask: npt.NDArray[np.bool_]) -> int:
    return int(lengths[mask].sum())
