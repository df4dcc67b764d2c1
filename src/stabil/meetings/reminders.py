"""Reminding the participants of a meeting, and the owners of its actions, through the outbox.

A meeting's reminders are the worker's jobs, 7 days and 1 day before it starts, keyed by the
meeting: they move with it, and recording its minutes or cancelling it cancels them. A job
that comes due writes one mail per address under a dedupe key of the meeting, the reminder
and the address, so that a job run twice (or a worker that dies after writing) mails once.
An action's reminder comes at 08:00 local time the day before it is due, unless it is done.

Who is reminded: the contacts the declaration names for the forum (R9.8: the authorities'
network, i.e. the status channel's subscribers); for a forum whose participants the
declaration gives in words only (R17.1), the authorities' active users; and the addresses
given when the meeting was planned.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import Organisation, User
from stabil.accounts.roles import OrganisationKind
from stabil.declaration import Declaration
from stabil.desk.notify import local_text
from stabil.meetings.forums import Forum
from stabil.meetings.models import Meeting, MeetingAction
from stabil.outbox.links import app_url
from stabil.outbox.service import Email, enqueue_emails
from stabil.subscriptions.service import contact_emails
from stabil.worker.jobs import Plan, cancel_pending

REMINDER = "meeting_reminder"
ACTION_DUE = "meeting_action_due"
DAYS_BEFORE = (7, 1)
ACTION_HOUR = dt.time(8, 0)


def subject_of(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


def plan(session: Session, meeting: Meeting, now: dt.datetime) -> None:
    """The meeting's reminders that still lie ahead."""
    jobs = Plan()
    for days in DAYS_BEFORE:
        run_at = meeting.starts_at - dt.timedelta(days=days)
        if run_at <= now:
            continue  # planned at short notice: the later reminder still comes
        jobs.schedule(
            kind=REMINDER,
            subject_key=subject_of(meeting),
            dedupe_key=f"{REMINDER}:{meeting.id}:{days}",
            run_at=run_at,
            payload={"meeting": meeting.id, "days": days},
        )
    jobs.write(session)


def forget(session: Session, meeting: Meeting) -> None:
    cancel_pending(session, subject_of(meeting), prefix=REMINDER)


def plan_action(session: Session, action: MeetingAction, declaration: Declaration) -> None:
    zone = declaration.time.zone
    day_before = action.due_on - dt.timedelta(days=1)
    run_at = dt.datetime.combine(day_before, ACTION_HOUR, tzinfo=zone).astimezone(dt.UTC)
    jobs = Plan()
    jobs.schedule(
        kind=ACTION_DUE,
        subject_key=_action_subject(action),
        dedupe_key=f"{ACTION_DUE}:{action.id}",
        run_at=max(run_at, action.created_at),
        payload={"action": action.id},
    )
    jobs.write(session)


def forget_action(session: Session, action: MeetingAction) -> None:
    cancel_pending(session, _action_subject(action))


def remind_meeting(
    session: Session, meeting: Meeting, forum: Forum, declaration: Declaration, days: int
) -> None:
    """The reminder `days` before the meeting, with its agenda, to each participant once."""
    subject = f"Påmindelse: {meeting.title}, {local_text(meeting.starts_at, declaration)}"
    body = _meeting_body(meeting, forum, declaration)
    mails = [
        Email(
            recipient=address,
            subject=subject,
            body=body,
            subject_kind="meeting",
            subject_key=subject_of(meeting),
            dedupe_key=f"{REMINDER}:{meeting.id}:{days}:{address}",
        )
        for address in participants(session, meeting, forum, declaration)
    ]
    enqueue_emails(session, mails)


def remind_action(session: Session, action: MeetingAction, declaration: Declaration) -> None:
    """The action's reminder to its owner's active users, once each."""
    meeting = action.meeting
    due = action.due_on.strftime("%d.%m.%Y")
    subject = f"Action forfalder {due}: {action.text}"
    body = "\n".join(
        [
            f"Action fra {meeting.title} ({local_text(meeting.starts_at, declaration)}):",
            action.text,
            f"Ansvarlig: {action.owner.name}. Forfalder: {due}.",
            f"Se mødet: {app_url(f'/desk/meetings/{meeting.id}')}",
            "",
            "-- English --",
            f"Action of {meeting.title}: {action.text}",
            f"Owner: {action.owner.name}. Due: {action.due_on.isoformat()}.",
            "",
        ]
    )
    addresses = _organisation_users(session, action.owner_id)
    mails = [
        Email(
            recipient=address,
            subject=subject,
            body=body,
            subject_kind="meeting",
            subject_key=subject_of(meeting),
            dedupe_key=f"{ACTION_DUE}:{action.id}:{address}",
        )
        for address in addresses
    ]
    enqueue_emails(session, mails)


def participants(
    session: Session, meeting: Meeting, forum: Forum, declaration: Declaration
) -> list[str]:
    """Addresses reminded of the meeting, lower-cased, each once."""
    found = contact_emails(session, declaration, forum.contacts, meeting.service_id)
    if not forum.contacts:
        found += _authority_users(session)
    found += meeting.invitees
    return list(dict.fromkeys(address.lower() for address in found))


def _meeting_body(meeting: Meeting, forum: Forum, declaration: Declaration) -> str:
    zone = declaration.time.zone
    start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    place = meeting.location or "-"
    pack = app_url(f"/desk/meetings/{meeting.id}/pack")
    danish = [
        f"{forum.name.da} ({forum.rule})",
        f"{meeting.title}",
        f"Tid: {local_text(meeting.starts_at, declaration)}-{end:%H:%M}",
        f"Sted: {place}",
        "",
        "Dagsorden:",
        *[f"{number}. {item.da}" for number, item in enumerate(forum.agenda, 1)],
        "",
        f"Mødepakken: {pack}",
    ]
    english = [
        f"{forum.name.get('en')}: {meeting.title}",
        f"Time: {start:%Y-%m-%d %H:%M}-{end:%H:%M} ({zone.key})",
        f"Place: {place}",
        "",
        "Agenda:",
        *[f"{number}. {item.get('en')}" for number, item in enumerate(forum.agenda, 1)],
        "",
    ]
    return "\n".join([*danish, "", "-- English --", *english])


def _authority_users(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(User.email)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(Organisation.kind == OrganisationKind.authority, User.active)
            .order_by(User.email)
        )
    )


def _organisation_users(session: Session, organisation_id: int) -> list[str]:
    return [
        address.lower()
        for address in session.scalars(
            select(User.email)
            .where(User.organisation_id == organisation_id, User.active)
            .order_by(User.email)
        )
    ]


def _action_subject(action: MeetingAction) -> str:
    return f"meeting-action:{action.id}"
