"""The links in the mails (R10.2): opening one changes nothing, its button acts; a forged,
expired or used link gets a page that says so, and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.subscriptions.service import add_subscriber
from tests.subscriptions.helpers import (
    ADDRESS,
    confirm_path,
    outbox_count,
    sign_up,
    subscribers,
    text_of,
)

pytestmark = pytest.mark.usefixtures("services")


def test_opening_the_confirmation_link_asks_and_the_button_confirms(
    client: TestClient, session: Session
) -> None:
    sign_up(client, parts=["login", "self_service"], types=["unavailable"])
    path = confirm_path(session)
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert f'<form method="post" action="{path}?lang=da"' in page.text
    shown = text_of(page)
    assert "Bekræft dit abonnement" in shown
    assert "Log-in med MitID, Adgang til selvbetjeningsløsninger" in shown
    assert "Utilgængelig" in shown
    assert not subscribers(session)[0].confirmed  # a mail scanner's visit confirms nothing
    done = client.post(path)
    assert done.status_code == 200
    assert f"{ADDRESS} får nu driftsmeddelelser for Borger.dk." in text_of(done)
    [row] = subscribers(session)
    assert (row.confirmed, row.confirm_token) == (True, None)
    assert row.confirmed_at is not None
    assert f"/status/subscriptions/manage/{row.unsubscribe_token}?lang=da" in done.text


def test_a_used_link_is_gone_and_changes_nothing(client: TestClient, session: Session) -> None:
    sign_up(client)
    path = confirm_path(session)
    client.post(path)
    for again in (client.get(path), client.post(path)):
        assert again.status_code == 410
        assert "Dette bekræftelseslink er allerede brugt." in text_of(again)
        assert "Intet er ændret." in text_of(again)
    assert subscribers(session)[0].confirmed


def test_an_expired_link_is_gone(client: TestClient, session: Session) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_up(client, lang="en")
        path = confirm_path(session)
        clock.shift(dt.timedelta(hours=47, minutes=59))
        assert client.get(path).status_code == 200
        clock.shift(dt.timedelta(minutes=1))
        expired = client.post(path)
    assert expired.status_code == 410
    assert "This confirmation link has expired." in text_of(expired)  # in its own language
    assert not subscribers(session)[0].confirmed


def forged_variants(path: str) -> list[str]:
    """The genuine link with each of its pieces changed, and some that are no link at all."""
    subscriber_id, nonce, expiry, mac = path.rsplit("/", 1)[1].split(".")
    base = "/status/subscriptions/confirm/"
    flipped = ("A" if mac[0] != "A" else "B") + mac[1:]
    return [
        f"{base}{subscriber_id}.{nonce}.{expiry}.{flipped}",
        f"{base}{subscriber_id}.{nonce}.{int(expiry) + 86_400}.{mac}",  # a longer life
        f"{base}{int(subscriber_id) + 1}.{nonce}.{expiry}.{mac}",  # someone else's
        f"{base}{subscriber_id}.{'x' * len(nonce)}.{expiry}.{mac}",
        f"{base}{subscriber_id}.{nonce}.{expiry}",
        f"{base}garbage",
        f"{base}%00%3Cscript%3E",
        base + "9" * 300,
    ]


def test_a_forged_link_is_not_found_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    sign_up(client)
    for forged in forged_variants(confirm_path(session)):
        for answer in (client.get(forged), client.post(forged)):
            assert answer.status_code == 404, forged
            assert "Dette bekræftelseslink er ikke gyldigt." in text_of(answer)
            assert "<script>" not in answer.text
    assert not subscribers(session)[0].confirmed


def test_a_link_signed_with_another_key_is_forged(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_up(client)
    path = confirm_path(session)
    monkeypatch.setattr(
        "stabil.subscriptions.public_pages.signing_key", lambda _settings: b"another key"
    )
    assert client.post(path).status_code == 404
    assert not subscribers(session)[0].confirmed


# Managing a subscription


def subscribed(session: Session) -> str:
    """A confirmed subscriber's secret, as its mails carry it."""
    secret = add_subscriber(session, "borger-dk", ADDRESS).unsubscribe_token
    session.commit()
    return secret


def test_the_manage_page_changes_the_parts_and_types(client: TestClient, session: Session) -> None:
    path = f"/status/subscriptions/manage/{subscribed(session)}"
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Dit abonnement" in page.text
    saved = client.post(
        path, data={"parts": ["self_service", "login"], "types": ["restored", "unavailable"]}
    )
    assert saved.status_code == 200
    assert "Dine valg er gemt." in saved.text
    [row] = subscribers(session)
    assert (row.parts, row.types) == (["login", "self_service"], ["unavailable", "restored"])
    assert 'id="parts-login" name="parts" value="login" checked' in saved.text
    client.post(path, data={})
    assert (subscribers(session)[0].parts, subscribers(session)[0].types) == ([], [])


def test_a_bad_change_is_refused_and_changes_nothing(client: TestClient, session: Session) -> None:
    path = f"/status/subscriptions/manage/{subscribed(session)}?lang=en"
    client.post(path, data={"parts": ["login"]})
    for form, said in [
        ({"parts": ["login", "payments"]}, "payments is not a part of the service"),
        ({"types": ["slow\r\nBcc: x@y.z"]}, "contains a line break or another control"),
    ]:
        answer = client.post(path, data=form)
        assert answer.status_code == 422
        assert said in text_of(answer)
        assert (subscribers(session)[0].parts, subscribers(session)[0].types) == (["login"], [])


def test_a_pending_address_has_no_manage_page(client: TestClient, session: Session) -> None:
    sign_up(client)
    secret = subscribers(session)[0].unsubscribe_token
    for path in (f"/status/subscriptions/manage/{secret}", f"/status/unsubscribe/{secret}"):
        assert client.get(path).status_code == 404
    assert len(subscribers(session)) == 1


def test_unsubscribing_from_the_manage_page_deletes_the_address(
    client: TestClient, session: Session
) -> None:
    secret = subscribed(session)
    page = client.get(f"/status/subscriptions/manage/{secret}?lang=en")
    assert f'action="/status/unsubscribe/{secret}?lang=en"' in page.text
    done = client.post(f"/status/unsubscribe/{secret}?lang=en")
    assert done.status_code == 200
    assert f"{ADDRESS} gets no more operational messages of Borger.dk." in text_of(done)
    assert subscribers(session) == []
    for path in (f"/status/subscriptions/manage/{secret}", f"/status/unsubscribe/{secret}"):
        for answer in (client.get(path), client.post(path)):
            assert answer.status_code == 404
            assert "Dette link hører ikke til noget abonnement." in text_of(answer)


def test_the_one_click_post_of_a_mail_program_unsubscribes(
    client: TestClient, session: Session
) -> None:
    secret = subscribed(session)
    before = outbox_count(session)
    # RFC 8058: a POST with this body, no cookie, no CSRF token, no page before it.
    answer = client.post(
        f"/status/unsubscribe/{secret}",
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200
    assert subscribers(session) == []
    assert outbox_count(session) == before  # no "goodbye" mail either


def test_the_pages_offer_the_other_language_at_the_same_address(
    client: TestClient, session: Session
) -> None:
    secret = subscribed(session)
    page = client.get(f"/status/subscriptions/manage/{secret}")
    assert f'href="/status/subscriptions/manage/{secret}?lang=en" lang="en"' in page.text
    english = client.get(f"/status/subscriptions/manage/{secret}?lang=en")
    assert "Your subscription" in english.text
    assert "Which parts of the service?" in english.text
    assert "The front page and the articles" in english.text
