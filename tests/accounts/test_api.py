"""Bearer authentication through the API: 401 without a good token, 403 without the role."""

from __future__ import annotations

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.accounts.auth import require_roles
from stabil.accounts.roles import Role
from stabil.accounts.service import add_user, deactivate_user, list_tokens, revoke_token
from tests.accounts.queries import statements
from tests.cast import Cast, headers


def test_me_answers_who_the_token_belongs_to(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/me", headers=headers(cast.supplier))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "supplier@supplier-a.example"
    assert body["role"] == "supplier"
    assert body["organisation"] == {"key": "supplier-a", "name": "Supplier A", "kind": "supplier"}
    assert body["active"] is True


def test_a_request_without_a_token_is_401(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "detail": "this needs an API token: send 'Authorization: Bearer TOKEN'"
    }


def test_another_scheme_is_401(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": f"Basic {cast.admin.token}"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_bad_token_is_401(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer stb_guess"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "unknown, revoked or belongs to an inactive user" in response.json()["detail"]


def test_revoked_and_inactive_are_401(client: TestClient, cast: Cast, session: Session) -> None:
    revoke_token(session, list_tokens(session, cast.operator.user)[0])
    deactivate_user(session, cast.authority.user)
    session.commit()  # as the commands that make these changes do
    for member in (cast.operator, cast.authority):
        assert client.get("/api/v1/me", headers=headers(member)).status_code == 401
    assert client.get("/api/v1/me", headers=headers(cast.viewer)).status_code == 200


def test_users_is_for_admins_only(client: TestClient, cast: Cast) -> None:
    for member in (cast.operator, cast.viewer, cast.supplier, cast.authority):
        response = client.get("/api/v1/users", headers=headers(member))
        assert response.status_code == 403
        role = member.user.role
        assert response.json() == {"detail": f"this is for the role admin; your role is {role}"}
    assert client.get("/api/v1/users").status_code == 401


def test_admins_see_every_user(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/users", headers=headers(cast.admin))
    assert response.status_code == 200
    emails = [user["email"] for user in response.json()]
    assert len(emails) == 7
    assert emails == sorted(emails)
    organisations = {user["email"]: user["organisation"] for user in response.json()}
    assert organisations["authority@odense.example"]["key"] == "odense"
    assert organisations["admin@digst.example"] is None


def test_the_user_list_costs_the_same_queries_for_more_users(
    client: TestClient, cast: Cast, session: Session
) -> None:
    client.get("/api/v1/me", headers=headers(cast.admin))  # notes the token's use first
    with statements(session) as few:
        assert client.get("/api/v1/users", headers=headers(cast.admin)).status_code == 200
    for number in range(10):
        add_user(session, f"extra{number}@supplier-b.example", "supplier", "supplier-b")
    session.expire_all()
    with statements(session) as many:
        assert len(client.get("/api/v1/users", headers=headers(cast.admin)).json()) == 17
    assert len(few) == 2  # the token with its user, then the users with their organisations
    assert len(many) == len(few)


def test_require_roles_names_every_role_that_may(cast: Cast) -> None:
    staff_only = require_roles(Role.admin, Role.operator)
    assert staff_only(cast.operator.user) is cast.operator.user
    with pytest.raises(HTTPException) as refused:
        staff_only(cast.supplier.user)
    assert refused.value.status_code == 403
    assert refused.value.detail == "this is for the role admin or operator; your role is supplier"


def test_the_api_docs_offer_bearer_tokens(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"HTTPBearer": []}]
