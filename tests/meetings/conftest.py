"""What the meeting tests share: the time, and the calls that plan and hold meetings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from stabil.meetings.models import Meeting
from stabil.meetings.service import NewMeeting, plan_meeting, record_minutes
from tests.cast import Cast

CPH = ZoneInfo("Europe/Copenhagen")
# Tuesday 14 April 2026, 10:00 in Copenhagen: the second quarter, the March-April period.
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
API = "/api/v1/services/borger-dk/meetings"
OPERATIONS = "operations_meeting"
REVIEW = "review_meeting"


def local(month: int, day: int, hour: int = 10, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=CPH)


def planned(
    session: Session, cast: Cast, starts_at: dt.datetime, forum: str = OPERATIONS, **given: object
) -> Meeting:
    new = NewMeeting("borger-dk", forum, starts_at, **given)  # type: ignore[arg-type]
    meeting = plan_meeting(session, cast.operator.user, new, now=NOW)
    session.flush()
    return meeting


def held(session: Session, cast: Cast, starts_at: dt.datetime, forum: str = OPERATIONS) -> Meeting:
    """A meeting before NOW, its minutes recorded."""
    meeting = planned(session, cast, starts_at, forum)
    record_minutes(session, cast.operator.user, meeting, "Referat.", ["Godkendt"], now=NOW)
    return meeting
