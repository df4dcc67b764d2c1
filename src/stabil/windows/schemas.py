"""The JSON shapes of the service-window API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from stabil.schemas import Instant, Key, LongText, ShortText, Strict, Title
from stabil.windows.rules import Rule
from stabil.windows.states import WindowState

Parts = Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=50)]


class WindowIn(Strict):
    service: Key
    kind: Key = Field(description="A window kind of the service's declaration, e.g. short.")
    start: Instant
    end: Instant
    title: Title
    body: LongText = ""
    body_en: LongText | None = None
    affected: Parts = Field(default_factory=list, description="Affected parts of the service.")
    announce: bool = Field(default=False, description="Announce it at once.")
    announced_at: Instant | None = Field(
        default=None, description="An announcement made earlier, entered now; never in the future."
    )
    override_reason: ShortText | None = Field(
        default=None, description="Record a window that breaks rules anyway, flagged, and why."
    )


class WindowPatch(Strict):
    """New times for a window that has not begun; an announced one is announced anew."""

    start: Instant
    end: Instant
    override_reason: ShortText | None = Field(
        default=None, description="Record the new times anyway when they break rules, and why."
    )


class StepIn(Strict):
    at: Instant | None = Field(
        default=None, description="When it really happened, for an entry made afterwards."
    )


class AnnounceIn(StepIn):
    override_reason: ShortText | None = Field(
        default=None, description="Announce it anyway when that breaks rules (too late), and why."
    )


class CancelIn(Strict):
    reason: Annotated[ShortText, Field(min_length=1)]


class ViolationOut(BaseModel):
    rule: Rule
    source: str
    message: dict[str, str] = Field(description="By language: da, en.")
    allowed: dict[str, Any] = Field(description="What would be allowed instead, where known.")


class WindowOut(BaseModel):
    id: int
    service: str
    kind: str
    state: WindowState
    start: dt.datetime
    end: dt.datetime
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    announced_at: dt.datetime | None
    compliant: bool
    violations: list[ViolationOut]
    excuses_downtime: bool = Field(description="Only a compliant, announced window does (R3.3).")
    override_reason: str | None
    title: str
    body: str
    body_en: str | None
    affected: list[str]
    message: int | None = Field(
        description="The operational message that announced the window and tells of it."
    )
    change: str | None = Field(description="The key of the change it is for, if any (R12.1).")
    revision: int


class WindowPage(BaseModel):
    items: list[WindowOut]
    total: int
    limit: int
    offset: int


class KindQuota(BaseModel):
    kind: str
    per_year: int | None
    used: int
    left: int | None
    dates: list[dt.date] = Field(description="Local start dates of the windows counted.")


class QuotaOut(BaseModel):
    service: str
    year: int
    kinds: list[KindQuota]


class SlotsOut(BaseModel):
    kind: str
    minutes: int
    slots: list[dt.datetime]
