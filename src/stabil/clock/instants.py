"""Instants as integer microseconds since the Unix epoch, and local wall times as instants.

The clock works in whole microseconds (the resolution of `datetime`) so that sums and
differences are exact: `elapsed(start, deadline(start, d)) == d` holds to the microsecond.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = dt.timedelta(microseconds=1)
MICROS_PER_SECOND = 1_000_000
MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND
MICROS_PER_DAY = 24 * 60 * MICROS_PER_MINUTE
_MIDNIGHT = dt.time()
_from_timestamp = dt.datetime.fromtimestamp


def to_micros(instant: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime; a naive one is a ValueError."""
    try:
        # Subtracting an aware datetime from a naive one is a TypeError; catching it costs
        # nothing on the hot path, unlike asking for the offset first.
        return (instant - EPOCH) // MICROSECOND
    except TypeError:
        raise ValueError(
            f"{instant!r} is not an aware datetime (give one with a time zone, e.g. UTC)"
        ) from None


def from_micros(micros: int) -> dt.datetime:
    """The instant as an aware datetime in UTC."""
    seconds, rest = divmod(micros, MICROS_PER_SECOND)
    instant = _from_timestamp(seconds, UTC)  # from whole seconds, so no float rounding
    return instant.replace(microsecond=rest) if rest else instant


def duration_micros(seconds: float) -> int:
    """A duration in seconds as whole microseconds; negative durations are refused."""
    if not seconds >= 0:  # also refuses NaN
        raise ValueError(f"a duration is at least 0 seconds, not {seconds}")
    return round(seconds * MICROS_PER_SECOND)


def wall_to_micros(zone: zoneinfo.ZoneInfo, day: dt.date, minute: int) -> int:
    """The first instant at which the local clock reads `minute` after midnight of `day`.

    `minute` may be 1440, the next midnight. Two readings need a rule, both on DST Sundays:
    - one that happens twice (autumn, 02:00-03:00 in Copenhagen) means its first occurrence;
    - one that never happens (spring, 02:00-03:00) means the instant the clocks jump past it.
    This is the earliest instant whose reading is at or after the wall time, so it never
    decreases as the wall time grows: calendars that meet at a wall time still meet at one
    instant, and no range can end before it starts.
    """
    naive = dt.datetime.combine(day, _MIDNIGHT) + dt.timedelta(minutes=minute)
    wall = naive.replace(tzinfo=zone)
    # zoneinfo gives a reading two offsets: fold=0 the one in force before a change, fold=1
    # the one after. They differ only near a change: for a repeated reading the earlier is the
    # larger (clocks go back), for a skipped one the smaller (clocks jump forward).
    before, after = _offset_micros(wall), _offset_micros(wall.replace(fold=1))
    reading = to_micros(naive.replace(tzinfo=UTC))  # the wall reading counted as if in UTC
    if before >= after:
        return reading - before
    # Skipped: with the offset from before the jump the reading lands after it, with the one
    # from after it lands before; the jump lies in between.
    return _offset_change(zone, reading - after, reading - before)


def _offset_micros(local: dt.datetime) -> int:
    offset = local.utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset
    return offset // MICROSECOND


def _offset_change(zone: zoneinfo.ZoneInfo, before: int, after: int) -> int:
    """The instant in (before, after] at which the zone's UTC offset changes (to the second)."""
    low, high = before // MICROS_PER_SECOND, -(-after // MICROS_PER_SECOND)
    offset_after = _offset(zone, high)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(zone, middle) == offset_after:
            high = middle
        else:
            low = middle
    return high * MICROS_PER_SECOND


def _offset(zone: zoneinfo.ZoneInfo, second: int) -> dt.timedelta | None:
    return from_micros(second * MICROS_PER_SECOND).astimezone(zone).utcoffset()


def local_date(zone: zoneinfo.ZoneInfo, micros: int) -> dt.date:
    return from_micros(micros).astimezone(zone).date()
