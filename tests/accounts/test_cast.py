"""The cast itself: who belongs where, and that every token works."""

from __future__ import annotations

from sqlalchemy.orm import Session

from stabil.accounts.roles import OrganisationKind, Role
from stabil.accounts.service import authenticate_token
from tests.accounts.signin import signs_in
from tests.cast import MEMBERS, Cast, Member, headers


def members(cast: Cast) -> dict[str, Member]:
    return {name: getattr(cast, name) for name in MEMBERS}


def test_every_member_authenticates_with_token_and_password(cast: Cast, session: Session) -> None:
    for name, member in members(cast).items():
        assert authenticate_token(session, member.token) is member.user, name
        assert signs_in(session, member.user.email, member.password) is member.user, name


def test_organisations_have_their_kinds(cast: Cast) -> None:
    assert cast.digst.kind is OrganisationKind.agency
    assert {cast.supplier_a.kind, cast.supplier_b.kind} == {OrganisationKind.supplier}
    assert {cast.aarhus.kind, cast.odense.kind} == {OrganisationKind.authority}


def test_roles_and_organisations(cast: Cast) -> None:
    assert cast.admin.user.role is Role.admin
    assert cast.operator.user.organisation is cast.digst
    assert cast.viewer.user.role is Role.viewer
    assert cast.supplier.user.organisation is cast.supplier_a
    assert cast.authority.user.organisation is cast.aarhus
    assert cast.other_authority.user.organisation is cast.odense


def test_the_outsider_belongs_to_none_of_supplier_as_organisation(cast: Cast) -> None:
    assert cast.other_supplier.user.role is Role.supplier
    assert cast.other_supplier.user.belongs_to(cast.supplier_b.id)
    assert not cast.other_supplier.user.belongs_to(cast.supplier_a.id)


def test_headers_carry_the_bearer_token(cast: Cast) -> None:
    assert headers(cast.viewer) == {"Authorization": f"Bearer {cast.viewer.token}"}
    assert len({member.token for member in members(cast).values()}) == len(MEMBERS)
