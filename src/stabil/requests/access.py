"""Who may see and do what with service requests.

Admins and operators see and handle every request; viewers read them all; an authority
submits requests and sees its organisation's own, and may withdraw them while open. Suppliers
see none: requests are between the users and the agency's desk. A request the caller may not
see is answered exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from stabil.access import EVERYTHING, NOTHING, Owned, Scope
from stabil.accounts.models import Role, User
from stabil.accounts.roles import REPORT, SEE_ALL
from stabil.errors import Forbidden, NotFound
from stabil.requests.models import ServiceRequest
from stabil.requests.states import MACHINE, RequestState


def scope(user: User) -> Scope:
    """The one statement of which requests `user` sees; lists and lookups both use it."""
    if user.role in SEE_ALL:
        return EVERYTHING
    if user.role is Role.authority:
        return Owned(ServiceRequest.organisation_id, user.organisation_id)
    return NOTHING


def visible(user: User) -> ColumnElement[bool]:
    return scope(user).where()


def can_see(user: User, request: ServiceRequest) -> bool:
    return scope(user).holds(request)


def not_found(key: str) -> NotFound:
    """The answer for an unknown key, and the same for a key the caller may not see."""
    return NotFound("no service request is named {key!r}", key=key)


def check_can_see(user: User, request: ServiceRequest) -> None:
    if not can_see(user, request):
        raise not_found(request.key)


def can_submit(user: User) -> bool:
    return user.role in REPORT


def check_can_submit(user: User) -> None:
    if not can_submit(user):
        raise Forbidden("only admins, operators and authorities may submit service requests")


def check_step(user: User, request: ServiceRequest, target: RequestState) -> RequestState:
    """The state `request` becomes, if `user` may make it `target` now (states.MACHINE); else
    404, 409 or 403. The `allowed_transitions` a request shows come from the same table."""
    check_can_see(user, request)
    return MACHINE.step(RequestState(request.state), target, user, name=request.key)


def transitions_for(user: User, request: ServiceRequest) -> list[RequestState]:
    """The states `user` may move `request` to now."""
    return MACHINE.allowed(RequestState(request.state), user)
