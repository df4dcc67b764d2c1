"""Field types and the base that every domain's request bodies share.

Request bodies are strict and say what is wrong with each field; the web layer answers
their problems as `422` with the field named.
"""

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


# Shapes of answers that more than one domain gives.


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
