"""Sets of time as sorted, disjoint `[start, end)` pairs of microseconds, and one sweep that
measures them all per service period at once (numpy, exact to the microsecond)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

Micros = npt.NDArray[np.int64]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def micros(instant: dt.datetime) -> int:
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def instant(value: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=int(value))


def by_day(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """`[start, end)` cut at every midnight UTC, the pieces in which intervals are stored."""
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    while start < end:
        midnight = dt.datetime.combine(start.date() + DAY, dt.time(), dt.UTC)
        piece_end = min(end, midnight)
        yield start, piece_end
        start = piece_end


class TimeSet:
    """A set of instants: sorted, disjoint, non-empty `[start, end)` intervals."""

    __slots__ = ("ends", "starts")

    def __init__(self, starts: Micros, ends: Micros) -> None:
        self.starts, self.ends = starts, ends

    @classmethod
    def union(cls, pairs: Iterable[tuple[int, int]]) -> TimeSet:
        array = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
        return cls.from_arrays(array[:, 0], array[:, 1])

    @classmethod
    def from_arrays(cls, starts: Micros, ends: Micros) -> TimeSet:
        """The union of any intervals, overlapping or touching ones merged."""
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        if starts.size == 0:
            return cls(starts, ends)
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], np.maximum.accumulate(ends[order])
        # A new run begins where an interval starts after everything before it has ended.
        begins = np.ones(starts.size, dtype=bool)
        begins[1:] = starts[1:] > ends[:-1]
        first = np.flatnonzero(begins)
        last = np.append(first[1:] - 1, starts.size - 1)
        return cls(starts[first], ends[last])

    def contains(self, points: Micros) -> npt.NDArray[np.bool_]:
        """For each point, whether it lies in the set."""
        index = np.searchsorted(self.starts, points, side="right") - 1
        inside = index >= 0
        inside[inside] = points[inside] < self.ends[index[inside]]
        return inside

    def clip(self, start: int, end: int) -> TimeSet:
        starts = np.maximum(self.starts, start)
        ends = np.minimum(self.ends, end)
        keep = ends > starts
        return TimeSet(starts[keep], ends[keep])

    @property
    def total(self) -> int:
        return int((self.ends - self.starts).sum())

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.starts.tolist(), self.ends.tolist(), strict=True))


def sweep(
    start: int, end: int, sets: Iterable[TimeSet], cuts: Iterable[Micros] = ()
) -> tuple[Micros, Micros]:
    """The elementary pieces of `[start, end)` between every boundary of the sets and every
    cut: within a piece each set holds all of it or none. Gives the pieces' starts, lengths."""
    bounds = [np.array([start, end], dtype=np.int64), *cuts]
    bounds += [np.concatenate([item.starts, item.ends]) for item in sets]
    points = np.unique(np.clip(np.concatenate(bounds), start, end))
    return points[:-1], np.diff(points)
