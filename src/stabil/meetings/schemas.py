"""The JSON shapes of the meeting API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, EmailStr, Field

from stabil.meetings.schedule import Standing
from stabil.meetings.states import ActionState, MeetingState, MeetingStep
from stabil.schemas import FromText, Instant, Key, LongText, Name, ShortText, Strict, Title


def _in_range(value: dt.date) -> dt.date:
    if not 1970 <= value.year <= 9998:
        raise ValueError("lies outside 1970-9998 (give the real date, e.g. 2026-09-15)")
    return value


Day = Annotated[dt.date, FromText, AfterValidator(_in_range)]


class MeetingIn(Strict):
    forum: Key = Field(
        description="Which declared meeting: a key of the declaration's meetings[] "
        "(e.g. operations_meeting, R17.1) or review_meeting (R9.8)."
    )
    starts_at: Instant
    ends_at: Instant | None = Field(
        default=None, description="By default the declared duration after the start."
    )
    title: Title | None = Field(default=None, description="By default the forum's name.")
    location: Name = ""
    invitees: Annotated[list[EmailStr], Field(max_length=100)] = Field(
        default_factory=list, description="Addresses reminded besides the declared participants."
    )


class MinutesIn(Strict):
    minutes: LongText = Field(default="", description="The decision minutes, in Markdown.")
    decisions: Annotated[list[ShortText], Field(max_length=100)] = Field(default_factory=list)


class ActionIn(Strict):
    text: ShortText
    owner: Key = Field(description="The key of the organisation that owns it.")
    due_on: Day = Field(description="The due date, in the service's local calendar.")


class CancelIn(Strict):
    reason: ShortText


class ActionOut(BaseModel):
    id: int
    meeting_id: int
    text: str
    owner: str = Field(description="The owner organisation's key.")
    owner_name: str
    due_on: dt.date
    state: ActionState
    done_at: dt.datetime | None


class MeetingOut(BaseModel):
    id: int
    service: str
    forum: str
    forum_name: str
    rule: str = Field(description="The declaration's clause, e.g. R17.1.")
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    state: MeetingState
    over_quota: bool = Field(description="Planned beyond the declared number a year: flagged.")
    warnings: list[str]
    invitees: list[str] = Field(description="Shown to those who plan meetings only.")
    minutes: str
    decisions: list[str]
    minutes_at: dt.datetime | None
    actions: list[ActionOut]
    allowed_transitions: list[MeetingStep]
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int


class SlotOut(BaseModel):
    start: dt.datetime = Field(description="Local midnight, with its offset.")
    end: dt.datetime
    label: str
    standing: Standing = Field(
        description="held, planned, due (the period lasts or lies ahead) or missing."
    )
    meetings: list[int]


class ScheduleOut(BaseModel):
    forum: str
    name: str
    rule: str
    per_year: int
    periods: list[SlotOut]
