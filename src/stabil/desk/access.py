"""Who may see and do what on the desk, by role and organisation."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from stabil.accounts.models import Role, User
from stabil.desk.errors import Forbidden
from stabil.desk.models import Incident
from stabil.desk.states import Action, State

SEE_ALL = {Role.admin, Role.operator, Role.viewer}
WORK = {Role.admin, Role.operator}
REPORT = {Role.admin, Role.operator, Role.authority}


def visible(user: User) -> ColumnElement[bool]:
    """A filter for the incidents `user` may see."""
    if user.role in SEE_ALL:
        return true()
    if user.role is Role.supplier and user.organisation_id is not None:
        return Incident.party_id == user.organisation_id
    if user.role is Role.authority and user.organisation_id is not None:
        return Incident.reporter_organisation_id == user.organisation_id
    return false()


def can_see(user: User, incident: Incident) -> bool:
    if user.role in SEE_ALL:
        return True
    if user.role is Role.supplier:
        return incident.party_id is not None and incident.party_id == user.organisation_id
    if user.role is Role.authority:
        owner = incident.reporter_organisation_id
        return owner is not None and owner == user.organisation_id
    return False


def check_can_see(user: User, incident: Incident) -> None:
    if not can_see(user, incident):
        raise Forbidden(f"{incident.key} is not visible to your organisation")


def check_can_report(user: User) -> None:
    if user.role not in REPORT:
        raise Forbidden("only admins, operators and authorities may report incidents")


def check_can_edit(user: User, incident: Incident) -> None:
    check_can_see(user, incident)
    if user.role not in WORK:
        raise Forbidden("only admins and operators may edit incidents or change priorities")


def check_can_act(user: User, incident: Incident, action: Action) -> None:
    """Operators work every incident; a supplier resolves what it was handed; an authority may
    withdraw its own report before work starts."""
    check_can_see(user, incident)
    if user.role in WORK:
        return
    if user.role is Role.supplier and action is Action.resolved:
        return
    if (
        user.role is Role.authority
        and action is Action.cancelled
        and incident.state == State.registered
    ):
        return
    raise Forbidden(f"your role ({user.role.value}) may not make {incident.key} {action.value}")
