"""FastAPI dependencies that say who is calling: `Authorization: Bearer TOKEN`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import BackgroundTasks, Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError

from stabil.accounts.models import User
from stabil.accounts.roles import Role
from stabil.accounts.service import record_token_use, token_holder
from stabil.db.types import now_utc
from stabil.errors import Refusal
from stabil.web.deps import SessionDep, Units, UnitsDep

log = logging.getLogger("stabil.web")

# auto_error=False: a missing header gets our 401 with WWW-Authenticate, not FastAPI's 403.
_bearer = HTTPBearer(auto_error=False, description="An API token: `stabil token create`.")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def current_user(
    session: SessionDep,
    credentials: BearerCredentials,
    units: UnitsDep,
    after_answer: BackgroundTasks,
) -> User:
    """The active user whose token the request carries; 401 when there is none.

    The token's use is recorded after the answer, in a transaction of its own, at most once
    a minute: a read stays a read, and no request waits for the note.
    """
    if credentials is None:
        raise _unauthorised("this needs an API token: send 'Authorization: Bearer TOKEN'")
    holder = token_holder(session, credentials.credentials)
    if holder is None:
        raise _unauthorised("the API token is unknown, revoked or belongs to an inactive user")
    if holder.use_unrecorded:
        after_answer.add_task(_record_use, units, holder.token_id)
    return holder.user


async def _record_use(units: Units, token_id: int) -> None:
    now = now_utc()
    try:
        await units.run(lambda session: record_token_use(session, token_id, now), writes=True)
    except (SQLAlchemyError, Refusal) as error:
        # A busy moment loses one note of use, never an answer; the next use notes it.
        log.warning("could not record the use of token %d: %s", token_id, error)


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency: the current user, provided it has one of `roles`; else 403."""
    allowed = " or ".join(roles)

    def user_with_role(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(403, f"this is for the role {allowed}; your role is {user.role}")
        return user

    return user_with_role
