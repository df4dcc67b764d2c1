"""The JSON shapes of the service-request API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from stabil.requests.states import Category, RequestState
from stabil.schemas import (
    Choice,
    Key,
    Level,
    LongText,
    Name,
    ShortText,
    Strict,
    TimerOut,
    Title,
)


class RequestTimerOut(TimerOut):
    excluded: bool = Field(description="The request was withdrawn: left out of every measure.")


class RequestIn(Strict):
    service: Key
    title: Title
    description: LongText = ""
    category: Choice[Category] = Category.information
    requester: Name | None = Field(
        default=None, description="Who asks, when it is not the user (e.g. a caller's name)."
    )
    priority: Level | None = Field(
        default=None, description="One of the declaration's service-request priorities."
    )


class RequestTransitionIn(Strict):
    to: Choice[RequestState]
    note: LongText | None = None
    reason: ShortText | None = Field(default=None, description="Required for rejected.")


class RequestOut(BaseModel):
    key: str
    service: str
    title: str
    description: str
    category: Category
    state: RequestState
    state_since: dt.datetime
    reason: str | None
    requester: str | None
    organisation: str | None
    priority: int | None
    submitted_at: dt.datetime
    declaration_version: str
    timers: dict[str, RequestTimerOut]
    allowed_transitions: list[RequestState]
    revision: int


class RequestPage(BaseModel):
    items: list[RequestOut]
    total: int
    limit: int
    offset: int
