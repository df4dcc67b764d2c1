"""A meeting as the API shows it to one reader."""

from __future__ import annotations

import datetime as dt

from stabil.accounts.models import User
from stabil.meetings.access import can_work, transitions_for
from stabil.meetings.models import Meeting, MeetingAction
from stabil.meetings.schemas import ActionOut, MeetingOut, ScheduleOut, SlotOut
from stabil.meetings.service import ForumSchedule, forum_of
from stabil.meetings.states import ActionState, MeetingState


def meeting_out(meeting: Meeting, reader: User) -> MeetingOut:
    forum = forum_of(meeting)
    return MeetingOut(
        id=meeting.id,
        service=meeting.service.key,
        forum=meeting.forum,
        forum_name=forum.name.da,
        rule=forum.rule,
        title=meeting.title,
        starts_at=_utc(meeting.starts_at),
        ends_at=_utc(meeting.ends_at),
        location=meeting.location,
        state=MeetingState(meeting.state),
        over_quota=meeting.over_quota,
        warnings=warnings_of(meeting, forum.per_year, forum.rule),
        invitees=list(meeting.invitees) if can_work(reader) else [],
        minutes=meeting.minutes,
        decisions=list(meeting.decisions),
        minutes_at=meeting.minutes_at.astimezone(dt.UTC) if meeting.minutes_at else None,
        actions=[action_out(item) for item in meeting.actions],
        allowed_transitions=transitions_for(reader, meeting),
        created_at=_utc(meeting.created_at),
        updated_at=_utc(meeting.updated_at),
        revision=meeting.revision,
    )


def warnings_of(meeting: Meeting, per_year: int, rule: str) -> list[str]:
    """What is allowed but worth saying about a meeting."""
    if not meeting.over_quota:
        return []
    return [
        f"planned beyond the {per_year} meetings a year the declaration asks ({rule}): "
        "allowed, and flagged"
    ]


def action_out(action: MeetingAction) -> ActionOut:
    return ActionOut(
        id=action.id,
        meeting_id=action.meeting_id,
        text=action.text,
        owner=action.owner.key,
        owner_name=action.owner.name,
        due_on=action.due_on,
        state=ActionState(action.state),
        done_at=action.done_at.astimezone(dt.UTC) if action.done_at else None,
    )


def schedule_out(item: ForumSchedule) -> ScheduleOut:
    return ScheduleOut(
        forum=item.forum.key,
        name=item.forum.name.da,
        rule=item.forum.rule,
        per_year=item.forum.per_year,
        periods=[
            SlotOut(
                start=slot.period.start,
                end=slot.period.end,
                label=slot.period.label(),
                standing=slot.standing,
                meetings=list(slot.meetings),
            )
            for slot in item.slots
        ],
    )


def _utc(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(dt.UTC)
