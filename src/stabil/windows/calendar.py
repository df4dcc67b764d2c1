"""The public calendar of a service's announced windows, for any calendar program (RFC 5545).

Authorities subscribe to it once and see every window in their own calendar: one e-mail is
easy to miss, a calendar entry is not. Each window is one event with a stable UID; its
SEQUENCE rises each time it moves, so calendar programs replace it instead of adding another,
and a cancelled window stays in the feed as CANCELLED, so it disappears from theirs too.
Times are local, with the zone's VTIMEZONE, so that the entries keep their hour across DST.
The same feed carries the service's meetings (R17, R9.8): their entries are given to it
(`extra`) by the routes and the publication, which know the meetings; this package does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from stabil.catalog.models import DeclarationVersion
from stabil.catalog.service import declaration_of
from stabil.declaration import Declaration
from stabil.windows.announcements import when
from stabil.windows.models import ServiceWindow
from stabil.windows.service import announced_windows
from stabil.windows.states import WindowState

HISTORY = dt.timedelta(days=366)  # a year back: enough for anyone's calendar, and bounded
MEDIA_TYPE = "text/calendar; charset=utf-8"


def calendar_of(
    session: Session, stored: DeclarationVersion, now: dt.datetime, extra: Sequence[Event] = ()
) -> bytes:
    """The calendar of the service's announced windows from a year before `now`, and the
    `extra` entries given."""
    windows = announced_windows(session, stored.service_id, since=now - HISTORY)
    return calendar(declaration_of(stored), windows, extra)


def calendar(
    declaration: Declaration, windows: list[ServiceWindow], extra: Sequence[Event] = ()
) -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//Stabil//Servicevinduer//DA")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", f"Servicevinduer for {declaration.metadata.name.da}")
    feed.add("x-wr-timezone", declaration.time.zone.key)
    for window in windows:
        feed.add_component(event(declaration, window))
    for entry in extra:
        feed.add_component(entry)
    feed.add_missing_timezones()
    ical: bytes = feed.to_ical()
    return ical


def timed_event(
    uid: str,
    sequence: int,
    created: dt.datetime,
    updated: dt.datetime,
    span: tuple[dt.datetime, dt.datetime],
    zone: ZoneInfo,
) -> Event:
    """An entry of a service's feed with what every entry has: its stable UID, its revision,
    its stamps in UTC, and its start and end in the declaration's zone (RFC 5545)."""
    entry = Event()
    entry.add("uid", uid)
    entry.add("sequence", sequence)
    entry.add("dtstamp", updated.astimezone(dt.UTC))
    entry.add("created", created.astimezone(dt.UTC))
    entry.add("last-modified", updated.astimezone(dt.UTC))
    entry.add("dtstart", span[0].astimezone(zone))
    entry.add("dtend", span[1].astimezone(zone))
    return entry


def event(declaration: Declaration, window: ServiceWindow) -> Event:
    entry = timed_event(
        uid(declaration, window),
        sequence(window),
        window.created_at,
        window.updated_at,
        (window.planned_start, window.planned_end),
        declaration.time.zone,
    )
    entry.add("summary", summary(declaration, window))
    entry.add("description", description(declaration, window))
    entry.add("status", "CANCELLED" if window.state == WindowState.cancelled else "CONFIRMED")
    entry.add("transp", "OPAQUE")
    entry.add("categories", [kind_name(declaration, window.kind)])
    return entry


def uid(declaration: Declaration, window: ServiceWindow) -> str:
    """The same for a window for ever: its id within the service, which never changes."""
    return f"servicevindue-{window.id}@{declaration.key}.stabil"


def sequence(window: ServiceWindow) -> int:
    """How many times the window has moved (RFC 5545: a revision that changes its times)."""
    return sum(1 for item in window.events if item.kind == "rescheduled")


def summary(declaration: Declaration, window: ServiceWindow) -> str:
    name = declaration.metadata.name.da
    if window.state == WindowState.cancelled:
        return f"Aflyst: {name}: {window.title}"
    return f"{name}: {window.title}"


def description(declaration: Declaration, window: ServiceWindow) -> str:
    da, en = when(window, declaration)
    parts = [window.body.strip(), f"{kind_name(declaration, window.kind)}, {da}."]
    if window.affected:
        parts.append("Berørte dele: " + ", ".join(window.affected))
    if window.body_en:
        parts.append(f"English: {window.body_en.strip()} ({en})")
    return "\n\n".join(part for part in parts if part)


def kind_name(declaration: Declaration, key: str) -> str:
    kinds = declaration.service_windows.kinds if declaration.service_windows else []
    return next((kind.name.da for kind in kinds if kind.key == key), key)
