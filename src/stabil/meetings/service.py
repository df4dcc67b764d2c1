"""Planning meetings of the declared forums, recording their minutes and actions, cancelling
them, and the schedule of each forum (R17, R9.8).

Functions take a session and never commit; every change appends an immutable event to the
meeting's history, the changes of its actions included. A plan beyond the number of meetings
the declaration asks a year is allowed, and flagged (`over_quota`): an extra meeting after a
bad quarter is no breach, but the follow-up shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import Organisation, User
from stabil.accounts.service import find_organisation, list_organisations
from stabil.catalog.models import DeclarationVersion, Service
from stabil.catalog.publishing import request_publish
from stabil.catalog.service import declaration_of, service_named, version_named
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.errors import Conflict, Invalid, Names, NotFound
from stabil.meetings import reminders
from stabil.meetings.access import check_can_read, check_can_work, check_open, check_step
from stabil.meetings.forums import Forum, forum_named, forums_of
from stabil.meetings.models import Meeting, MeetingAction
from stabil.meetings.schedule import Slot, periods_of, schedule_of
from stabil.meetings.states import TAKING_PLACE, ActionState, MeetingState, MeetingStep
from stabil.records.history import append_event

LONGEST = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class NewMeeting:
    service: str
    forum: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None  # by default the declared duration later (R17.1)
    title: str | None = None  # by default the forum's declared name
    location: str = ""
    invitees: list[str] = field(default_factory=list)


def plan_meeting(
    session: Session, actor: User, new: NewMeeting, now: dt.datetime | None = None
) -> Meeting:
    """A meeting of a declared forum, its reminders planned (see reminders.py)."""
    check_can_work(actor)
    now = now or now_utc()
    stored = version_named(session, new.service, new.starts_at.date())
    declaration = declaration_of(stored)
    forum = forum_named(declaration, new.forum)
    _check_year(declaration, new.starts_at)
    ends_at = new.ends_at or new.starts_at + dt.timedelta(minutes=forum.duration_minutes)
    _check_times(new.starts_at, ends_at)
    meeting = Meeting(
        service_id=stored.service_id,
        declaration_version_id=stored.id,
        forum=forum.key,
        title=(new.title or "").strip() or forum.name.da,
        starts_at=new.starts_at,
        ends_at=ends_at,
        location=new.location.strip(),
        state=MeetingState.planned.value,
        over_quota=_beyond_quota(session, stored, declaration, forum, new.starts_at),
        invitees=sorted({address.strip().lower() for address in new.invitees if address.strip()}),
        minutes="",
        decisions=[],
        created_at=now,
        created_by_id=actor.id,
        revision=0,
        updated_at=now,
    )
    meeting.service = stored.service
    meeting.declaration_version = stored
    session.add(meeting)
    session.flush()  # its id names it in its events, jobs and calendar entry
    append_event(
        session, meeting, kind="planned", actor=actor, recorded_at=now, after=snapshot(meeting)
    )
    reminders.plan(session, meeting, now)
    request_publish(session, meeting.service, now)  # the service's calendar shows it
    return meeting


def record_minutes(
    session: Session,
    actor: User,
    meeting: Meeting,
    minutes: str,
    decisions: list[str],
    now: dt.datetime | None = None,
) -> None:
    """The decision minutes of a meeting that has taken place: it is held (R17.1). Minutes
    recorded again replace the earlier ones, which the history keeps."""
    target = check_step(actor, meeting, MeetingStep.record_minutes)
    now = now or now_utc()
    if meeting.starts_at > now:
        raise Invalid(
            "minutes",
            "the meeting starts at {start}, in the future: minutes are recorded once it has "
            "been held",
            start=meeting.starts_at.isoformat(),
        )
    if not minutes.strip() and not any(item.strip() for item in decisions):
        raise Invalid("minutes", "give the minutes or at least one decision")
    before = snapshot(meeting)
    meeting.state = target.value
    meeting.minutes = minutes.strip()
    meeting.decisions = [item.strip() for item in decisions if item.strip()]
    meeting.minutes_at = now
    reminders.forget(session, meeting)  # no reminder of a meeting that has taken place
    kind = "minutes_recorded" if before["state"] == MeetingState.planned else "minutes_amended"
    append_event(
        session,
        meeting,
        kind=kind,
        actor=actor,
        recorded_at=now,
        before=before,
        after=snapshot(meeting),
    )
    request_publish(session, meeting.service, now)


def cancel_meeting(
    session: Session, actor: User, meeting: Meeting, reason: str, now: dt.datetime | None = None
) -> None:
    """Cancel a planned meeting; its reminders are not sent, its calendar entry says so."""
    target = check_step(actor, meeting, MeetingStep.cancel)
    if not reason.strip():
        raise Invalid("reason", "must be filled in (why the meeting is cancelled)")
    now = now or now_utc()
    before = snapshot(meeting)
    meeting.state = target.value
    reminders.forget(session, meeting)
    append_event(
        session,
        meeting,
        kind="cancelled",
        actor=actor,
        recorded_at=now,
        before=before,
        after=snapshot(meeting),
        note=reason.strip(),
    )
    request_publish(session, meeting.service, now)


def add_action(
    session: Session,
    actor: User,
    meeting: Meeting,
    text: str,
    owner: str,
    due_on: dt.date,
    now: dt.datetime | None = None,
) -> MeetingAction:
    """An action of the meeting's minutes, owned by an organisation, tracked until done."""
    check_can_work(actor)
    check_open(actor, meeting)
    if not text.strip():
        raise Invalid("text", "must be filled in (what is to be done)")
    now = now or now_utc()
    action = MeetingAction(
        meeting_id=meeting.id,
        text=text.strip(),
        owner=_organisation(session, owner),
        due_on=due_on,
        state=ActionState.open.value,
        created_at=now,
    )
    session.add(action)
    session.flush()
    append_event(
        session,
        meeting,
        kind="action_added",
        actor=actor,
        recorded_at=now,
        after=action_snapshot(action),
    )
    reminders.plan_action(session, action, declaration_of(meeting.declaration_version))
    return action


