"""Which page of a list to show: the number asked for, read leniently, and what it means for
the query (an offset) and for the pages' links (how many pages there are).

A page asked for by a person's address is read leniently: a mistyped number shows the first
page rather than an error, and a number past the end shows the last one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

PAGE_SIZE = 50
LAST_PAGE = 100_000  # bounds the offset the database is asked for


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

    def within(self, total: int) -> Paging:
        """This page, or the last one when `total` items end before it."""
        return replace(self, number=min(self.number, self.pages(total)))
