"""Who sees which rows, stated once: each rule gives both a SQL filter and a Python check.

A list is filtered in the database, while one row fetched by its key is checked in Python.
Written twice, the two drift apart: a row shows in a list yet answers 404, or worse, the
reverse. So each domain states its rule as a `Scope` built from these parts, and both forms
come from that one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute


class Scope(Protocol):
    """The rows of one kind that one user may see."""

    def where(self) -> ColumnElement[bool]:
        """The filter for a query of the rows."""
        ...

    def holds(self, row: Any) -> bool:
        """Whether one loaded row is in scope."""
        ...


@dataclass(frozen=True, slots=True)
class Everything:
    def where(self) -> ColumnElement[bool]:
        return true()

    def holds(self, row: Any) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Nothing:
    def where(self) -> ColumnElement[bool]:
        return false()

    def holds(self, row: Any) -> bool:
        return False


EVERYTHING = Everything()
NOTHING = Nothing()


@dataclass(frozen=True, slots=True)
class Owned:
    """Rows whose `column` names the organisation; no organisation owns nothing."""

    column: InstrumentedAttribute[Any]
    organisation_id: int | None

    def where(self) -> ColumnElement[bool]:
        if self.organisation_id is None:
            return false()
        return self.column == self.organisation_id

    def holds(self, row: Any) -> bool:
        value = getattr(row, self.column.key)
        return self.organisation_id is not None and value == self.organisation_id


@dataclass(frozen=True, slots=True)
class Either:
    """Rows in any of the scopes."""

    scopes: tuple[Scope, ...]

    def where(self) -> ColumnElement[bool]:
        return or_(false(), *(scope.where() for scope in self.scopes))

    def holds(self, row: Any) -> bool:
        return any(scope.holds(row) for scope in self.scopes)


@dataclass(frozen=True, slots=True)
class Through:
    """Rows with a link (`links`, a one-to-many) whose `target` (a many-to-one) is in scope."""

    links: InstrumentedAttribute[Any]
    target: InstrumentedAttribute[Any]
    scope: Scope

    def where(self) -> ColumnElement[bool]:
        return self.links.any(self.target.has(self.scope.where()))

    def holds(self, row: Any) -> bool:
        return any(
            self.scope.holds(getattr(link, self.target.key))
            for link in getattr(row, self.links.key)
        )
