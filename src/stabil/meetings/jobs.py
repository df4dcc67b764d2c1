"""The worker's part in a meeting's life: its reminders, and those of its actions.

Each job does nothing when the meeting has taken place or was cancelled, or the action is
done, so a job run late or twice changes nothing; the mails' dedupe keys keep each one single.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from stabil.meetings import reminders
from stabil.meetings.forums import forum_named
from stabil.meetings.models import Meeting, MeetingAction
from stabil.meetings.service import declaration_for
from stabil.meetings.states import ActionState, MeetingState
from stabil.worker.jobs import handles
from stabil.worker.models import Job


@handles(reminders.REMINDER)
def remind(session: Session, job: Job, now: dt.datetime) -> None:
    meeting = session.get(Meeting, int(job.payload["meeting"]))
    if meeting is None or meeting.state != MeetingState.planned or meeting.starts_at <= now:
        return
    declaration = declaration_for(meeting)
    forum = forum_named(declaration, meeting.forum)
    reminders.remind_meeting(session, meeting, forum, declaration, int(job.payload["days"]))


@handles(reminders.ACTION_DUE)
def action_due(session: Session, job: Job, now: dt.datetime) -> None:
    action = session.get(MeetingAction, int(job.payload["action"]))
    if action is None or action.state != ActionState.open:
        return
    reminders.remind_action(session, action, declaration_for(action.meeting))
