"""Who may see and do what with service requests.

Admins and operators see and handle every request; viewers read them all; an authority
submits requests and sees its organisation's own, and may withdraw them while open. Suppliers
see none: requests are between the users and the agency's desk.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from stabil.accounts.models import Role, User
from stabil.desk.errors import Forbidden
from stabil.requests.models import ServiceRequest
from stabil.requests.states import RequestState

SEE_ALL = {Role.admin, Role.operator, Role.viewer}
WORK = {Role.admin, Role.operator}
SUBMIT = {Role.admin, Role.operator, Role.authority}


def visible(user: User) -> ColumnElement[bool]:
    if user.role in SEE_ALL:
        return true()
    if user.role is Role.authority and user.organisation_id is not None:
        return ServiceRequest.organisation_id == user.organisation_id
    return false()


def can_see(user: User, request: ServiceRequest) -> bool:
    if user.role in SEE_ALL:
        return True
    return user.role is Role.authority and user.belongs_to(request.organisation_id)


def check_can_see(user: User, request: ServiceRequest) -> None:
    if not can_see(user, request):
        raise Forbidden(f"{request.key} is not visible to your organisation")


def check_can_submit(user: User) -> None:
    if user.role not in SUBMIT:
        raise Forbidden("only admins, operators and authorities may submit service requests")


def check_can_move(user: User, request: ServiceRequest, target: RequestState) -> None:
    check_can_see(user, request)
    if user.role in WORK:
        return
    if user.role is Role.authority and target is RequestState.withdrawn:
        return
    raise Forbidden(f"your role ({user.role.value}) may not make {request.key} {target.value}")
