"""Wall-clock times as a person types them into a form, read in the declaration's zone.

A `datetime-local` field has no offset: the zone gives it one. Twice a year a wall-clock time
is not one instant. In the spring gap it never happens: refused, saying which hour is
skipped. In the autumn hour it happens twice (R13.2: that night 00:00-07:00 lasts 8 hours, so
02:30 is either of two instants an hour apart): refused until the offset says which, never
guessed. A window from 00:00 to 02:00 that night ends at the first 02:00, so the form offers
the choice rather than only refusing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from stabil.errors import Invalid

SHOWN = "%Y-%m-%d %H:%M"  # as the rules' messages write local times: language-neutral
EXAMPLE = "2027-03-28 00:30"
FIRST_YEAR, LAST_YEAR = 1970, 9998  # the instants the API takes (stabil.schemas.Instant)


def local_instant(field: str, text: str, zone: ZoneInfo, offset: str = "") -> dt.datetime:
    """The instant `text` (2027-03-28T00:30) names in `zone`; refused at `field` when it is
    empty, not a date and time, or not one instant there. `offset` (+02:00) says which of
    the two instants a time the clocks show twice is.

    In UTC: Python subtracts two times of one zone by their wall clocks, which would make
    the autumn night 7 hours long."""
    typed = _typed(field, text)
    if typed.tzinfo is not None:
        return typed.astimezone(dt.UTC)  # an offset given (by a client, not the field)
    earlier, later = typed.replace(tzinfo=zone, fold=0), typed.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier.astimezone(dt.UTC)
    start, end = _shifted_hour(earlier, later, zone)
    values = {"time": typed.strftime(SHOWN), "start": start, "end": end}
    if _exists(earlier, zone):
        for reading in (earlier, later):
            if offset and offset_text(reading) == offset.strip():
                return reading.astimezone(dt.UTC)
        raise Invalid(
            field,
            "{time} happens twice, as the clocks go back from {end} to {start} that night; "
            "choose which of the two you mean, or a time before {start} or from {end}",
            **values,
        )
    raise Invalid(
        field,
        "{time} does not exist, as the clocks go forward from {start} to {end} that night; "
        "choose a time before {start} or from {end}",
        **values,
    )


def readings(text: str, zone: ZoneInfo) -> list[dt.datetime]:
    """Both instants of a wall-clock time the zone's clocks show twice, the earlier first;
    none for any other text."""
    try:
        typed = _typed("", text)
    except Invalid:
        return []
    if typed.tzinfo is not None:
        return []
    earlier, later = typed.replace(tzinfo=zone, fold=0), typed.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset() or not _exists(earlier, zone):
        return []
    return sorted((earlier, later), key=lambda reading: reading.astimezone(dt.UTC))


def local_input(instant: dt.datetime | None, zone: ZoneInfo) -> str:
    """An instant as a `datetime-local` field shows it: the zone's wall clock, to the minute."""
    return instant.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if instant else ""


def offset_input(instant: dt.datetime | None, zone: ZoneInfo) -> str:
    """The offset that goes with `local_input` when its wall-clock time happens twice (which
    of the two it is); empty otherwise, as the time alone says it."""
    if instant is None or not readings(local_input(instant, zone), zone):
        return ""
    return offset_text(instant.astimezone(zone))


def offset_text(instant: dt.datetime) -> str:
    """+02:00: the instant's offset from UTC, as ISO 8601 writes it."""
    return instant.isoformat()[-6:]


def _typed(field: str, text: str) -> dt.datetime:
    text = text.strip()
    if not text:
        raise Invalid(field, "Fill this in.")
    try:
        typed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(field, "give a date and a time, e.g. {example}", example=EXAMPLE) from None
    if not FIRST_YEAR <= typed.year <= LAST_YEAR:
        raise Invalid(field, "give a year from {first} to {last}", first=FIRST_YEAR, last=LAST_YEAR)
    return typed


def _exists(local: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether the zone's clocks show this wall-clock time at some instant."""
    back = local.astimezone(dt.UTC).astimezone(zone)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def _shifted_hour(earlier: dt.datetime, later: dt.datetime, zone: ZoneInfo) -> tuple[str, str]:
    """The wall-clock times (HH:MM) between which the clocks skip or repeat, found by
    bisecting the instants that the two readings of the typed time lie between."""
    low, high = sorted((earlier.astimezone(dt.UTC), later.astimezone(dt.UTC)))
    before = low.astimezone(zone).utcoffset()
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    change = high.replace(microsecond=0)
    after = change.astimezone(zone).utcoffset()
    offsets = sorted(offset for offset in (before, after) if offset is not None)
    start, end = ((change + offset).strftime("%H:%M") for offset in offsets)
    return start, end
