"""Who may see and change meetings.

The forums are the agency's and the authorities' (R17, R9.8): the desk and its readers and the
authorities read every meeting, its pack and its minutes; only admins and operators plan
meetings, record minutes and actions, and cancel.
"""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL, WORK, Role
from stabil.errors import Forbidden, Names, Phrase, TransitionNotAllowed
from stabil.meetings.models import Meeting
from stabil.meetings.states import MACHINE, MeetingState, MeetingStep

READ = SEE_ALL | {Role.authority}


def can_read(user: User) -> bool:
    return user.role in READ


def can_work(user: User) -> bool:
    return user.role in WORK


def check_can_read(user: User) -> None:
    if not can_read(user):
        raise Forbidden(
            "your role ({role}) may not read meetings (who may: {who})",
            role=user.role.value,
            who=Names(role.value for role in sorted(READ)),
        )


def check_can_work(user: User) -> None:
    if not can_work(user):
        raise Forbidden(
            "your role ({role}) may not plan meetings or record their minutes (who may: {who})",
            role=user.role.value,
            who=Names(role.value for role in sorted(WORK)),
        )


def transitions_for(user: User | None, meeting: Meeting) -> list[MeetingStep]:
    return MACHINE.allowed(MeetingState(meeting.state), user)


def check_step(user: User, meeting: Meeting, action: MeetingStep) -> MeetingState:
    return MACHINE.step(MeetingState(meeting.state), action, user, name=name_of(meeting))


def check_open(user: User, meeting: Meeting) -> None:
    """Actions are added to a meeting that is planned or held, never to a cancelled one."""
    if meeting.state != MeetingState.cancelled:
        return
    allowed = [item.value for item in transitions_for(user, meeting)]
    raise TransitionNotAllowed(
        "{name} is cancelled, so it takes no actions; allowed for you now: {allowed}",
        allowed,
        name=name_of(meeting),
        allowed=Names(allowed) if allowed else "nothing",
    )


def name_of(meeting: Meeting) -> Phrase:
    return Phrase("meeting {id}", id=meeting.id)
