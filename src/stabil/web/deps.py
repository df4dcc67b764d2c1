"""Dependencies that routes share: a database session per request, committed at its end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from stabil.db.engine import unit_of_work

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    with unit_of_work(writes=request.method not in READ_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
