"""The administration's front page and its pages of users, organisations and API tokens:
admins only, each action a CSRF-checked form answering in place or with a 303, a password or
token shown once, refusals at their field in Danish, and pages whose statements do not grow
with their rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.accounts.models import ApiToken, Organisation, User
from stabil.accounts.service import (
    add_organisation,
    add_user,
    create_token,
    find_user,
    new_password,
)
from tests.accounts.admin_helpers import (
    act,
    act_in_place,
    others_are_refused,
    said,
    swapped_in_place,
)
from tests.accounts.queries import statements
from tests.cast import Cast, headers
from tests.outbox.delivery_helpers import queue_mail
from tests.web.pages import hidden, sign_in

PAGES = ["/admin", "/admin/users", "/admin/organisations", "/admin/tokens"]


def count(session: Session, table: type[User] | type[Organisation] | type[ApiToken]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(table)) or 0


def signed_in_admin(client: TestClient, cast: Cast, page: str = "/admin") -> str:
    return sign_in(client, cast.admin, next=page)


def test_the_front_page_counts_what_is_there_and_links_to_each_page(
    client: TestClient, cast: Cast, session: Session
) -> None:
    queue_mail(session)
    page = said(signed_in_admin(client, cast))
    assert "7 aktive brugere" in page
    assert "5 organisationer" in page
    assert "7 nøgler i brug" in page
    assert "1 notifikation venter" in page
    assert "0 abonnenter" in page
    html = client.get("/admin").text
    for target in [*PAGES[1:], "/admin/subscribers", "/admin/webhooks", "/admin/mailbox"]:
        assert f'href="{target}"' in html, target
    assert 'href="/admin/outbox?state=parked"' in html


def test_a_new_user_gets_a_password_shown_once(
    client: TestClient, cast: Cast, session: Session
) -> None:
    signed_in_admin(client, cast, "/admin/users")
    answer = act(
        client,
        "/admin/users",
        "/admin/users",
        email="Ny.Leverandor@Supplier-A.example",
        name="Ny Leverandør",
        role="supplier",
        organisation="supplier-a",
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    password = re.search(r'<code class="secret">([^<]+)</code>', answer.text)
    assert password is not None
    assert "ny.leverandor@supplier-a.example kan logge ind med denne engangsadgangskode" in (
        said(answer.text)
    )
    user = find_user(session, "ny.leverandor@supplier-a.example")
    assert user is not None
    assert user.organisation is cast.supplier_a
    assert password[1] not in user.password_hash
    listed = client.get("/admin/users").text
    assert password[1] not in listed  # never again
    row = said(listed.split(f'id="user-{user.id}"')[1].split("</tr>")[0])
    assert "Ny Leverandør leverandør Supplier A (supplier-a) Ja" in row
    fresh = TestClient(client.app)
    form = fresh.get("/login")
    signed = fresh.post(
        "/login",
        data={"email": user.email, "password": password[1], "csrf": hidden(form.text, "csrf")},
        follow_redirects=False,
    )
    assert signed.status_code == 303


@pytest.mark.parametrize(
    ("fields", "field", "danish"),
    [
        (
            {"email": "ikke-en-adresse"},
            "email",
            "'ikke-en-adresse' er ikke en gyldig e-mailadresse.",
        ),
        (
            {"email": "ADMIN@digst.example"},
            "email",
            "Der findes allerede en bruger med e-mailadressen admin@digst.example.",
        ),
        (
            {"role": "supplier"},
            "organisation",
            "En bruger med rollen leverandør skal høre til en organisation.",
        ),
        (
            {"role": "authority", "organisation": "supplier-a"},
            "organisation",
            "En bruger med rollen myndighed handler for en organisation af typen myndighed, "
            "men supplier-a er af typen leverandør.",
        ),
        ({"name": "x" * 201}, "name", "Skriv 1 til 200 tegn; her er 201."),
        ({"name": "Ny\x00Bruger"}, "name", "Teksten indeholder et NUL-tegn; fjern det."),
        ({"role": "boss"}, "role", "Rollen 'boss' findes ikke; vælg en af rollerne på listen."),
    ],
)
def test_a_refused_user_says_why_at_the_field_in_danish(
    client: TestClient,
    cast: Cast,
    session: Session,
    fields: dict[str, str],
    field: str,
    danish: str,
) -> None:
    signed_in_admin(client, cast, "/admin/users")
    before = count(session, User)
    data = {"email": "ny@digst.example", "name": "", "role": "viewer", "organisation": ""}
    answer = act(client, "/admin/users", "/admin/users", **{**data, **fields})
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert danish in said(answer.text)
    assert 'class="secret"' not in answer.text
    assert f'value="{fields.get("email", data["email"])}"' in answer.text  # kept, to correct
    assert count(session, User) == before


def test_deactivating_a_user_ends_their_sign_in_and_their_tokens(
    client: TestClient, cast: Cast, session: Session
) -> None:
    operator = TestClient(client.app)
    sign_in(operator, cast.operator, next="/account/password")
    signed_in_admin(client, cast, "/admin/users")
    user_id = cast.operator.user.id
    answer = act(
        client,
        "/admin/users?page=1",
        f"/admin/users/{user_id}/deactivate",
        back="/admin/users?page=1",
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/users?page=1"
    session.refresh(cast.operator.user)
    assert not cast.operator.user.active
    assert operator.get("/account/password", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me", headers=headers(cast.operator)).status_code == 401
    row = client.get("/admin/users").text.split(f'id="user-{user_id}"')[1].split("</tr>")[0]
    assert "Nej" in row
    assert "deactivate" not in row  # nothing more to do
    assert (
        "deactivate"
        not in client.get("/admin/users")
        .text.split(f'id="user-{cast.admin.user.id}"')[1]
        .split("</tr>")[0]
    )  # an admin does not lock themselves out by a slip


def test_actions_answer_in_place_with_htmx(
    client: TestClient, cast: Cast, session: Session
) -> None:
    signed_in_admin(client, cast, "/admin/users")
    answer = act_in_place(
        client,
        "/admin/users",
        f"/admin/users/{cast.viewer.user.id}/deactivate",
        back="https://elsewhere.example/admin/users",
    )
    swapped_in_place(answer, "/admin/users")  # only back to a page of its own
    session.refresh(cast.viewer.user)
    assert not cast.viewer.user.active
    added = act_in_place(
        client,
        "/admin/organisations",
        "/admin/organisations",
        key="odder",
        name="Odder Kommune",
        kind="authority",
    )
    swapped_in_place(added, "/admin/organisations")
    refused = act_in_place(
        client, "/admin/organisations", "/admin/organisations", key="odder", name="O", kind="x"
    )
    assert refused.status_code == 422  # htmx swaps the form with its message
    assert 'id="admin-main"' in refused.text
    assert 'hx-select="#admin-main"' in client.get("/admin/organisations").text


def test_a_missing_user_is_said_on_the_list(client: TestClient, cast: Cast) -> None:
    signed_in_admin(client, cast, "/admin/users")
    answer = act(client, "/admin/users", "/admin/users/99999/deactivate")
    assert answer.status_code == 404
    assert "Der er ingen bruger med nummer 99999." in said(answer.text)


def test_organisations_are_listed_and_added(
    client: TestClient, cast: Cast, session: Session
) -> None:
    page = said(signed_in_admin(client, cast, "/admin/organisations"))
    assert "5 organisationer" in page
    assert "aarhus Aarhus Kommune myndighed" in page
    answer = act(
        client,
        "/admin/organisations",
        "/admin/organisations",
        key="leverandor-c",
        name="Leverandør C",
        kind="supplier",
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/organisations"
    assert "leverandor-c Leverandør C leverandør" in said(client.get("/admin/organisations").text)


@pytest.mark.parametrize(
    ("fields", "field", "danish"),
    [
        (
            {"key": "Leverandør C"},
            "key",
            "'Leverandør C' kan ikke bruges som kortnavn: brug små bogstaver, cifre og "
            "enkelte bindestreger, højst 64 tegn",
        ),
        ({"key": "digst"}, "key", "Der findes allerede en organisation med kortnavnet 'digst'."),
        ({"name": "  "}, "name", "Skriv 1 til 200 tegn; her er 0."),
        ({"kind": "vendor"}, "kind", "Typen 'vendor' findes ikke; vælg en af typerne på listen."),
    ],
)
def test_a_refused_organisation_says_why_at_the_field_in_danish(
    client: TestClient,
    cast: Cast,
    session: Session,
    fields: dict[str, str],
    field: str,
    danish: str,
) -> None:
    signed_in_admin(client, cast, "/admin/organisations")
    data = {"key": "leverandor-c", "name": "Leverandør C", "kind": "supplier", **fields}
    answer = act(client, "/admin/organisations", "/admin/organisations", **data)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert danish in said(answer.text)
    assert count(session, Organisation) == 5


def test_a_new_token_is_shown_once_and_works_until_revoked(
    client: TestClient, cast: Cast, session: Session
) -> None:
    signed_in_admin(client, cast, "/admin/tokens")
    answer = act(
        client, "/admin/tokens", "/admin/tokens", email="Viewer@Digst.example", name="overvågning"
    )
    assert answer.status_code == 200, answer.text
    token = re.search(r'<code class="secret">(stb_[^<]+)</code>', answer.text)
    assert token is not None
    assert "Med nøglen overvågning kan programmer bruge API'et som viewer@digst.example." in (
        said(answer.text)
    )
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token[1]}"})
    assert me.json()["email"] == "viewer@digst.example"
    listed = client.get("/admin/tokens").text
    assert token[1] not in listed
    created = session.scalars(select(ApiToken).where(ApiToken.name == "overvågning")).one()
    row = said(listed.split(f'id="token-{created.id}"')[1].split("</tr>")[0])
    assert "overvågning viewer@digst.example" in row
    assert "aldrig" not in row  # last used just now, by the request above
    assert "Nej" in row  # not revoked

    revoked = act(
        client, "/admin/tokens", f"/admin/tokens/{created.id}/revoke", back="/admin/tokens"
    )
    assert revoked.status_code == 303
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token[1]}"}).status_code == 401
    )
    row = client.get("/admin/tokens").text.split(f'id="token-{created.id}"')[1].split("</tr>")[0]
    assert "Tilbagekaldt" in row
    assert "/revoke" not in row


def test_a_tokens_times_are_shown_in_local_time(
    client: TestClient, cast: Cast, session: Session
) -> None:
    token, _ = create_token(session, cast.supplier.user, "drift")
    token.created_at = dt.datetime(2026, 1, 15, 7, 30, tzinfo=dt.UTC)  # winter: UTC+1
    token.last_used_at = dt.datetime(2026, 7, 1, 12, 5, tzinfo=dt.UTC)  # summer: UTC+2
    session.commit()
    signed_in_admin(client, cast, "/admin/tokens")
    row = client.get("/admin/tokens").text.split(f'id="token-{token.id}"')[1].split("</tr>")[0]
    assert "15. jan. 2026 08.30" in said(row)
    assert "1. jul. 2026 14.05" in said(row)
    assert 'datetime="2026-07-01T14:05:00+02:00"' in row
    english = client.get("/admin/tokens", params={"lang": "en"}).text
    assert "1 Jul 2026 14:05" in said(english.split(f'id="token-{token.id}"')[1])


@pytest.mark.parametrize(
    ("email", "name", "field", "danish"),
    [
        (
            "ghost@digst.example",
            "api",
            "email",
            "Ingen bruger har e-mailadressen 'ghost@digst.example'.",
        ),
        ("viewer@digst.example", "x" * 101, "name", "Skriv 1 til 100 tegn; her er 101."),
    ],
)
def test_a_refused_token_says_why_at_the_field_in_danish(
    client: TestClient,
    cast: Cast,
    session: Session,
    email: str,
    name: str,
    field: str,
    danish: str,
) -> None:
    signed_in_admin(client, cast, "/admin/tokens")
    answer = act(client, "/admin/tokens", "/admin/tokens", email=email, name=name)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert danish in said(answer.text)
    assert 'class="secret"' not in answer.text
    assert count(session, ApiToken) == 7


def test_an_inactive_user_gets_no_token(client: TestClient, cast: Cast, session: Session) -> None:
    signed_in_admin(client, cast, "/admin/users")
    act(client, "/admin/users", f"/admin/users/{cast.authority.user.id}/deactivate")
    answer = act(
        client, "/admin/tokens", "/admin/tokens", email=cast.authority.user.email, name="x"
    )
    assert answer.status_code == 422
    assert (
        "authority@aarhus.example er deaktiveret, så en nøgle til brugeren ville ikke virke."
        in (said(answer.text))
    )
    assert count(session, ApiToken) == 7


def test_no_one_but_an_admin_opens_a_page_or_acts_and_nothing_changes(
    client: TestClient, cast: Cast, session: Session
) -> None:
    token_id = session.scalars(
        select(ApiToken.id).where(ApiToken.user_id == cast.admin.user.id)
    ).one()
    forms = {
        "/admin/users": {"email": "x@digst.example", "role": "admin", "organisation": ""},
        f"/admin/users/{cast.admin.user.id}/deactivate": {},
        "/admin/organisations": {"key": "ny", "name": "Ny", "kind": "agency"},
        "/admin/tokens": {"email": "operator@digst.example", "name": "mine"},
        f"/admin/tokens/{token_id}/revoke": {},
    }
    others_are_refused(client, cast, PAGES, forms)
    session.expire_all()
    assert (count(session, User), count(session, Organisation), count(session, ApiToken)) == (
        7,
        5,
        7,
    )
    assert cast.admin.user.active
    assert client.get("/api/v1/me", headers=headers(cast.admin)).status_code == 200


def test_a_form_without_the_sessions_token_changes_nothing(
    client: TestClient, cast: Cast, session: Session
) -> None:
    signed_in_admin(client, cast, "/admin/users")
    answer = client.post(
        f"/admin/users/{cast.operator.user.id}/deactivate", data={"csrf": "forged"}
    )
    assert answer.status_code == 400
    answer = client.post(
        "/admin/users", data={"csrf": "forged", "email": "x@digst.example", "role": "admin"}
    )
    assert answer.status_code == 400
    session.refresh(cast.operator.user)
    assert cast.operator.user.active
    assert count(session, User) == 7


def more_users(session: Session, how_many: int) -> None:
    password = new_password("a shared test password")
    for number in range(how_many):
        user, _ = add_user(
            session, f"u{number:03}@digst.example", "viewer", "digst", password=password
        )
        create_token(session, user, "load")
        add_organisation(session, f"leverandor-{number:03}", f"Leverandør {number}", "supplier")
    session.commit()


@pytest.mark.parametrize("url", ["/admin", "/admin/users", "/admin/organisations", "/admin/tokens"])
def test_a_list_page_sends_as_many_statements_for_many_rows_as_for_few(
    client: TestClient, cast: Cast, session: Session, url: str
) -> None:
    signed_in_admin(client, cast, url)

    def sent() -> int:
        session.expire_all()
        with statements(session) as sent:
            assert client.get(url).status_code == 200
        return len(sent)

    few = sent()
    more_users(session, 30)
    assert sent() == few
    assert few <= 6


def test_the_user_list_pages(client: TestClient, cast: Cast, session: Session) -> None:
    more_users(session, 50)
    first = said(signed_in_admin(client, cast, "/admin/users"))
    assert "57 brugere" in first
    assert "Side 1 af 2" in first
    second = client.get("/admin/users", params={"page": "2"}).text
    assert 'href="/admin/users?page=1"' in second
    assert second.count('<tr id="user-') == 7
    for wrong in ("x", "²", "-1", "9" * 30):  # the first page, or the last one asked for
        assert client.get("/admin/users", params={"page": wrong}).status_code == 200
    tokens = client.get("/admin/tokens").text
    assert tokens.count('<tr id="token-') == 50
    assert "Side 1 af 2" in said(tokens)


def test_the_english_pages_speak_english(client: TestClient, cast: Cast) -> None:
    signed_in_admin(client, cast, "/admin")
    expected = {
        "/admin": ["Accounts", "7 active users", "Who is told", "Mailbox"],
        "/admin/users": ["Add a user", "Role", "supplier", "Deactivate"],
        "/admin/organisations": ["Add an organisation", "Kind", "authority"],
        "/admin/tokens": ["Create a token", "Last used", "never", "Revoke"],
    }
    for url, texts in expected.items():
        page = said(client.get(url, params={"lang": "en"}).text)
        for text in texts:
            assert text in page, (url, text)
        for danish in ("Brugere", "Tilføj", "Opret", "Organisationer", "aldrig"):
            assert danish not in page, (url, danish)
    refused = act(client, "/admin/users", "/admin/users", email="nope", role="viewer")
    assert "'nope' is not a valid email address" in said(refused.text)
