"""Which service period holds an instant (R2): one sorted list of boundaries for all periods."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from stabil.clock.lazy import LazyYears
from stabil.clock.table import IntervalTable
from stabil.clock.years import YearBounds

NO_PERIOD = -1  # the label of time no period holds, possible only without cover_all_time


class PeriodSpan:
    """Consecutive pieces of time, each labelled with the index of the period that holds it.

    Piece i is `[bounds[i], bounds[i + 1])` (the last ends at `high`); touching pieces of one
    period are merged, so every bound is a change of period (R2.5: it belongs to the later one).
    """

    __slots__ = ("_arrays", "bounds", "first_year", "high", "labels", "last_year", "low")

    def __init__(
        self, first_year: int, last_year: int, low: int, high: int, pieces: list[tuple[int, int]]
    ) -> None:
        self.first_year, self.last_year, self.low, self.high = first_year, last_year, low, high
        self.bounds = [start for start, _ in pieces]
        self.labels = [label for _, label in pieces]
        self._arrays: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None

    def label_at(self, instant: int) -> int:
        return self.labels[bisect_right(self.bounds, instant) - 1]

    def pieces(self, start: int, end: int) -> Iterator[tuple[int, int, int]]:
        """The labelled pieces of `[start, end)`, cut at its ends."""
        index = bisect_right(self.bounds, start) - 1
        while index < len(self.bounds) and self.bounds[index] < end:
            stop = self.bounds[index + 1] if index + 1 < len(self.bounds) else self.high
            yield max(start, self.bounds[index]), min(end, stop), self.labels[index]
            index += 1

    def arrays(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Bounds and labels as numpy arrays, for the batch queries."""
        if self._arrays is None:
            self._arrays = (
                np.array(self.bounds, dtype=np.int64),
                np.array(self.labels, dtype=np.int64),
            )
        return self._arrays


class PeriodTable:
    def __init__(self, tables: Sequence[IntervalTable], years: YearBounds) -> None:
        self.tables = tables
        self.years = years
        self.lazy = LazyYears(years, self._build, PeriodSpan(1, 0, 1, 0, []))

    def covering(self, first: int, last: int) -> PeriodSpan:
        return self.lazy.covering(first, last)

    def _build(self, first_year: int, last_year: int) -> PeriodSpan:
        low, high = self.years.start(first_year), self.years.start(last_year + 1)
        labelled = sorted(
            (start, end, label)
            for label, table in enumerate(self.tables)
            for year in range(first_year, last_year + 1)
            for start, end in table.year_chunk(year)
        )
        pieces: list[tuple[int, int]] = []
        cursor = low
        for start, end, label in labelled:
            if start > cursor:
                _add(pieces, cursor, NO_PERIOD)
            _add(pieces, start, label)
            cursor = end
        if cursor < high:
            _add(pieces, cursor, NO_PERIOD)
        return PeriodSpan(first_year, last_year, low, high, pieces)


def _add(pieces: list[tuple[int, int]], start: int, label: int) -> None:
    if not pieces or pieces[-1][1] != label:
        pieces.append((start, label))
