"""Tables built for a run of local years and grown on demand, safely shared between threads.

A table is an immutable snapshot (a span) that covers whole local years. A query reads the
current span once; when an instant lies outside it, a new span with more years is built under a
lock and published by one assignment, so a reader never sees a half-built table.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from stabil.clock.errors import ClockError
from stabil.clock.years import LAST_YEAR, YearBounds


class Covering(Protocol):
    first_year: int
    last_year: int
    low: int  # the instant the first year begins
    high: int  # the instant after the last year ends


SpanT = TypeVar("SpanT", bound=Covering)


class LazyYears(Generic[SpanT]):
    def __init__(self, years: YearBounds, build: Callable[[int, int], SpanT], empty: SpanT) -> None:
        self.years = years
        self._build = build
        self._lock = threading.Lock()
        self.span = empty  # covers nothing: its low lies after its high

    def covering(self, first: int, last: int) -> SpanT:
        """A span that holds the instants `first` <= `last`."""
        span = self.span
        if span.low <= first and last < span.high:
            return span
        return self._grow_to(first, last)

    def _grow_to(self, first: int, last: int) -> SpanT:
        first_year, last_year = self.years.year_of(first), self.years.year_of(last)
        with self._lock:
            span = self.span
            if span.low <= span.high:
                first_year = min(first_year, span.first_year)
                last_year = max(last_year, span.last_year)
            else:
                # A first table includes the next year: deadlines near December run into it.
                last_year = min(last_year + 1, LAST_YEAR)
            if (first_year, last_year) != (span.first_year, span.last_year):
                self.span = self._build(first_year, last_year)
            return self.span

    def grown_forward(self, span: SpanT) -> SpanT:
        """A span with `span`'s first year that reaches further into the future (twice as many
        years). Counts of open time start at the first year, so a caller that counted in `span`
        can go on counting in the result even if another thread has grown the table backwards.
        """
        with self._lock:
            current = self.span
            if current.first_year == span.first_year and current.last_year > span.last_year:
                return current
            if span.last_year >= LAST_YEAR:
                raise ClockError(
                    f"the answer lies after {LAST_YEAR}, the last year the clock covers"
                )
            years = span.last_year - span.first_year + 1
            last_year = min(LAST_YEAR, max(current.last_year, span.last_year + years))
            grown = self._build(span.first_year, last_year)
            if span.first_year <= current.first_year:  # it holds every year `current` holds
                self.span = grown
            return grown