def complete_action(
    session: Session, actor: User, action: MeetingAction, now: dt.datetime | None = None
) -> None:
    check_can_work(actor)
    if action.state == ActionState.done:
        raise Conflict(
            "action {id} was done already, at {at}",
            id=action.id,
            at=action.done_at.isoformat() if action.done_at else "",
        )
    now = now or now_utc()
    before = action_snapshot(action)
    action.state = ActionState.done.value
    action.done_at = now
    reminders.forget_action(session, action)
    append_event(
        session,
        action.meeting,
        kind="action_done",
        actor=actor,
        recorded_at=now,
        before=before,
        after=action_snapshot(action),
    )


def get_meeting(
    session: Session, reader: User, service: str, meeting_id: int, *, for_update: bool = False
) -> Meeting:
    """The service's meeting `meeting_id`; NotFound when it is another service's."""
    check_can_read(reader)
    statement = (
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.service.has(Service.key == service))
        .options(selectinload(Meeting.actions).selectinload(MeetingAction.owner))
    )
    if for_update:
        statement = statement.with_for_update()
    meeting = session.scalar(statement)
    if meeting is None:
        raise NotFound("{service} has no meeting with id {id}", service=service, id=meeting_id)
    return meeting


def meeting_by_id(session: Session, reader: User, meeting_id: int) -> Meeting:
    """The meeting `meeting_id`, of whichever service, for the pages that name it by id."""
    check_can_read(reader)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("no meeting has id {id}", id=meeting_id)
    return meeting


def get_action(session: Session, meeting: Meeting, action_id: int) -> MeetingAction:
    for action in meeting.actions:
        if action.id == action_id:
            return action
    raise NotFound("meeting {meeting} has no action with id {id}", meeting=meeting.id, id=action_id)


