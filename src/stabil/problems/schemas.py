"""The JSON shapes of the problem API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from stabil.problems.states import ProblemState
from stabil.schemas import Choice, Key, LongText, NotNull, Strict, Title

IncidentKeys = Annotated[list[Key], Field(max_length=100)]


class ProblemIn(Strict):
    service: Key
    title: Title
    description: LongText = ""
    root_cause: LongText = ""
    workaround: LongText = ""
    owner: Key | None = Field(default=None, description="Key of the owning organisation.")
    incidents: IncidentKeys = Field(default_factory=list, description="Keys of incidents.")


class ProblemPatch(Strict):
    """Fields to change, and optionally a new state; the fields change first.

    A field left out keeps its value; only `owner` may be null (no owner), and `note`.
    """

    title: Annotated[Title | None, NotNull] = None
    description: Annotated[LongText | None, NotNull] = None
    root_cause: Annotated[LongText | None, NotNull] = None
    workaround: Annotated[LongText | None, NotNull] = None
    owner: Key | None = Field(default=None, description="Organisation key; null: no owner.")
    state: Annotated[Choice[ProblemState] | None, NotNull] = None
    note: LongText | None = Field(default=None, description="Why the state changes.")


class LinkIn(Strict):
    incidents: Annotated[list[Key], Field(min_length=1, max_length=100)]


class NoteIn(Strict):
    note: Annotated[
        LongText, Field(min_length=1, description="Every reader of the problem reads it.")
    ]


class ProblemOut(BaseModel):
    key: str
    service: str
    title: str
    description: str
    root_cause: str
    workaround: str
    owner: str | None
    state: ProblemState
    state_since: dt.datetime
    incidents: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    allowed_transitions: list[ProblemState]
    revision: int


class ProblemPage(BaseModel):
    items: list[ProblemOut]
    total: int
    limit: int
    offset: int
