"""Dependencies that routes share: a database session per request, committed before it answers.

A route gets its session from `SessionDep`. The session's transaction is committed when the
route function returns and before the answer is sent, so a `2xx` always means the change is
stored; a commit that fails becomes an error answer instead. A request is admitted to the
database first (stabil.web.admission), waiting in the event loop rather than in a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from stabil.db.engine import unit_of_work
from stabil.web.admission import admission_of

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


def writes(request: Request) -> bool:
    return request.method not in READ_METHODS


async def database_turn(request: Request) -> AsyncIterator[None]:
    async with admission_of(request.app).admit(writes=writes(request)):
        yield


# scope="function": the session (and the turn before it) ends when the route function ends,
# before the answer goes out. With the default, FastAPI would commit after sending it.
Turn = Annotated[None, Depends(database_turn, scope="function")]


def get_session(request: Request, _turn: Turn) -> Iterator[Session]:
    with unit_of_work(writes=writes(request)) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


class Units(Protocol):
    """Runs a function in a unit of work of its own; for `async` routes and after-tasks.

    A route that must not hold the database while it does something slow (checking a
    password, say) uses two short units around the slow part instead of one long session.
    """

    async def run(self, work: Callable[[Session], T], *, writes: bool) -> T: ...


@dataclass(frozen=True, slots=True)
class AdmittedUnits:
    """Units of the app's database, each admitted like a request."""

    app: FastAPI

    async def run(self, work: Callable[[Session], T], *, writes: bool) -> T:
        async with admission_of(self.app).admit(writes=writes):
            return await run_in_threadpool(_in_unit, work, writes)


def _in_unit(work: Callable[[Session], T], writes: bool) -> T:
    with unit_of_work(writes=writes) as session:
        return work(session)


def get_units(request: Request) -> Units:
    return AdmittedUnits(request.app)


UnitsDep = Annotated[Units, Depends(get_units)]
