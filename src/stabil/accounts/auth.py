"""FastAPI dependencies that say who is calling: `Authorization: Bearer TOKEN`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from stabil.accounts.models import User
from stabil.accounts.roles import Role
from stabil.accounts.service import authenticate_token
from stabil.web.deps import SessionDep

# auto_error=False: a missing header gets our 401 with WWW-Authenticate, not FastAPI's 403.
_bearer = HTTPBearer(auto_error=False, description="An API token: `stabil token create`.")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def current_user(session: SessionDep, credentials: BearerCredentials) -> User:
    """The active user whose token the request carries; 401 when there is none."""
    if credentials is None:
        raise _unauthorised("this needs an API token: send 'Authorization: Bearer TOKEN'")
    user = authenticate_token(session, credentials.credentials)
    if user is None:
        raise _unauthorised("the API token is unknown, revoked or belongs to an inactive user")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency: the current user, provided it has one of `roles`; else 403."""
    allowed = " or ".join(roles)

    def user_with_role(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(403, f"this is for the role {allowed}; your role is {user.role}")
        return user

    return user_with_role
