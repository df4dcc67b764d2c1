"""A service's meetings as entries of its iCalendar feed, beside its windows (R17, R9.8).

Each meeting is one VEVENT with a UID of its own for ever; a cancelled meeting stays in the
feed as CANCELLED, so that it disappears from the calendars that took it. The feed shows when
and where a forum meets and its agenda, never its minutes: the feed is public.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Event
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from stabil.catalog.service import declaration_of
from stabil.declaration import Declaration
from stabil.errors import Invalid
from stabil.meetings.forums import forum_named
from stabil.meetings.models import Meeting
from stabil.meetings.states import MeetingState
from stabil.windows.calendar import timed_event


def meeting_events(
    session: Session, declaration: Declaration, service_id: int, since: dt.datetime
) -> list[Event]:
    """The service's meetings that end after `since`, as calendar entries."""
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.service_id == service_id, Meeting.ends_at >= since)
        .options(selectinload(Meeting.events), selectinload(Meeting.declaration_version))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [event(declaration, meeting) for meeting in meetings]


def event(declaration: Declaration, meeting: Meeting) -> Event:
    entry = timed_event(
        uid(declaration, meeting),
        sequence(meeting),
        meeting.created_at,
        meeting.updated_at,
        (meeting.starts_at, meeting.ends_at),
        declaration.time.zone,
    )
    cancelled = meeting.state == MeetingState.cancelled
    entry.add("summary", f"Aflyst: {meeting.title}" if cancelled else meeting.title)
    entry.add("description", description(declaration, meeting))
    if meeting.location:
        entry.add("location", meeting.location)
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("transp", "OPAQUE")
    entry.add("categories", ["Møde"])
    return entry


def sequence(meeting: Meeting) -> int:
    """Raised by each change a calendar program must apply over the entry it has: the
    cancellation (RFC 5545)."""
    return sum(1 for item in meeting.events if item.kind == "cancelled")


def uid(declaration: Declaration, meeting: Meeting) -> str:
    """The meeting's id within the service, which never changes."""
    return f"moede-{meeting.id}@{declaration.key}.stabil"


def description(declaration: Declaration, meeting: Meeting) -> str:
    """The forum and its agenda, as the version the meeting was planned under declares them."""
    try:
        forum = forum_named(declaration_of(meeting.declaration_version), meeting.forum)
    except Invalid:
        return meeting.title
    agenda = "\n".join(f"{number}. {item.da}" for number, item in enumerate(forum.agenda, 1))
    return f"{forum.name.da} ({forum.rule})\n\nDagsorden:\n{agenda}"
