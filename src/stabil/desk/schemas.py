"""The JSON shapes of the desk API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    BaseModel,
    Field,
    StringConstraints,
)

from stabil.desk.service import Channel, Responsible
from stabil.desk.states import Action, State
from stabil.records.models import NoteVisibility
from stabil.schemas import (
    Choice,
    Instant,
    Key,
    Level,
    LongText,
    Name,
    NotNull,
    Printable,
    ShortText,
    Strict,
    TimerOut,
    Title,
)


class ImpactIn(Strict):
    """The reported facts that suggest a priority (R6.5); a fact left out is not given."""

    users_affected_percent: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = (
        Field(default=None, description="Share of the usual users affected; omit if unknown.")
    )
    security_breach: bool = False
    legal_breach: bool = False
    workaround: bool = False
    central_function: bool = False


class IncidentIn(Strict):
    service: Key
    title: Title
    description: LongText = ""
    detected_at: Instant | None = Field(
        default=None, description="When it was detected, with offset; default now; never later."
    )
    impact: ImpactIn = Field(default_factory=ImpactIn)
    priority: Level | None = Field(default=None, description="Default: the suggested priority.")
    priority_reason: ShortText | None = Field(
        default=None, description="Required when the priority differs from the suggestion."
    )
    channel: Choice[Channel] = Channel.api
    reporter: Name | None = Field(
        default=None, description="Who reported it (a name or a functional address)."
    )
    responsible: Choice[Responsible] = Responsible.agency


class IncidentPatch(Strict):
    """The fields to change; a field left out keeps its value, and none of them may be null."""

    title: Annotated[Title | None, NotNull] = None
    description: Annotated[LongText | None, NotNull] = None
    responsible: Annotated[Choice[Responsible] | None, NotNull] = None
    priority: Annotated[Level | None, NotNull] = None
    priority_reason: ShortText | None = None


class TransitionIn(Strict):
    to: Choice[Action]
    at: Instant | None = Field(
        default=None, description="When it really happened, for an entry made afterwards."
    )
    note: LongText | None = None
    note_visibility: Choice[NoteVisibility] = Field(
        default=NoteVisibility.internal,
        description="internal: the desk and the working supplier read the note; shared: the "
        "reporting authority too.",
    )
    party: Key | None = Field(
        default=None, description="A supplier or agency organisation's key, for handed_over."
    )
    reason: ShortText | None = Field(default=None, description="Required for cancelled.")


class NoteIn(Strict):
    note: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000), Printable
    ]
    note_visibility: Choice[NoteVisibility] = Field(
        default=NoteVisibility.internal,
        description="internal: the desk and the working supplier read the note; shared: the "
        "reporting authority too.",
    )


class ImpactOut(BaseModel):
    users_affected_percent: float | None = Field(description="null: not given.")
    security_breach: bool
    legal_breach: bool
    workaround: bool
    central_function: bool


class IncidentOut(BaseModel):
    key: str
    service: str
    title: str
    description: str
    state: State
    priority: int
    priority_reason: str | None
    suggested_priority: int
    suggestion_reason: str
    suggestion_reason_da: str
    major: bool
    impact: ImpactOut
    channel: Channel
    reporter: str | None
    reporter_organisation: str | None
    responsible: Responsible
    party: str | None
    detected_at: dt.datetime
    registered_at: dt.datetime
    declaration_version: str
    timers: dict[str, TimerOut]
    allowed_transitions: list[Action]
    revision: int


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    total: int
    limit: int
    offset: int
