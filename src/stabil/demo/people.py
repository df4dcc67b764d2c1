"""The demo's organisations and users, made with the accounts' own functions.

Every demo user has the same password, so that a newcomer can sign in as any of them; it is
hashed once. The admin's address marks a database as the demo's own (`stabil.demo.guard`).
All addresses are under `.example` (RFC 2606), which no real mailbox has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import OrganisationKind, Role
from stabil.accounts.service import NewPassword, add_organisation, add_user
from stabil.declaration import Declaration
from stabil.subscriptions.service import add_subscriber

DEMO_PASSWORD = "demo-adgangskode"  # documented in docs/cli.md; for the demo only
AGENCY = "styrelsen"


@dataclass(frozen=True, slots=True)
class Org:
    key: str
    name: str
    kind: OrganisationKind


@dataclass(frozen=True, slots=True)
class Person:
    handle: str  # how the plan names the user
    email: str
    role: Role
    organisation: str | None
    name: str


SUPPLIERS = (
    Org("driftspartner", "Driftspartner A/S", OrganisationKind.supplier),
    Org("kodevaerket", "Kodeværket ApS", OrganisationKind.supplier),
    Org("netvaerkshuset", "Netværkshuset A/S", OrganisationKind.supplier),
)
AUTHORITIES = (
    Org("aarhus", "Aarhus Kommune", OrganisationKind.authority),
    Org("odense", "Odense Kommune", OrganisationKind.authority),
    Org("koebenhavn", "Københavns Kommune", OrganisationKind.authority),
    Org("aalborg", "Aalborg Kommune", OrganisationKind.authority),
    Org("udbetaling", "Udbetaling Danmark", OrganisationKind.authority),
)

# One of each role is printed at the end; the others share the work.
PEOPLE = (
    Person("admin", "admin@styrelsen.example", Role.admin, None, "Birgitte Admin"),
    Person("operator", "operator@styrelsen.example", Role.operator, AGENCY, "Mads Kjær"),
    Person("operator-2", "sofie.lund@styrelsen.example", Role.operator, AGENCY, "Sofie Lund"),
    Person("operator-3", "jonas.friis@styrelsen.example", Role.operator, AGENCY, "Jonas Friis"),
    Person("viewer", "viewer@styrelsen.example", Role.viewer, AGENCY, "Karen Iversen"),
    Person(
        "driftspartner",
        "supplier@driftspartner.example",
        Role.supplier,
        "driftspartner",
        "Peter Holm",
    ),
    Person(
        "kodevaerket", "udvikling@kodevaerket.example", Role.supplier, "kodevaerket", "Ida Beck"
    ),
    Person(
        "netvaerkshuset",
        "noc@netvaerkshuset.example",
        Role.supplier,
        "netvaerkshuset",
        "Ali Hassan",
    ),
    Person("aarhus", "authority@aarhus.example", Role.authority, "aarhus", "Mette Storm"),
    Person("odense", "it@odense.example", Role.authority, "odense", "Lars Winther"),
    Person(
        "koebenhavn",
        "selvbetjening@koebenhavn.example",
        Role.authority,
        "koebenhavn",
        "Nadia Poulsen",
    ),
    Person("aalborg", "digital@aalborg.example", Role.authority, "aalborg", "Henrik Bach"),
    Person("udbetaling", "drift@udbetaling.example", Role.authority, "udbetaling", "Camilla Riis"),
)
OPERATORS = ("operator", "operator-2", "operator-3")
# Who signs in as what: the printed credentials, one per role.
SIGN_IN = {
    Role.admin: "admin",
    Role.operator: "operator",
    Role.supplier: "driftspartner",
    Role.authority: "aarhus",
    Role.viewer: "viewer",
}
ADMIN_EMAIL = PEOPLE[0].email
# The authorities' operations mailboxes subscribe to the service's messages (R10.2).
SUBSCRIBERS = tuple(f"driftsstatus@{org.key}.example" for org in AUTHORITIES)


def person(handle: str) -> Person:
    return next(item for item in PEOPLE if item.handle == handle)


def organisation_name(key: str) -> str:
    return next(org.name for org in (*SUPPLIERS, *AUTHORITIES) if org.key == key)


def create_people(
    session: Session,
    declaration: Declaration,
    service: str,
    password: NewPassword,
    now: dt.datetime,
) -> dict[str, User]:
    """The organisations, users and subscribers; the users by handle."""
    agency = Org(AGENCY, declaration.metadata.agency.name.da, OrganisationKind.agency)
    for org in (agency, *SUPPLIERS, *AUTHORITIES):
        add_organisation(session, org.key, org.name, org.kind.value)
    users = {
        item.handle: add_user(
            session, item.email, item.role, item.organisation, item.name, password
        )[0]
        for item in PEOPLE
    }
    for email in SUBSCRIBERS:
        add_subscriber(session, service, email, actor=users["admin"], now=now)
    return users
