"""Dependencies that routes share: a database session per request, committed at its end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from stabil.db.engine import unit_of_work


def get_session() -> Iterator[Session]:
    with unit_of_work() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
