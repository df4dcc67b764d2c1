"""Query pieces every domain's lists and lookups share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

T = TypeVar("T")


def contains_text(columns: Sequence[Any], text: str) -> ColumnElement[bool]:
    """Any of the columns holds `text`, ignoring case.

    LIKE's wildcards are escaped, so that a search for "50%" finds "50%", not "50 anything".
    """
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def count_and_page(
    session: Session, matching: Select[T], *, limit: int, offset: int
) -> tuple[list[T], int]:
    """One page of what `matching` selects (ordered and loaded as it says), and the total."""
    total = session.scalar(select(func.count()).select_from(matching.order_by(None).subquery()))
    return list(session.scalars(matching.limit(limit).offset(offset))), total or 0


def one_by_key(
    session: Session, statement: Select[T], key: str, *, max_length: int, for_update: bool
) -> T | None:
    """The row `statement` finds for a human key, or None; locked when asked.

    A key that is too long or holds NUL cannot exist, and PostgreSQL would refuse to compare
    with NUL at all, so such keys are answered without asking the database.
    """
    if len(key) > max_length or "\x00" in key:
        return None
    if for_update:
        statement = statement.with_for_update()
    return session.scalar(statement)


def one_by_id(session: Session, model: type[T], row_id: int, *, for_update: bool) -> T | None:
    """The row of `model` with the id, or None; locked when asked."""
    statement = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
    if for_update:
        statement = statement.with_for_update()
    return session.scalar(statement)
