"""The JSON shapes of the desk API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from stabil.desk.service import Channel, Responsible
from stabil.desk.states import Action, State

EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _printable(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it here rather than fail deep in the driver.
    if "\x00" in value:
        raise ValueError("contains a NUL character (remove it)")
    return value


def _not_ancient(value: dt.datetime) -> dt.datetime:
    if value < EARLIEST:
        raise ValueError("lies before 1970-01-01 (give the real time, with its offset)")
    return value


Printable = AfterValidator(_printable)
Text = Annotated[str, Printable]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Printable
]
LongText = Annotated[str, StringConstraints(max_length=20_000), Printable]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Printable
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Printable]
Level = Annotated[int, Field(ge=1, le=9)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=64), Printable]
Instant = Annotated[AwareDatetime, AfterValidator(_not_ancient)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    channel: Channel = Channel.api
    reporter: Name | None = Field(
        default=None, description="Who reported it (a name or a functional address)."
    )
    responsible: Responsible = Responsible.agency


class IncidentPatch(Strict):
    title: Title | None = None
    description: LongText | None = None
    responsible: Responsible | None = None
    priority: Level | None = None
    priority_reason: ShortText | None = None


class TransitionIn(Strict):
    to: Action
    at: Instant | None = Field(
        default=None, description="When it really happened, for an entry made afterwards."
    )
    note: LongText | None = None
    party: Key | None = Field(default=None, description="Organisation key, for handed_over.")
    reason: ShortText | None = Field(default=None, description="Required for cancelled.")


class TimerOut(BaseModel):
    calendar: str
    target_seconds: float
    started_at: dt.datetime
    due_at: dt.datetime
    stopped_at: dt.datetime | None
    running: bool
    elapsed_seconds: float
    met: bool | None
    breached: bool


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


class EventOut(BaseModel):
    seq: int
    kind: str
    actor: str | None
    recorded_at: dt.datetime
    effective_at: dt.datetime
    before: dict[str, Any]
    after: dict[str, Any]
    note: str | None


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    total: int
    limit: int
    offset: int
