"""What every page behind the sign-in shares: each role lands where its work is, sees the
menu its role allows, forms need the session's CSRF token, and one changes one's password."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.accounts.browser_sessions import BrowserSession
from stabil.accounts.roles import Role
from stabil.web.navigation import MENU, landing_for
from tests.cast import Cast, Member
from tests.web.pages import hidden, post_form, sign_in, text_of


def test_a_signed_in_user_is_sent_from_the_front_page_to_the_work(
    client: TestClient, cast: Cast
) -> None:
    sign_in(client, cast.supplier)
    front = client.get("/", follow_redirects=False)
    assert front.status_code == 303
    assert front.headers["location"] == landing_for(Role.supplier)


def test_strangers_see_the_declarations_on_the_front_page(client: TestClient) -> None:
    front = client.get("/")
    assert front.status_code == 200
    assert "Servicedeklarationer" in front.text
    assert 'href="/login"' in front.text


@pytest.mark.parametrize("name", ["admin", "operator", "viewer", "supplier", "authority"])
def test_the_menu_shows_what_the_role_may_open(client: TestClient, cast: Cast, name: str) -> None:
    member: Member = getattr(cast, name)
    sign_in(client, member, next="/account/password")
    page = client.get("/account/password").text
    for item in MENU:
        assert (f'href="{item.path}"' in page) == (member.user.role in item.roles), item.path


def test_a_form_without_the_sessions_token_changes_nothing(
    client: TestClient, cast: Cast, session: Session
) -> None:
    sign_in(client, cast.operator, next="/account/password")
    answer = client.post(
        "/account/password",
        data={
            "csrf": "forged",
            "current": cast.operator.password,
            "new": "x" * 20,
            "repeated": "x" * 20,
        },
    )
    assert answer.status_code == 400
    assert "Formularen er udløbet" in answer.text
    session.refresh(cast.operator.user)
    assert sign_in_works(client, cast.operator, cast.operator.password)


def sign_in_works(client: TestClient, member: Member, password: str) -> bool:
    fresh = TestClient(client.app)
    form = fresh.get("/login")
    answer = fresh.post(
        "/login",
        data={"email": member.user.email, "password": password, "csrf": hidden(form.text, "csrf")},
        follow_redirects=False,
    )
    return answer.status_code == 303


def test_changing_the_password_ends_the_other_sign_ins(
    client: TestClient, cast: Cast, session: Session
) -> None:
    other = TestClient(client.app)
    sign_in(other, cast.viewer, next="/account/password")
    sign_in(client, cast.viewer, next="/account/password")
    new = "en lang sætning om drift"
    answer = post_form(
        client,
        "/account/password",
        "/account/password",
        {"current": cast.viewer.password, "new": new, "repeated": new},
    )
    assert answer.status_code == 200, answer.text
    assert "Adgangskoden er skiftet" in answer.text
    assert client.get("/account/password").status_code == 200  # this sign-in stays
    assert other.get("/account/password", follow_redirects=False).status_code == 303
    assert sign_in_works(client, cast.viewer, new)
    assert not sign_in_works(client, cast.viewer, cast.viewer.password)
    remaining = session.query(BrowserSession).filter_by(user_id=cast.viewer.user.id).count()
    assert remaining >= 1


@pytest.mark.parametrize(
    ("current", "new", "repeated", "field", "message"),
    [
        (
            "wrong",
            "en lang sætning om drift",
            "en lang sætning om drift",
            "current",
            "Adgangskoden er forkert.",
        ),
        (None, "kort", "kort", "new", "Brug 12 til 1024 tegn."),
        (
            None,
            "en lang sætning om drift",
            "en anden sætning om drift",
            "repeated",
            "De to nye adgangskoder er forskellige.",
        ),
    ],
)
def test_a_refused_password_change_says_why_at_the_field_in_danish(
    client: TestClient,
    cast: Cast,
    current: str | None,
    new: str,
    repeated: str,
    field: str,
    message: str,
) -> None:
    sign_in(client, cast.operator, next="/account/password")
    answer = post_form(
        client,
        "/account/password",
        "/account/password",
        {"current": current or cast.operator.password, "new": new, "repeated": repeated},
    )
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert message in text_of(answer.text)
    assert sign_in_works(client, cast.operator, cast.operator.password)


def test_pages_behind_the_sign_in_are_not_cached(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.admin, next="/account/password")
    assert client.get("/account/password").headers["cache-control"] == "no-store"


def test_the_english_page_speaks_english(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.admin, next="/account/password")
    page = client.get("/account/password", params={"lang": "en"}).text
    assert "Change password" in page
    assert "Skift adgangskode" not in page
