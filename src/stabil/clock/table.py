"""One calendar's open time as sorted intervals with cumulative counts: the clock's core.

Counting open time from the start of the table, `counted(t)` is a bisection and its inverse
`instant_at(count)` another, so elapsed time is a difference of two counts and a deadline is
the instant at which the count reaches the start's count plus the duration.
"""

from __future__ import annotations

import zoneinfo
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import numpy.typing as npt

from stabil.clock.days_off import DaysOff
from stabil.clock.errors import ClockError
from stabil.clock.lazy import LazyYears
from stabil.clock.weekly import Interval, merged, year_intervals
from stabil.clock.years import YearBounds
from stabil.declaration.hours import WeekPattern

Micros = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SpanArrays:
    """A span's lists as numpy arrays, for the batch queries."""

    starts: Micros
    ends: Micros
    cum_end: Micros
    shift: Micros


class Span:
    """A calendar's open intervals over the local years `first_year`..`last_year`.

    Interval i is `[starts[i], ends[i])`. Interval 0 is an empty sentinel at `low`, so that every
    instant the span covers has an interval at or before it. `cum_end[i]` is the open time from
    `low` to `ends[i]`, and `shift[i]` how far the calendar's count lags the instant inside
    interval i: there, `counted(t) == t - shift[i]`.
    """

    __slots__ = (
        "_arrays",
        "cum_end",
        "ends",
        "first_year",
        "high",
        "last_year",
        "low",
        "shift",
        "starts",
    )

    def __init__(
        self, first_year: int, last_year: int, low: int, high: int, intervals: list[Interval]
    ) -> None:
        self.first_year, self.last_year, self.low, self.high = first_year, last_year, low, high
        self.starts = [low, *(start for start, _ in intervals)]
        self.ends = [low, *(end for _, end in intervals)]
        lengths = (end - start for start, end in zip(self.starts, self.ends, strict=True))
        self.cum_end = list(accumulate(lengths))
        self.shift = [end - count for end, count in zip(self.ends, self.cum_end, strict=True)]
        self._arrays: SpanArrays | None = None

    @property
    def total(self) -> int:
        return self.cum_end[-1]

    def counted(self, instant: int) -> int:
        """Open time from `low` to `instant`."""
        index = bisect_right(self.starts, instant) - 1
        return min(instant - self.shift[index], self.cum_end[index])

    def instant_at(self, count: int) -> int:
        """The earliest instant at which the open time from `low` reaches `count` > 0."""
        return count + self.shift[bisect_left(self.cum_end, count)]

    def interval_at(self, instant: int) -> int:
        """The index of the last interval that starts at or before `instant`."""
        return bisect_right(self.starts, instant) - 1

    def arrays(self) -> SpanArrays:
        if self._arrays is None:
            self._arrays = SpanArrays(
                *(
                    np.array(items, dtype=np.int64)
                    for items in (self.starts, self.ends, self.cum_end, self.shift)
                )
            )
        return self._arrays


EMPTY_SPAN = Span(1, 0, 1, 0, [])


class IntervalTable:
    """The open intervals of one named calendar, built lazily per local year."""

    def __init__(
        self,
        name: str,
        pattern: WeekPattern,
        zone: zoneinfo.ZoneInfo,
        days_off: DaysOff,
        years: YearBounds,
    ) -> None:
        self.name = name
        self.pattern = pattern
        self.zone = zone
        self.days_off = days_off
        self.years = years
        self._chunks: dict[int, list[Interval]] = {}
        self.lazy = LazyYears(years, self._build, EMPTY_SPAN)

    def year_chunk(self, year: int) -> list[Interval]:
        chunk = self._chunks.get(year)
        if chunk is None:
            chunk = self._chunks[year] = year_intervals(
                self.pattern, year, self.years, self.days_off
            )
        return chunk

    def _build(self, first_year: int, last_year: int) -> Span:
        chunks = [self.year_chunk(year) for year in range(first_year, last_year + 1)]
        low, high = self.years.start(first_year), self.years.start(last_year + 1)
        return Span(first_year, last_year, low, high, merged(chunks))

    def covering(self, first: int, last: int) -> Span:
        return self.lazy.covering(first, last)

    def reaching(self, span: Span, count: int) -> Span:
        """A span whose open time reaches `count`, grown into later years as needed."""
        while span.total < count:
            span = self._grown_forward(span)
        return span

    def _grown_forward(self, span: Span) -> Span:
        if self.pattern.is_empty():  # no need to search the centuries up to the last year
            raise ClockError(f"the calendar {self.name!r} has no hours, so it never runs")
        return self.lazy.grown_forward(span)

    # elapsed and deadline inline Span.counted and Span.instant_at: they are the hot path of
    # every report, and a Python call costs a tenth of a query.

    def elapsed(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        span = self.lazy.span
        if not (span.low <= start and end < span.high):
            span = self.lazy.covering(start, end)
        starts, shift, cum_end = span.starts, span.shift, span.cum_end
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, end, first) - 1
        return min(end - shift[last], cum_end[last]) - min(start - shift[first], cum_end[first])

    def deadline(self, start: int, amount: int) -> int:
        if amount == 0:
            return start
        span = self.lazy.span
        if not span.low <= start < span.high:
            span = self.lazy.covering(start, start)
        index = bisect_right(span.starts, start) - 1
        count = min(start - span.shift[index], span.cum_end[index]) + amount
        if count > span.cum_end[-1]:
            span = self.reaching(span, count)
        # The count is reached within interval `index` (a short target started in open time)
        # or in a later one, so the search starts there.
        found = index if count <= span.cum_end[index] else bisect_left(span.cum_end, count, index)
        return count + span.shift[found]

    def is_open(self, instant: int) -> bool:
        span = self.covering(instant, instant)
        return instant < span.ends[span.interval_at(instant)]

    def open_range(self, instant: int) -> tuple[int, int]:
        """The open interval `[start, end)` that holds `instant`, or else the first after it."""
        span = self.covering(instant, instant)
        index = span.interval_at(instant)
        if instant < span.ends[index]:
            return span.starts[index], span.ends[index]
        while index + 1 == len(span.starts):
            span = self._grown_forward(span)
        return span.starts[index + 1], span.ends[index + 1]

    def next_open(self, instant: int) -> int:
        """The earliest instant at or after `instant` inside the calendar's hours."""
        span = self.covering(instant, instant)
        index = span.interval_at(instant)
        if instant < span.ends[index]:
            return instant
        while index + 1 == len(span.starts):
            span = self._grown_forward(span)
        return span.starts[index + 1]
