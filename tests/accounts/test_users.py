"""Organisations and users: what is accepted, what is refused, and why."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stabil.accounts.models import Organisation, User
from stabil.accounts.passwords import use_hasher
from stabil.accounts.roles import OrganisationKind, Role
from stabil.accounts.service import (
    add_organisation,
    add_user,
    deactivate_user,
    find_user,
    list_organisations,
    list_users,
    new_password,
)
from stabil.accounts.validation import AccountInvalid, normalise_email
from tests.accounts.signin import signs_in
from tests.cast import Cast


def test_an_organisation_has_a_key_a_name_and_a_kind(session: Session) -> None:
    added = add_organisation(session, "supplier-c", "  Supplier C  ", "supplier")
    assert (added.key, added.name, added.kind) == ("supplier-c", "Supplier C", "supplier")
    assert added.kind is OrganisationKind.supplier
    assert [o.key for o in list_organisations(session)] == ["supplier-c"]


@pytest.mark.parametrize(
    ("key", "name", "kind", "problem"),
    [
        ("Supplier-C", "C", "supplier", "not a valid organisation key"),
        ("supplier--c", "C", "supplier", "not a valid organisation key"),
        ("x" * 65, "C", "supplier", "at most 64 characters"),
        ("supplier-c", " ", "supplier", "name must have 1 to 200 characters"),
        ("supplier-c", "C", "vendor", "unknown organisation kind 'vendor' (known: agency, "),
    ],
)
def test_bad_organisations_are_refused(
    session: Session, key: str, name: str, kind: str, problem: str
) -> None:
    with pytest.raises(AccountInvalid, match=re.escape(problem)):
        add_organisation(session, key, name, kind)
    assert list_organisations(session) == []


def test_organisation_keys_are_unique(cast: Cast, session: Session) -> None:
    with pytest.raises(AccountInvalid, match="'digst' exists already"):
        add_organisation(session, "digst", "Another", "agency")


def test_a_user_without_a_password_gets_one_generated(session: Session) -> None:
    user, password = add_user(session, "Ops@Digst.Example", "operator", display_name="Ops")
    assert password is not None
    assert len(password) == 24
    assert user.email == "ops@digst.example"
    assert (user.role, user.display_name, user.active) == (Role.operator, "Ops", True)
    assert user.created_at.tzinfo is not None
    assert password not in user.password_hash
    assert signs_in(session, "ops@digst.example", password) is user


def test_a_given_password_is_not_returned(session: Session) -> None:
    password = new_password("a good passphrase")
    user, generated = add_user(session, "v@digst.example", "viewer", password=password)
    assert generated is None
    assert signs_in(session, "v@digst.example", "a good passphrase") is user


def test_emails_are_unique_whatever_the_letter_case(cast: Cast, session: Session) -> None:
    with pytest.raises(AccountInvalid, match=re.escape("admin@digst.example exists already")):
        add_user(session, "ADMIN@digst.EXAMPLE", "viewer")
    assert find_user(session, "Admin@Digst.Example") is cast.admin.user


def test_the_database_refuses_duplicate_emails_too(cast: Cast, session: Session) -> None:
    session.add(User(email="admin@digst.example", role=Role.viewer, password_hash="x"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_the_database_refuses_a_supplier_without_organisation(session: Session) -> None:
    session.add(User(email="s@x.example", role=Role.supplier, password_hash="x"))
    with pytest.raises(IntegrityError):
        session.flush()


@pytest.mark.parametrize(
    ("email", "role", "organisation", "problem"),
    [
        ("not-an-address", "viewer", None, "'not-an-address' is not a valid email address"),
        ("a@b", "viewer", None, "'a@b' is not a valid email address"),
        ("a@x.example", "boss", None, "unknown role 'boss' (known: admin, operator, supplier, "),
        ("a@x.example", "supplier", None, "a user with role supplier needs an organisation"),
        ("a@x.example", "authority", None, "a user with role authority needs an organisation"),
        ("a@x.example", "supplier", "nope", "no organisation has key 'nope' (known: aarhus, "),
        ("a@x.example", "supplier", "aarhus", "but aarhus is of kind authority"),
        ("a@x.example", "authority", "supplier-a", "but supplier-a is of kind supplier"),
    ],
)
def test_bad_users_are_refused(
    cast: Cast, session: Session, email: str, role: str, organisation: str | None, problem: str
) -> None:
    before = len(list_users(session))
    with pytest.raises(AccountInvalid, match=re.escape(problem)):
        add_user(session, email, role, organisation)
    assert len(list_users(session)) == before


def test_short_passwords_are_refused(session: Session) -> None:
    with pytest.raises(AccountInvalid, match="12 to 1024 characters, got 5"):
        new_password("short")
    assert list_users(session) == []


def test_staff_and_viewers_may_belong_to_an_organisation(cast: Cast, session: Session) -> None:
    user, _ = add_user(session, "o2@digst.example", Role.operator, "digst")
    assert user.organisation is cast.digst
    assert user.belongs_to(cast.digst.id)
    assert not user.belongs_to(cast.aarhus.id)
    assert not cast.admin.user.belongs_to(None)


def test_localhost_addresses_are_accepted_but_checked() -> None:
    assert normalise_email(" Admin@LOCALHOST ") == "admin@localhost"
    with pytest.raises(AccountInvalid, match="not a valid email address"):
        normalise_email("two words@localhost")


def test_roles_describe_staff_and_their_organisations() -> None:
    assert [role for role in Role if role.is_staff] == [Role.admin, Role.operator]
    assert Role.supplier.organisation_kind is OrganisationKind.supplier
    assert Role.authority.organisation_kind is OrganisationKind.authority
    assert [role for role in Role if role.needs_organisation] == [Role.supplier, Role.authority]


def test_roles_read_back_as_enums(cast: Cast, session: Session) -> None:
    session.expire_all()
    stored = session.scalars(select(User).order_by(User.email)).all()
    assert {user.role for user in stored} == set(Role)
    assert all(isinstance(user.role, Role) for user in stored)
    kinds = session.scalars(select(Organisation.kind)).all()
    assert set(kinds) == set(OrganisationKind)


def test_verify_password_refuses_wrong_unknown_and_inactive(cast: Cast, session: Session) -> None:
    operator = cast.operator
    assert signs_in(session, "OPERATOR@digst.example", operator.password) is operator.user
    assert signs_in(session, operator.user.email, "wrong password!") is None
    assert signs_in(session, "nobody@digst.example", operator.password) is None
    assert signs_in(session, "not an address", operator.password) is None
    assert deactivate_user(session, operator.user)
    assert not deactivate_user(session, operator.user)
    assert signs_in(session, operator.user.email, operator.password) is None


def test_verify_password_upgrades_an_old_hash(cast: Cast, session: Session) -> None:
    viewer = cast.viewer
    old_hash = viewer.user.password_hash
    previous = use_hasher(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    try:
        assert signs_in(session, viewer.user.email, viewer.password) is viewer.user
    finally:
        use_hasher(previous)
    assert viewer.user.password_hash != old_hash
    assert "$m=16,t=2,p=1$" in viewer.user.password_hash
