"""/admin/mailbox shows the local mailbox to signed-in admins, in Danish or English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.accounts.browser_sessions import BrowserSession
from stabil.settings import get_settings
from tests.cast import Cast
from tests.outbox.delivery_helpers import item, queue_mail, settings, worker
from tests.web.pages import hidden, sign_in


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("STABIL_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_an_admin_reads_the_mailbox_in_danish_and_english(
    client: TestClient, session: Session, cast: Cast, var_dir: Path
) -> None:
    mail_id = queue_mail(session, recipient="vagt@borger.example")
    worker(session, settings(var_dir)).run_once()
    message_id = item(session, mail_id).message_id
    page = sign_in(client, cast.admin, next="/admin/mailbox")
    assert "Postkasse" in page
    assert "vagt@borger.example" in page
    assert "Brud på reaktionstid for BDK-2026-0001" in page
    assert message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Der er ikke sat en SMTP-server op" in page
    # Local time in Danish (1. dec. 2026 14.05), never UTC.
    assert re.search(r"<td>\d{1,2}\. \w+\.? \d{4} \d\d\.\d\d</td>", page)
    assert "UTC" not in page
    english = client.get("/admin/mailbox", params={"lang": "en"})
    assert "Mailbox" in english.text
    assert "No SMTP server is set" in english.text
    key = re.search(r'href="/admin/mailbox/([^"]+)"', page)
    assert key is not None
    message = client.get(f"/admin/mailbox/{key[1]}", params={"lang": "da"})
    assert message.status_code == 200
    assert "Hændelsen er ikke besvaret inden for fristen." in message.text
    assert "stabil@borger.example" in message.text
    missing = client.get("/admin/mailbox/1234.M5P6Q7.nowhere")
    assert missing.status_code == 404
    assert "Postkassen har ingen sådan besked." in missing.text


def test_an_empty_mailbox_says_so(client: TestClient, cast: Cast, var_dir: Path) -> None:
    assert "Postkassen er tom." in sign_in(client, cast.admin, next="/admin/mailbox")


def test_strangers_are_sent_to_sign_in_and_others_refused(
    client: TestClient, cast: Cast, var_dir: Path
) -> None:
    anonymous = client.get("/admin/mailbox", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=/admin/mailbox"
    api_token = client.get(
        "/admin/mailbox",
        headers={"Authorization": f"Bearer {cast.admin.token}"},
        follow_redirects=False,
    )
    assert api_token.status_code == 303  # pages go by the browser session alone
    for member in (cast.viewer, cast.operator):
        client.cookies.clear()
        page = sign_in(client, member, next="/admin/mailbox", status=403)
        assert "Ingen adgang" in page
        assert client.get("/admin/mailbox").status_code == 403


def test_a_wrong_password_or_a_forged_form_signs_no_one_in(
    client: TestClient, session: Session, cast: Cast, var_dir: Path
) -> None:
    form = client.get("/login")
    assert form.status_code == 200
    assert "Log ind" in form.text
    email, csrf = cast.admin.user.email, hidden(form.text, "csrf")
    wrong = client.post("/login", data={"email": email, "password": "forkert", "csrf": csrf})
    assert wrong.status_code == 400
    assert "Forkert e-mail eller adgangskode." in wrong.text
    client.cookies.clear()
    forged = client.post(
        "/login",
        data={"email": cast.admin.user.email, "password": cast.admin.password, "csrf": "gæt"},
    )
    assert forged.status_code == 400
    assert "Formularen er udløbet" in forged.text
    assert session.scalar(select(func.count()).select_from(BrowserSession)) == 0


def test_the_session_cookie_is_httponly_and_lax_and_only_its_digest_is_stored(
    client: TestClient, session: Session, cast: Cast, var_dir: Path
) -> None:
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "email": cast.admin.user.email,
            "password": cast.admin.password,
            "csrf": hidden(form.text, "csrf"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    cookie = next(
        value
        for name, value in answer.headers.multi_items()
        if name == "set-cookie" and value.startswith("stabil_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    stored = session.scalars(select(BrowserSession)).one()
    assert stored.digest != token
    assert len(stored.digest) == 64


def test_signing_in_never_redirects_to_another_site(client: TestClient, var_dir: Path) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        form = client.get("/login", params={"next": target})
        assert hidden(form.text, "next") == "/"


def test_signing_out_needs_the_session_token_and_ends_the_session(
    client: TestClient, session: Session, cast: Cast, var_dir: Path
) -> None:
    page = sign_in(client, cast.admin, next="/admin/mailbox")
    forged = client.post("/logout", data={"csrf": "gæt"})
    assert forged.status_code == 400
    assert client.get("/admin/mailbox").status_code == 200
    out = client.post("/logout", data={"csrf": hidden(page, "csrf")}, follow_redirects=False)
    assert out.status_code == 303
    assert session.scalar(select(func.count()).select_from(BrowserSession)) == 0
    client.cookies.clear()
    assert client.get("/admin/mailbox", follow_redirects=False).status_code == 303
