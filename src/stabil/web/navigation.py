"""The pages' main menu and where each role lands after signing in.

One table for the whole app: a domain that adds a page people go to from the menu adds its
row here, with the roles that see it. Labels are message ids, translated by the layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from stabil.accounts.roles import REPORT, SEE_ALL, Role

EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.admin})


@dataclass(frozen=True, slots=True)
class MenuItem:
    path: str
    label: str
    roles: frozenset[Role]


MENU = (
    MenuItem("/desk", "Incidents", EVERYONE),
    MenuItem("/desk/report", "Report an incident", REPORT),
    MenuItem("/desk/majors", "Major incidents", SEE_ALL),
    MenuItem("/desk/messages", "Operational messages", SEE_ALL),
    MenuItem("/desk/problems", "Problems", SEE_ALL | {Role.supplier}),
    MenuItem("/desk/requests", "Service requests", EVERYONE),
    # Every signed-in user reads the windows, as the API lets them; the desk plans them (R13).
    MenuItem("/desk/windows", "Service windows", EVERYONE),
    MenuItem("/desk/releases", "Releases", EVERYONE),
    MenuItem("/desk/changes", "Changes", SEE_ALL | {Role.supplier}),
    # The forums are the agency's and the authorities' (R17, R9.8).
    MenuItem("/desk/meetings", "Meetings", SEE_ALL | {Role.authority}),
    # Monitors and the outage log are operations data; every signed-in user reads the uptime
    # figures, as the declaration promises them to all (R3).
    MenuItem("/desk/monitors", "Monitors", SEE_ALL),
    MenuItem("/desk/outages", "Outages", SEE_ALL),
    MenuItem("/desk/uptime", "Uptime", EVERYONE),
    # The compliance reports: the desk and its readers, and the suppliers they measure.
    MenuItem("/desk/reports", "Reports", SEE_ALL | {Role.supplier}),
    MenuItem("/admin", "Administration", ADMIN),
)

# Where each role's work is: the queue, which shows each role what it works on (a supplier the
# incidents handed to it, an authority its own reports, with the report form one click away).
LANDING = dict.fromkeys(Role, "/desk")


def menu_for(role: Role) -> tuple[MenuItem, ...]:
    return tuple(item for item in MENU if role in item.roles)


def landing_for(role: Role) -> str:
    return LANDING[role]
