"""What every list page reads from its address and writes back into its links: the page number
(`?page=`, as text: `Paging.of` reads it, since a page answers a mistyped number with its first
page rather than with a JSON error) and the filters, where a value that names nothing filters
nothing."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Query

from stabil.db.paging import Paging

PageNumber = Annotated[str, Query(alias="page")]
E = TypeVar("E", bound=StrEnum)

__all__ = ["PageNumber", "Paging", "list_url", "member", "typed"]


def list_url(base: str, filters: Mapping[str, str], number: int = 1) -> str:
    """The list at `base` with the filters that have a value, and the page when not the first."""
    values = {name: value for name, value in filters.items() if value}
    if number > 1:
        values["page"] = str(number)
    return f"{base}?{urlencode(values)}" if values else base


def typed(raw: str, longest: int) -> str:
    """A filter's text as typed: PostgreSQL cannot compare with NUL, and no value the filter
    could match is longer than `longest`."""
    return raw.replace("\x00", "").strip()[:longest]


def member(enum: type[E], raw: str) -> E | None:
    """The member of `enum` that `raw` names; None (no filter) when it names none."""
    return next((item for item in enum if item.value == raw), None)
