"""The meeting pack: what a forum's participants read before they meet, built from the data.

The agenda from the declaration; the actions of the forum's earlier minutes that are still
open, or were done since its last meeting; the operations since that meeting (incidents by
priority, the major incidents with the state of their post-review report, the service windows
and the releases); and what is coming in the half year after it (the planned windows and
releases, with their notice). For the review meeting of R9.8 the majors come with their
review reports and their actions. "Since the last meeting" is since the start of the forum's
last held meeting, or for its first one since the start of the period before.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.declaration.base import Text
from stabil.desk.models import Incident, MajorReview
from stabil.desk.review import review_agenda
from stabil.meetings.forums import Forum
from stabil.meetings.models import Meeting, MeetingAction
from stabil.meetings.schedule import period_before
from stabil.meetings.service import declaration_for, forum_of
from stabil.meetings.states import ActionState, MeetingState
from stabil.printing import pdf_of
from stabil.releases.models import Release
from stabil.releases.present import notice_facts
from stabil.releases.states import OPEN as OPEN_RELEASES
from stabil.rendering import render_page
from stabil.windows.calendar import kind_name
from stabil.windows.models import ServiceWindow
from stabil.windows.states import WindowState

# What is coming: half a year, the longest notice a release needs (R11.1).
HORIZON = dt.timedelta(days=183)
# The pack's own style, inline so that the document stands alone (and prints as a PDF); its
# hash lets the page that serves it allow exactly this style and no other.
CSS = (Path(__file__).parent / "pack.css").read_text(encoding="utf-8")
CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = f"default-src 'none'; style-src '{CSS_HASH}'; base-uri 'none'"
COMING_WINDOWS = (WindowState.planned.value, WindowState.announced.value)


@dataclass(frozen=True, slots=True)
class IncidentCount:
    priority: int
    name: Text
    count: int


@dataclass(frozen=True, slots=True)
class MajorItem:
    key: str
    title: str
    detected_at: dt.datetime
    state: str
    review: str  # not due, draft, overdue, sent, sent late (desk.review)
    due_at: dt.datetime | None
    report: str  # the post-review report in Markdown; empty before it is written
    actions: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class WindowItem:
    id: int
    title: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    state: str
    compliant: bool
    announced_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ReleaseItem:
    id: int
    version: str
    planned_date: dt.date
    state: str
    interface_change: bool
    announced_at: dt.datetime | None
    notice_months: int
    earliest_date: dt.date | None
    notice_met: bool


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: int
    text: str
    owner: str
    due_on: dt.date
    state: str
    done_at: dt.datetime | None
    meeting_id: int
    meeting_title: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class MeetingPack:
    meeting: Meeting
    forum: Forum
    declaration: Declaration
    since: dt.datetime
    until: dt.datetime
    previous: Meeting | None
    actions: list[ActionItem]
    incidents: list[IncidentCount]
    majors: list[MajorItem]
    windows: list[WindowItem]
    releases: list[ReleaseItem]
    coming_windows: list[WindowItem]
    coming_releases: list[ReleaseItem]
    generated_at: dt.datetime

    @property
    def zone(self) -> ZoneInfo:
        return self.declaration.time.zone

    @property
    def incident_total(self) -> int:
        return sum(item.count for item in self.incidents)


def pack(session: Session, meeting: Meeting, now: dt.datetime | None = None) -> MeetingPack:
    """The pack of `meeting`, as the data stands at `now`."""
    now = now or now_utc()
    declaration = declaration_for(meeting)
    forum = forum_of(meeting)
    previous = _previous(session, meeting)
    since = (
        previous.starts_at
        if previous
        else period_before(forum.per_year, meeting.starts_at, declaration.time.zone)
    )
    until = meeting.starts_at
    return MeetingPack(
        meeting=meeting,
        forum=forum,
        declaration=declaration,
        since=since,
        until=until,
        previous=previous,
        actions=_actions(session, meeting, since, now, declaration.time.zone),
        incidents=_incidents(session, meeting.service_id, declaration, since, until),
        majors=_majors(session, meeting, since, until, now),
        windows=_windows(session, meeting.service_id, since, until, coming=False),
        releases=_releases(session, declaration, meeting.service_id, since, until, coming=False),
        coming_windows=_windows(session, meeting.service_id, until, until + HORIZON, coming=True),
        coming_releases=_releases(
            session, declaration, meeting.service_id, until, until + HORIZON, coming=True
        ),
        generated_at=now,
    )


def pack_html(meeting_pack: MeetingPack, language: str) -> str:
    """The pack as one standalone HTML document in `language`, in the service's local time;
    the PDF is printed from this same document."""
    return render_page(
        "meetings/pack.html",
        {
            "pack": meeting_pack,
            "meeting": meeting_pack.meeting,
            "forum": meeting_pack.forum,
            "zone": meeting_pack.zone.key,
            "css": Markup(CSS),
            "kind_name": lambda key: kind_name(meeting_pack.declaration, key),
        },
        language,
    )


def _previous(session: Session, meeting: Meeting) -> Meeting | None:
    """The forum's last held meeting before this one."""
    return session.scalar(
        select(Meeting)
        .where(
            Meeting.service_id == meeting.service_id,
            Meeting.forum == meeting.forum,
            Meeting.state == MeetingState.held.value,
            Meeting.starts_at < meeting.starts_at,
            Meeting.id != meeting.id,
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    )


def _actions(
    session: Session, meeting: Meeting, since: dt.datetime, now: dt.datetime, zone: ZoneInfo
) -> list[ActionItem]:
    """The earlier meetings' actions still open, and those done since the last meeting."""
    rows = session.scalars(
        select(MeetingAction)
        .join(Meeting, MeetingAction.meeting_id == Meeting.id)
        .where(
            Meeting.service_id == meeting.service_id,
            Meeting.forum == meeting.forum,
            Meeting.starts_at < meeting.starts_at,
            or_(MeetingAction.state == ActionState.open.value, MeetingAction.done_at >= since),
        )
        .options(selectinload(MeetingAction.owner), selectinload(MeetingAction.meeting))
        .order_by(MeetingAction.due_on, MeetingAction.id)
    )
    today = now.astimezone(zone).date()
    return [
        ActionItem(
            id=row.id,
            text=row.text,
            owner=row.owner.name,
            due_on=row.due_on,
            state=row.state,
            done_at=row.done_at,
            meeting_id=row.meeting_id,
            meeting_title=row.meeting.title,
            overdue=row.state == ActionState.open and row.due_on < today,
        )
        for row in rows
    ]


def _incidents(
    session: Session,
    service_id: int,
    declaration: Declaration,
    since: dt.datetime,
    until: dt.datetime,
) -> list[IncidentCount]:
    """Incidents detected in the span by priority, every declared priority listed."""
    priorities = session.scalars(
        select(Incident.priority).where(
            Incident.service_id == service_id,
            Incident.detected_at >= since,
            Incident.detected_at < until,
            Incident.state != "cancelled",
        )
    )
    counts = Counter(priorities)
    return [
        IncidentCount(item.level, item.name, counts.get(item.level, 0))
        for item in sorted(declaration.priorities, key=lambda priority: priority.level)
    ]


def _majors(
    session: Session, meeting: Meeting, since: dt.datetime, until: dt.datetime, now: dt.datetime
) -> list[MajorItem]:
    items = [
        item
        for item in review_agenda(session, since, meeting.service.key, now)
        if item.detected_at < until
    ]
    reviews = {
        review.incident.key: review
        for review in session.scalars(
            select(MajorReview)
            .join(Incident, MajorReview.incident_id == Incident.id)
            .where(Incident.key.in_([item.key for item in items]))
            .options(selectinload(MajorReview.incident))
        )
    }
    return [
        MajorItem(
            key=item.key,
            title=item.title,
            detected_at=item.detected_at,
            state=item.state,
            review=item.review,
            due_at=item.due_at,
            report=reviews[item.key].report if item.key in reviews else "",
            actions=list(reviews[item.key].actions) if item.key in reviews else [],
        )
        for item in items
    ]


def _windows(
    session: Session,
    service_id: int,
    since: dt.datetime,
    until: dt.datetime,
    *,
    coming: bool,
) -> list[WindowItem]:
    statement = select(ServiceWindow).where(
        ServiceWindow.service_id == service_id,
        ServiceWindow.planned_start >= since,
        ServiceWindow.planned_start < until,
    )
    if coming:
        statement = statement.where(ServiceWindow.state.in_(COMING_WINDOWS))
    rows = session.scalars(statement.order_by(ServiceWindow.planned_start, ServiceWindow.id))
    return [
        WindowItem(
            id=row.id,
            title=row.title,
            kind=row.kind,
            start=row.actual_start or row.planned_start,
            end=row.actual_end or row.planned_end,
            state=row.state,
            compliant=row.compliant,
            announced_at=row.announced_at,
        )
        for row in rows
    ]


def _releases(
    session: Session,
    declaration: Declaration,
    service_id: int,
    since: dt.datetime,
    until: dt.datetime,
    *,
    coming: bool,
) -> list[ReleaseItem]:
    # A release is planned for a local date: the span in local dates.
    zone = declaration.time.zone
    first, last = since.astimezone(zone).date(), until.astimezone(zone).date()
    statement = select(Release).where(
        Release.service_id == service_id,
        Release.planned_date >= first,
        Release.planned_date < last,
    )
    if coming:
        statement = statement.where(Release.state.in_([state.value for state in OPEN_RELEASES]))
    rows = session.scalars(statement.order_by(Release.planned_date, Release.id))
    return [ReleaseItem(id=row.id, **notice_facts(row)) for row in rows]


def pack_pdf(meeting_pack: MeetingPack, language: str) -> bytes:
    """The pack printed on A4, from the same document as `pack_html`."""
    return pdf_of(pack_html(meeting_pack, language), language=language)


def pack_file_name(meeting: Meeting, extension: str) -> str:
    """`borger-dk-moede-12.pdf`: the service, the meeting's number, the format."""
    return f"{meeting.service.key}-moede-{meeting.id}.{extension}"