def list_meetings(
    session: Session,
    reader: User,
    service: str,
    *,
    forum: str | None = None,
    year: int | None = None,
) -> list[Meeting]:
    """The service's meetings in the order they take place, of one forum or year if asked."""
    check_can_read(reader)
    found = service_named(session, service)
    statement = (
        select(Meeting)
        .where(Meeting.service_id == found.id)
        .options(selectinload(Meeting.actions).selectinload(MeetingAction.owner))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if forum:
        statement = statement.where(Meeting.forum == forum)
    meetings = list(session.scalars(statement))
    if year is None:
        return meetings
    zone = declaration_of(_in_force(session, service)).time.zone
    return [item for item in meetings if item.starts_at.astimezone(zone).year == year]


@dataclass(frozen=True, slots=True)
class ForumSchedule:
    forum: Forum
    slots: list[Slot]


def schedule(
    session: Session, reader: User, service: str, year: int, now: dt.datetime | None = None
) -> list[ForumSchedule]:
    """Per forum of the declaration in force, each period of `year`: held, planned, due or
    missing (R17.1: one a quarter; R9.8: one every second month)."""
    now = now or now_utc()
    declaration = declaration_of(_in_force(session, service))
    meetings = list_meetings(session, reader, service)
    zone = declaration.time.zone
    return [
        ForumSchedule(forum, schedule_of(forum, meetings, year, zone, now))
        for forum in forums_of(declaration)
    ]


def declaration_for(meeting: Meeting) -> Declaration:
    return declaration_of(meeting.declaration_version)


def forum_of(meeting: Meeting) -> Forum:
    return forum_named(declaration_for(meeting), meeting.forum)


def organisations(session: Session) -> list[Organisation]:
    return list_organisations(session)


def snapshot(meeting: Meeting) -> dict[str, Any]:
    return {
        "forum": meeting.forum,
        "title": meeting.title,
        "state": meeting.state,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "location": meeting.location,
        "over_quota": meeting.over_quota,
        "minutes": meeting.minutes,
        "decisions": list(meeting.decisions),
    }


def action_snapshot(action: MeetingAction) -> dict[str, Any]:
    return {
        "action": action.id,
        "text": action.text,
        "owner": action.owner.key,
        "due_on": action.due_on.isoformat(),
        "state": action.state,
        "done_at": action.done_at.isoformat() if action.done_at else None,
    }


def _in_force(session: Session, service: str) -> DeclarationVersion:
    return version_named(session, service, now_utc().date())


def _check_year(declaration: Declaration, starts_at: dt.datetime) -> None:
    year = starts_at.astimezone(declaration.time.zone).year
    if not 1970 <= year <= 9998:
        raise Invalid(
            "starts_at", "lies in {year}, outside 1970-9998 (give the real time)", year=year
        )


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid(
            "ends_at",
            "must be after starts_at ({start}); leave it out for the declared duration",
            start=starts_at.isoformat(),
        )
    if ends_at - starts_at > LONGEST:
        raise Invalid("ends_at", "makes the meeting longer than 24 hours; give the day's end")


def _beyond_quota(
    session: Session,
    stored: DeclarationVersion,
    declaration: Declaration,
    forum: Forum,
    starts_at: dt.datetime,
) -> bool:
    """Whether the forum already has its declared number of meetings in the local year."""
    zone = declaration.time.zone
    year = starts_at.astimezone(zone).year
    periods = periods_of(forum.per_year, year, zone)
    taking_place = session.scalars(
        select(Meeting.id).where(
            Meeting.service_id == stored.service_id,
            Meeting.forum == forum.key,
            Meeting.state.in_([state.value for state in TAKING_PLACE]),
            Meeting.starts_at >= periods[0].start,
            Meeting.starts_at < periods[-1].end,
        )
    ).all()
    return len(taking_place) >= forum.per_year


def _organisation(session: Session, key: str) -> Organisation:
    found = find_organisation(session, key)
    if found is None:
        known = [item.key for item in list_organisations(session)]
        raise Invalid(
            "owner",
            "no organisation has the key {key!r} (known: {known})",
            key=key,
            known=Names(known) if known else "none",
        )
    return found
