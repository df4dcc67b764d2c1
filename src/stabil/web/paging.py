"""Which page of a list a page shows: a number from the URL, read leniently, since a page
answers a mistyped number with its first page rather than with a JSON error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

PAGE_SIZE = 50
LAST_PAGE = 100_000  # bounds the offset the database is asked for
# `?page=`, as text: `Paging.of` reads it.
PageNumber = Annotated[str, Query(alias="page")]


@dataclass(frozen=True, slots=True)
class Paging:
    number: int = 1
    size: int = PAGE_SIZE

    @classmethod
    def of(cls, raw: str | None, size: int = PAGE_SIZE) -> Paging:
        digits = raw is not None and raw.isascii() and raw.isdigit() and len(raw) < 7
        number = int(raw) if digits and raw is not None else 1
        return cls(number=min(max(number, 1), LAST_PAGE), size=size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.size))
