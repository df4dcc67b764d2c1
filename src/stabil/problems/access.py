"""Who may see and change problems.

Admins, operators and viewers see every problem. A supplier sees the problems its organisation
owns and those linked to an incident handed to it; an authority sees those linked to an
incident it reported. Only admins and operators change problems. A problem the caller may not
see is answered exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from stabil.access import EVERYTHING, NOTHING, Either, Owned, Scope, Through
from stabil.accounts.models import Role, User
from stabil.accounts.roles import SEE_ALL, WORK
from stabil.desk import access as desk_access
from stabil.errors import Forbidden, NotFound
from stabil.problems.models import Problem, ProblemIncident
from stabil.problems.states import MACHINE, ProblemState


def scope(user: User) -> Scope:
    """The one statement of which problems `user` sees; lists and lookups both use it."""
    if user.role in SEE_ALL:
        return EVERYTHING
    through_incident = Through(Problem.links, ProblemIncident.incident, desk_access.scope(user))
    if user.role is Role.supplier:
        return Either((Owned(Problem.owner_id, user.organisation_id), through_incident))
    if user.role is Role.authority:
        return through_incident
    return NOTHING


def visible(user: User) -> ColumnElement[bool]:
    """A filter for the problems `user` may see."""
    return scope(user).where()


def can_see(user: User, problem: Problem) -> bool:
    return scope(user).holds(problem)


def not_found(key: str) -> NotFound:
    """The answer for an unknown key, and the same for a key the caller may not see."""
    return NotFound("no problem is named {key!r}", key=key)


def can_work(user: User) -> bool:
    """Only the desk records problems and changes them, whatever the change."""
    return user.role in WORK


def check_can_work(user: User) -> None:
    if not can_work(user):
        raise Forbidden("only admins and operators may record or change problems")


def links_are_final(problem: Problem) -> bool:
    """A closed problem's incidents stay as they were when it closed: the service refuses to
    link or unlink them (service._check_open_for_links); the pages offer no such form."""
    return problem.state == ProblemState.closed


def check_step(user: User, problem: Problem, target: ProblemState) -> ProblemState:
    """The state `problem` becomes, if `user` may make it `target` now; else 409 or 403."""
    return MACHINE.step(ProblemState(problem.state), target, user, name=problem.key)


def transitions_for(user: User, problem: Problem) -> list[ProblemState]:
    """The states `user` may move `problem` to now."""
    return MACHINE.allowed(ProblemState(problem.state), user)
