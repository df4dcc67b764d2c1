"""A named cast for permission tests: one of each kind of user, with an API token each.

    cast = make_cast(session)
    client.get("/api/v1/me", headers=headers(cast.other_supplier))

`supplier` works for supplier-a; `other_supplier` (supplier-b) is the outsider who sees
nothing of supplier-a's work. `authority` is Aarhus, `other_authority` Odense. Passwords are
hashed cheaply, so building the cast costs milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from stabil.accounts.models import Organisation, User
from stabil.accounts.passwords import use_hasher
from stabil.accounts.roles import Role
from stabil.accounts.service import add_organisation, add_user, create_token, new_password

# The fewest passes and memory argon2 accepts: hashing still works, in microseconds.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@contextmanager
def cheap_hashing() -> Iterator[None]:
    previous = use_hasher(CHEAP_HASHER)
    try:
        yield
    finally:
        use_hasher(previous)


@dataclass(frozen=True, slots=True)
class Member:
    user: User
    token: str
    password: str


@dataclass(frozen=True, slots=True)
class Cast:
    digst: Organisation
    supplier_a: Organisation
    supplier_b: Organisation
    aarhus: Organisation
    odense: Organisation
    admin: Member
    operator: Member
    viewer: Member
    supplier: Member
    other_supplier: Member
    authority: Member
    other_authority: Member


def headers(member: Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {member.token}"}


ORGANISATIONS = {
    "digst": ("Digitaliseringsstyrelsen", "agency"),
    "supplier-a": ("Supplier A", "supplier"),
    "supplier-b": ("Supplier B", "supplier"),
    "aarhus": ("Aarhus Kommune", "authority"),
    "odense": ("Odense Kommune", "authority"),
}
MEMBERS = {  # name: (role, organisation key, email)
    "admin": (Role.admin, None, "admin@digst.example"),
    "operator": (Role.operator, "digst", "operator@digst.example"),
    "viewer": (Role.viewer, None, "viewer@digst.example"),
    "supplier": (Role.supplier, "supplier-a", "supplier@supplier-a.example"),
    "other_supplier": (Role.supplier, "supplier-b", "supplier@supplier-b.example"),
    "authority": (Role.authority, "aarhus", "authority@aarhus.example"),
    "other_authority": (Role.authority, "odense", "authority@odense.example"),
}


def make_cast(session: Session) -> Cast:
    """Create the cast's organisations and users in `session`, and commit.

    The commit matters with the test session: it only ends a savepoint, but without it the
    first request that fails (a 401, a 403) rolls back and takes the cast with it.
    """
    with cheap_hashing():
        organisations = {
            key.replace("-", "_"): add_organisation(session, key, name, kind)
            for key, (name, kind) in ORGANISATIONS.items()
        }
        members = {name: _member(session, name, *spec) for name, spec in MEMBERS.items()}
    session.commit()
    return Cast(**organisations, **members)


def _member(
    session: Session, name: str, role: Role, organisation: str | None, email: str
) -> Member:
    password = f"{name}-password"
    user, _ = add_user(
        session, email, role, organisation, name.replace("_", " "), new_password(password)
    )
    _, token = create_token(session, user, "cast")
    return Member(user=user, token=token, password=password)
