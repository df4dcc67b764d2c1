"""The next allowed start times for a service window of a kind: the planner's answer.

Pure, like `rules`: each slot is a start at which a window of the kind, announced now, keeps
every rule (notice, hours, service period, quota and no overlap with the service's other
windows). One slot per range of the kind's calendar, the earliest in it: for Borger.dk one a
night, at 00:00 unless another window holds the start of the night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.declaration.operations import WindowKind
from stabil.windows.rules import Planned, Proposal, check, earliest_start, year_of

HORIZON = dt.timedelta(days=3 * 366)  # a kind whose quota is used up looks this far ahead
QUARTER = dt.timedelta(minutes=15)


class UnknownKind(ValueError):
    def __init__(self, key: str, known: list[str]) -> None:
        listed = ", ".join(known) or "none"
        super().__init__(f"the declaration has no window kind {key!r}; it has: {listed}")
        self.known = known


def kind_of(declaration: Declaration, key: str) -> WindowKind:
    windows = declaration.service_windows
    for kind in windows.kinds if windows else ():
        if kind.key == key:
            return kind
    raise UnknownKind(key, [kind.key for kind in windows.kinds] if windows else [])


def slots(
    declaration: Declaration,
    kind_key: str,
    *,
    after: dt.datetime,
    now: dt.datetime,
    minutes: int | None = None,
    others: Sequence[Planned] = (),
    used: Mapping[int, int] | None = None,
    limit: int = 5,
) -> list[dt.datetime]:
    """Up to `limit` allowed starts at or after `after` for a window of `minutes` (default:
    the kind's longest). `used`: windows of the kind per year, instead of counting `others`."""
    kind = kind_of(declaration, kind_key)
    length = dt.timedelta(minutes=minutes or kind.max_minutes)
    clock = clock_for(declaration)
    instant = _quarter_up(max(after, earliest_start(declaration, kind, now)))
    horizon = instant + HORIZON
    found: list[dt.datetime] = []
    while len(found) < limit and instant < horizon:
        start, end = clock.open_range(kind.allowed_in, instant)
        candidate = _past_overlaps(max(start, instant), length, others)
        proposal = Proposal(kind.key, candidate, candidate + length, announced=now)
        counted = None if used is None else used.get(year_of(declaration, candidate), 0)
        broken = {
            v.rule for v in check(declaration, proposal, others=others, used=counted, now=now)
        }
        if not broken:
            found.append(candidate.astimezone(declaration.time.zone))
        if "quota" in broken:  # the year is full: on to the first range of the next
            instant = dt.datetime(
                year_of(declaration, candidate) + 1, 1, 1, tzinfo=declaration.time.zone
            )
        else:
            instant = end
    return found


def _quarter_up(instant: dt.datetime) -> dt.datetime:
    """The instant, or the next whole quarter of an hour: a start people can read, and one that
    still keeps the notice a few minutes after it was proposed (00:08:25 with 3 days' notice
    would break it a moment later)."""
    utc = instant.astimezone(dt.UTC)
    floor = utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)
    return floor if floor == utc else floor + QUARTER


def _past_overlaps(
    candidate: dt.datetime, length: dt.timedelta, others: Sequence[Planned]
) -> dt.datetime:
    """The earliest start from `candidate` on at which the window overlaps none of `others`."""
    moved = True
    while moved:
        moved = False
        for other in others:
            if other.start < candidate + length and candidate < other.end:
                candidate, moved = other.end.astimezone(dt.UTC), True
    return candidate
