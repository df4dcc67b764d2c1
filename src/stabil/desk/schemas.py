"""The JSON shapes of the desk API, and the field types every domain's request bodies share."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic import Strict as StrictMode

from stabil.desk.events import NoteVisibility
from stabil.desk.service import Channel, Responsible
from stabil.desk.states import Action, State

EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Far enough for any horizon; any later and a time with a negative offset would not fit a
# datetime once turned into UTC.
LATEST = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def _printable(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it here rather than fail deep in the driver.
    if "\x00" in value:
        raise ValueError("contains a NUL character (remove it)")
    return value


def _instant_text(value: Any) -> Any:
    # Lax datetime parsing would take a number as seconds since 1970; JSON instants are text.
    if isinstance(value, (int, float)):
        raise ValueError("is a number; give an instant as text, e.g. 2026-04-14T10:10:00+02:00")
    return value


def _in_range(value: dt.datetime) -> dt.datetime:
    if value < EARLIEST:
        raise ValueError("lies before 1970-01-01 (give the real time, with its offset)")
    if value >= LATEST:
        raise ValueError("lies after 9998-12-31 (give the real time, with its offset)")
    return value


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("cannot be null (leave the field out to keep its value)")
    return value


# Request bodies are strict, so that "1" and true are not taken for the number 1. JSON has no
# enum or datetime type, though: those arrive as text and are parsed from it.
FromText = StrictMode(False)
E = TypeVar("E", bound=StrEnum)
Choice = Annotated[E, FromText]
# For a field of a PATCH body that may be left out but, when given, may not be null.
NotNull = BeforeValidator(_not_null)

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
Instant = Annotated[
    AwareDatetime, FromText, BeforeValidator(_instant_text), AfterValidator(_in_range)
]


class Strict(BaseModel):
    """The base of every request body: no unknown fields, and no guessing of types."""

    model_config = ConfigDict(extra="forbid", strict=True)


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
    note: str | None = Field(description="None too when the reader may not read the note.")
    note_visibility: NoteVisibility | None


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    total: int
    limit: int
    offset: int
