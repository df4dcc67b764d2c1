"""Who may see and change changes.

The agency's desk and its readers see every change, and so do suppliers: the change process is
agreed with them, and they carry out much of the work (R12.1). Authorities see none; they hear
of the work through the service windows and the status channel (R12.2). Only admins and
operators record changes and move them on. A change the caller may not see is answered exactly
like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from stabil.access import EVERYTHING, NOTHING, Scope
from stabil.accounts.models import Role, User
from stabil.accounts.roles import SEE_ALL, WORK
from stabil.changes.models import Change
from stabil.changes.states import MACHINE, ChangeState
from stabil.errors import Forbidden, NotFound

READ = SEE_ALL | {Role.supplier}


def scope(user: User) -> Scope:
    """The one statement of which changes `user` sees; lists and lookups both use it."""
    return EVERYTHING if user.role in READ else NOTHING


def visible(user: User) -> ColumnElement[bool]:
    return scope(user).where()


def can_see(user: User, change: Change) -> bool:
    return scope(user).holds(change)


def not_found(key: str) -> NotFound:
    """The answer for an unknown key, and the same for a key the caller may not see."""
    return NotFound("no change is named {key!r}", key=key)


def can_work(user: User) -> bool:
    return user.role in WORK


def check_can_work(user: User) -> None:
    if not can_work(user):
        raise Forbidden("only admins and operators may record, plan or move changes")


def check_step(user: User, change: Change, target: ChangeState) -> ChangeState:
    """The state `change` becomes, if `user` may make it `target` now; else 409 or 403."""
    return MACHINE.step(ChangeState(change.state), target, user, name=change.key)


def transitions_for(user: User, change: Change) -> list[ChangeState]:
    """The states `user` may move `change` to now."""
    return MACHINE.allowed(ChangeState(change.state), user)
