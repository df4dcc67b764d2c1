"""JSON routes of the accounts: who am I, and (for admins) who is there."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from stabil.accounts.auth import CurrentUser, require_roles
from stabil.accounts.models import Organisation, User
from stabil.accounts.roles import OrganisationKind, Role
from stabil.accounts.service import list_users
from stabil.web.deps import SessionDep

router = APIRouter(tags=["accounts"])
AdminUser = Annotated[User, Depends(require_roles(Role.admin))]


class OrganisationOut(BaseModel):
    key: str
    name: str
    kind: OrganisationKind

    @classmethod
    def of(cls, organisation: Organisation | None) -> OrganisationOut | None:
        if organisation is None:
            return None
        return cls(key=organisation.key, name=organisation.name, kind=organisation.kind)


class UserOut(BaseModel):
    email: str
    display_name: str | None
    role: Role
    organisation: OrganisationOut | None
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            email=user.email,
            display_name=user.display_name,
            role=user.role,
            organisation=OrganisationOut.of(user.organisation),
            active=user.active,
            created_at=user.created_at,
        )


@router.get("/me", summary="The user the API token belongs to")
def get_me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


@router.get("/users", summary="Every user, with role and organisation (admins only)")
def get_users(_admin: AdminUser, session: SessionDep) -> list[UserOut]:
    return [UserOut.of(user) for user in list_users(session)]
