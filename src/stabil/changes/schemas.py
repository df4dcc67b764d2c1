"""The JSON shapes of the change API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from stabil.changes.states import ChangeState, ChangeType, Risk
from stabil.schemas import Choice, Instant, Key, LongText, NotNull, Strict, Title
from stabil.windows.schemas import QuotaOut
from stabil.windows.states import WindowState

# Ids are 32-bit integers in every database: a larger one names no window.
WindowId = Annotated[int, Field(ge=1, le=2**31 - 1, description="A service window's id.")]


class ChangeIn(Strict):
    service: Key
    type: Choice[ChangeType]
    title: Title
    risk: Choice[Risk]
    start: Instant = Field(description="Planned start, with its offset.")
    end: Instant = Field(description="Planned end, after the start.")
    description: LongText = ""
    implementation_plan: LongText = ""
    fallback_plan: LongText = Field(default="", description="How it is undone if it fails.")


class ChangePatch(Strict):
    """Fields of the plan to change while the change is requested or approved; a field left
    out keeps its value."""

    type: Annotated[Choice[ChangeType] | None, NotNull] = None
    title: Annotated[Title | None, NotNull] = None
    risk: Annotated[Choice[Risk] | None, NotNull] = None
    start: Annotated[Instant | None, NotNull] = None
    end: Annotated[Instant | None, NotNull] = None
    description: Annotated[LongText | None, NotNull] = None
    implementation_plan: Annotated[LongText | None, NotNull] = None
    fallback_plan: Annotated[LongText | None, NotNull] = None


class ChangeTransitionIn(Strict):
    to: Choice[ChangeState]
    note: LongText | None = Field(default=None, description="Required for rejected and failed.")


class WindowLinkIn(Strict):
    window: WindowId


class LinkedWindowOut(BaseModel):
    id: int
    kind: str
    state: WindowState
    start: dt.datetime
    end: dt.datetime
    compliant: bool


class ChangeOut(BaseModel):
    key: str
    service: str
    type: ChangeType
    title: str
    description: str
    risk: Risk
    implementation_plan: str
    fallback_plan: str
    start: dt.datetime = Field(description="Planned start, in UTC.")
    end: dt.datetime = Field(description="Planned end, in UTC.")
    state: ChangeState
    state_since: dt.datetime
    windows: list[LinkedWindowOut] = Field(description="Its service windows, in time order.")
    quota: QuotaOut = Field(
        description="The service's windows used and left per kind in the local year of the "
        "planned start (R12.1)."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    allowed_transitions: list[ChangeState]
    revision: int


class ChangePage(BaseModel):
    items: list[ChangeOut]
    total: int
    limit: int
    offset: int
