"""Who may see and do what on the desk, by role and organisation.

Admins, operators and viewers see every incident; a supplier sees the incidents handed to its
organisation; an authority sees those its organisation reported. An incident the caller may
not see is answered exactly like one that does not exist, so that nobody can probe for keys.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from stabil.access import EVERYTHING, NOTHING, Owned, Scope
from stabil.accounts.models import Role, User
from stabil.accounts.roles import REPORT, SEE_ALL, WORK
from stabil.desk.models import Incident
from stabil.desk.states import MACHINE, Action, State
from stabil.errors import Forbidden, NotFound


def scope(user: User) -> Scope:
    """The one statement of which incidents `user` sees; lists and lookups both use it."""
    if user.role in SEE_ALL:
        return EVERYTHING
    if user.role is Role.supplier:
        return Owned(Incident.party_id, user.organisation_id)
    if user.role is Role.authority:
        return Owned(Incident.reporter_organisation_id, user.organisation_id)
    return NOTHING


def visible(user: User) -> ColumnElement[bool]:
    """A filter for the incidents `user` may see."""
    return scope(user).where()


def can_see(user: User, incident: Incident) -> bool:
    return scope(user).holds(incident)


def not_found(key: str) -> NotFound:
    """The answer for an unknown key, and the same for a key the caller may not see."""
    return NotFound("no incident is named {key!r}", key=key)


def check_can_see(user: User, incident: Incident) -> None:
    if not can_see(user, incident):
        raise not_found(incident.key)


def sees_internal_notes(user: User) -> bool:
    """Internal notes are for the desk and the working supplier, not the reporting authority.

    The supplier that can see an incident is the one it is handed to now.
    """
    return user.role in SEE_ALL or user.role is Role.supplier


def check_can_report(user: User) -> None:
    if user.role not in REPORT:
        raise Forbidden("only admins, operators and authorities may report incidents")


def check_can_edit(user: User, incident: Incident) -> None:
    check_can_see(user, incident)
    if user.role not in WORK:
        raise Forbidden("only admins and operators may edit incidents or change priorities")


def check_step(user: User, incident: Incident, action: Action) -> State:
    """The state `action` takes `incident` to, if `user` may take it now (states.MACHINE);
    else 404, 409 or 403. The `allowed_transitions` an incident shows come from the same
    table, so the two cannot disagree."""
    check_can_see(user, incident)
    return MACHINE.step(State(incident.state), action, user, name=incident.key)


def transitions_for(user: User, incident: Incident) -> list[Action]:
    """What `user` may do with `incident` now: what its state allows and the user may do."""
    return MACHINE.allowed(State(incident.state), user)
