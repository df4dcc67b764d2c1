"""Who may see and change monitors and outages.

Monitors are operations data: the agency's desk (admins, operators) sets them up and enters
outages; those who read every record (viewers too) see them. Suppliers and authorities see
the uptime figures, never the monitors' targets.
"""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL, WORK
from stabil.errors import Forbidden, Names


def can_see_monitors(user: User) -> bool:
    return user.role in SEE_ALL


def can_work(user: User) -> bool:
    return user.role in WORK


def check_can_see_monitors(user: User) -> None:
    if not can_see_monitors(user):
        raise Forbidden(
            "your role ({role}) may not see monitors (who may: {who})",
            role=user.role.value,
            who=Names(role.value for role in sorted(SEE_ALL)),
        )


def check_can_work(user: User) -> None:
    if not can_work(user):
        raise Forbidden(
            "your role ({role}) may not set up monitors or enter outages (who may: {who})",
            role=user.role.value,
            who=Names(role.value for role in sorted(WORK)),
        )
