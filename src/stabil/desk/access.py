"""Who may see and do what on the desk, by role and organisation.

Admins, operators and viewers see every incident; a supplier sees the incidents handed to its
organisation; an authority sees those its organisation reported. An incident the caller may
not see is answered exactly like one that does not exist, so that nobody can probe for keys.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from stabil.access import EVERYTHING, NOTHING, Owned, Scope
from stabil.accounts.models import Role, User
from stabil.desk.models import Incident
from stabil.desk.states import Action, State, allowed_actions
from stabil.errors import Forbidden, NotFound

SEE_ALL = frozenset({Role.admin, Role.operator, Role.viewer})
WORK = frozenset({Role.admin, Role.operator})
REPORT = frozenset({Role.admin, Role.operator, Role.authority})


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
    return NotFound(f"no incident is named {key!r}")


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


def refusal(user: User, incident: Incident, action: Action) -> str | None:
    """Why `user` may not take `action` on `incident`, or None when it may.

    Operators work every incident; a supplier resolves what it was handed; an authority may
    withdraw its own report before work starts. The guard of each transition and the
    `allowed_transitions` an incident shows both ask this, so they cannot disagree.
    """
    if user.role in WORK:
        return None
    if user.role is Role.supplier and action is Action.resolved:
        return None
    if (
        user.role is Role.authority
        and action is Action.cancelled
        and incident.state == State.registered
    ):
        return None
    return f"your role ({user.role.value}) may not make {incident.key} {action.value}"


def check_can_act(user: User, incident: Incident, action: Action) -> None:
    check_can_see(user, incident)
    reason = refusal(user, incident, action)
    if reason is not None:
        raise Forbidden(reason)


def actions_for(user: User, incident: Incident) -> list[Action]:
    """What `user` may do with `incident` now: what its state allows and the user may do."""
    state = State(incident.state)
    return [action for action in allowed_actions(state) if refusal(user, incident, action) is None]
