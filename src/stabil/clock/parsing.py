"""ISO 8601 instants as people write them: with an offset, or as local time of a zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from stabil.clock.errors import ClockError

_EXAMPLE = "e.g. 2026-04-07T08:45 or 2026-04-07T08:45:00+02:00"


def parse_instant(text: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant `text` names: with an offset (`Z`, `+01:00`) that instant, without one the
    local time in `zone`, which must happen exactly once (DST Sundays make some times skip or
    repeat, and guessing which instant was meant would move a deadline by an hour)."""
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"{text!r} is not an ISO 8601 time ({_EXAMPLE})") from None
    if parsed.tzinfo is not None:
        return parsed
    first, second = parsed.replace(tzinfo=zone), parsed.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if _round_trips(first):
        raise ClockError(
            f"{text} happens twice in {zone.key} (the clocks go back); give its offset: "
            f"{_offset(first)} for the first, {_offset(second)} for the second"
        )
    raise ClockError(
        f"{text} does not exist in {zone.key} (the clocks skip it); "
        f"give an offset ({_offset(first)} or {_offset(second)}) or another time"
    )


def _round_trips(local: dt.datetime) -> bool:
    back = local.astimezone(dt.UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def _offset(local: dt.datetime) -> str:
    return local.isoformat()[-6:]


def format_instant(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """ISO 8601 in the zone, to the second, with the numeric offset: 2026-04-07T08:45:00+02:00."""
    return instant.astimezone(zone).isoformat(timespec="seconds")
