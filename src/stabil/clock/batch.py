"""The clock's queries over numpy arrays: one `searchsorted` per step instead of a loop.

Arrays of instants are epoch seconds (float64) at the edges and whole microseconds (int64)
inside, the same unit as the scalar queries, so both give the same answers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from stabil.clock.errors import ClockError
from stabil.clock.instants import MICROS_PER_SECOND
from stabil.clock.periods import PeriodTable
from stabil.clock.table import IntervalTable, Micros, SpanArrays

Seconds = npt.NDArray[np.float64]
Labels = npt.NDArray[np.int64]


def micros_from_seconds(values: npt.ArrayLike, what: str) -> Micros:
    seconds = np.asarray(values, dtype=np.float64)
    if not np.isfinite(seconds).all():
        raise ClockError(f"{what} must be finite numbers of seconds")
    return np.rint(seconds * MICROS_PER_SECOND).astype(np.int64)


def seconds_from_micros(micros: Micros) -> Seconds:
    return micros / MICROS_PER_SECOND


def counted(arrays: SpanArrays, instants: Micros) -> Micros:
    """Open time from the span's start to each instant (see `Span.counted`)."""
    index = np.searchsorted(arrays.starts, instants, side="right") - 1
    counts: Micros = np.minimum(instants - arrays.shift[index], arrays.cum_end[index])
    return counts


def elapsed(table: IntervalTable, starts: Micros, ends: Micros) -> Micros:
    starts, ends = np.broadcast_arrays(starts, ends)
    if starts.size == 0:
        return np.zeros(starts.shape, dtype=np.int64)
    span = table.covering(int(min(starts.min(), ends.min())), int(max(starts.max(), ends.max())))
    arrays = span.arrays()
    elapsed: Micros = np.maximum(counted(arrays, ends) - counted(arrays, starts), 0)
    return elapsed


def deadlines(table: IntervalTable, starts: Micros, amounts: Micros) -> Micros:
    starts, amounts = np.broadcast_arrays(starts, amounts)
    if starts.size == 0:
        return np.zeros(starts.shape, dtype=np.int64)
    if (amounts < 0).any():
        raise ClockError("a duration is at least 0 seconds")
    span = table.covering(int(starts.min()), int(starts.max()))
    counts = counted(span.arrays(), starts) + amounts
    # Growing forward keeps the span's first year, where the counts start.
    span = table.reaching(span, int(counts.max()))
    arrays = span.arrays()
    found = counts + arrays.shift[np.searchsorted(arrays.cum_end, counts, side="left")]
    return np.where(amounts == 0, starts, found)


def period_labels(table: PeriodTable, instants: Micros) -> Labels:
    if instants.size == 0:
        return np.zeros(instants.shape, dtype=np.int64)
    span = table.covering(int(instants.min()), int(instants.max()))
    bounds, labels = span.arrays()
    return labels[np.searchsorted(bounds, instants, side="right") - 1]
