"""Who may see and change problems.

Admins, operators and viewers see every problem. A supplier sees the problems its organisation
owns and those linked to an incident handed to it; an authority sees those linked to an
incident it reported. Only admins and operators change problems.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from stabil.accounts.models import Role, User
from stabil.desk import access as desk_access
from stabil.desk.errors import Forbidden
from stabil.problems.models import Problem, ProblemIncident

SEE_ALL = {Role.admin, Role.operator, Role.viewer}
WORK = {Role.admin, Role.operator}


def visible(user: User) -> ColumnElement[bool]:
    """A filter for the problems `user` may see."""
    if user.role in SEE_ALL:
        return true()
    through_incident = Problem.links.any(ProblemIncident.incident.has(desk_access.visible(user)))
    if user.role is Role.supplier and user.organisation_id is not None:
        return or_(Problem.owner_id == user.organisation_id, through_incident)
    if user.role is Role.authority and user.organisation_id is not None:
        return through_incident
    return false()


def can_see(user: User, problem: Problem) -> bool:
    if user.role in SEE_ALL:
        return True
    if user.role is Role.supplier and user.belongs_to(problem.owner_id):
        return True
    return any(desk_access.can_see(user, link.incident) for link in problem.links)


def check_can_see(user: User, problem: Problem) -> None:
    if not can_see(user, problem):
        raise Forbidden(f"{problem.key} is not visible to your organisation")


def check_can_work(user: User) -> None:
    if user.role not in WORK:
        raise Forbidden("only admins and operators may record or change problems")
