"""Signing up on the status page's form (R10.2): double opt-in, the same answer for every
address, one mail per address per window, and every bad input a page that names it, with
nothing stored and nothing sent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.subscriptions.service import add_subscriber
from tests.subscriptions.helpers import (
    ADDRESS,
    CONFIRM,
    MANAGE,
    link,
    outbox_count,
    sign_up,
    sign_up_mails,
    subscribers,
    text_of,
)

pytestmark = pytest.mark.usefixtures("services")


def test_a_sign_up_is_kept_pending_and_mailed_one_confirmation_link(
    client: TestClient, session: Session
) -> None:
    answer = sign_up(client, " Drift@Aarhus.EXAMPLE ", parts=["login"], types=["unavailable"])
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Tjek din mail" in answer.text
    [row] = subscribers(session)
    assert (row.email, row.confirmed, row.parts, row.types) == (
        ADDRESS,
        False,
        ["login"],
        ["unavailable"],
    )
    assert (row.language, row.mailed_at is not None, row.confirm_token is not None) == (
        "da",
        True,
        True,
    )
    [mail] = sign_up_mails(session)
    assert (mail.recipient, mail.subject) == (
        ADDRESS,
        "Bekræft dit abonnement på driftsstatus for Borger.dk",
    )
    assert link(CONFIRM, mail.body).startswith(f"/status/subscriptions/confirm/{row.id}.")
    assert row.unsubscribe_token not in mail.body  # the manage link comes once confirmed
    assert "Linket virker indtil" in mail.body


def test_the_english_form_is_answered_and_mailed_in_english(
    client: TestClient, session: Session
) -> None:
    answer = sign_up(client, lang="en")
    assert '<html lang="en">' in answer.text
    assert "Check your mail" in answer.text
    [mail] = sign_up_mails(session)
    assert mail.subject == "Confirm your subscription to the operational status of Borger.dk"
    assert "The link works until" in mail.body
    assert subscribers(session)[0].language == "en"


def test_known_pending_and_unknown_addresses_get_the_same_answer(
    client: TestClient, session: Session
) -> None:
    add_subscriber(session, "borger-dk", "known@aarhus.example")
    session.commit()
    sign_up(client, "pending@aarhus.example")
    answers = [
        sign_up(client, address)
        for address in ("known@aarhus.example", "pending@aarhus.example", "new@aarhus.example")
    ]
    pages = [
        text_of(answer).replace(address, "ADDRESS")
        for answer, address in zip(
            answers,
            ("known@aarhus.example", "pending@aarhus.example", "new@aarhus.example"),
            strict=True,
        )
    ]
    assert {answer.status_code for answer in answers} == {200}
    assert pages[0] == pages[1] == pages[2]


def test_an_address_gets_at_most_one_mail_per_window(client: TestClient, session: Session) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            assert sign_up(client, parts=["login"]).status_code == 200
        assert len(sign_up_mails(session)) == 1
        sign_up(client, parts=["self_service"])  # still pending: the latest choice counts
        assert subscribers(session)[0].parts == ["self_service"]
        clock.shift(dt.timedelta(minutes=14, seconds=59))
        sign_up(client)
        assert len(sign_up_mails(session)) == 1
        clock.shift(dt.timedelta(seconds=1))
        sign_up(client)
        first, second = sign_up_mails(session)
    # The same nonce, a later expiry: the first link still works until its own end.
    assert link(CONFIRM, first.body).split(".")[:2] == link(CONFIRM, second.body).split(".")[:2]
    assert len(subscribers(session)) == 1


def test_a_subscribed_address_that_asks_again_gets_its_manage_link_once_per_window(
    client: TestClient, session: Session
) -> None:
    row = add_subscriber(session, "borger-dk", ADDRESS)
    session.commit()
    for _ in range(2):
        sign_up(client, parts=["login"], lang="en")
    [mail] = sign_up_mails(session)
    assert mail.subject == "Your subscription to the operational status of Borger.dk"
    assert link(MANAGE, mail.body) == f"/status/subscriptions/manage/{row.unsubscribe_token}"
    [kept] = subscribers(session)
    assert (kept.confirmed, kept.parts, kept.language) == (True, [], "da")  # unchanged


def test_a_pending_address_whose_link_expired_is_deleted_at_the_next_sign_up(
    client: TestClient, session: Session
) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_up(client, "forgot@aarhus.example")
        clock.shift(dt.timedelta(hours=48, seconds=1))
        sign_up(client, "other@aarhus.example")
    assert [row.email for row in subscribers(session)] == ["other@aarhus.example"]


# Bad input: a page in the form's language that names what is wrong, and nothing kept


def refused(client: TestClient, session: Session, status: int, **form: object) -> str:
    """The refusal's page text, having checked that nothing was stored or queued."""
    before = outbox_count(session)
    answer = client.post("/status/borger-dk/subscribe", data=form)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert subscribers(session) == []
    assert outbox_count(session) == before
    return text_of(answer)


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"email": "not-an-address"}, "not-an-address er ikke en e-mailadresse"),
        ({"email": "drift@aarhus"}, "drift@aarhus er ikke en e-mailadresse"),
        ({"email": "root@localhost"}, "root@localhost er ikke en e-mailadresse"),
        ({"email": ""}, "Skriv den e-mailadresse, meddelelserne skal sendes til."),
        ({"email": "a" * 250 + "@b.dk"}, "er ikke en e-mailadresse"),
        (
            {"email": ADDRESS, "parts": ["login", "payments"]},
            "payments er ikke en del af tjenesten (dens dele: front_page, login, self_service",
        ),
        (
            {"email": ADDRESS, "types": ["gossip"]},
            "gossip er ikke en slags meddelelse fra tjenesten",
        ),
        ({"email": ADDRESS, "lang": "de"}, "Vælg dansk (da) eller engelsk (en)."),
    ],
)
def test_a_bad_form_is_shown_again_naming_what_is_wrong(
    client: TestClient, session: Session, form: dict[str, object], said: str
) -> None:
    page = refused(client, session, 422, **form)
    assert said in page
    assert "Ret venligst følgende" in page


def test_the_refused_form_keeps_what_was_entered(client: TestClient, session: Session) -> None:
    answer = client.post(
        "/status/borger-dk/subscribe",
        data={"email": "x@@y", "parts": ["login"], "types": ["slow"], "lang": "en"},
    )
    assert answer.status_code == 422
    assert '<html lang="en">' in answer.text
    assert "x@@y is not an e-mail address; write one such as name@example.dk" in text_of(answer)
    assert 'value="x@@y"' in answer.text
    assert 'id="parts-login" name="parts" value="login" checked' in answer.text
    assert 'id="types-slow" name="types" value="slow" checked' in answer.text
    assert 'id="parts-front_page" name="parts" value="front_page">' in answer.text
    assert 'aria-invalid="true"' in answer.text


@pytest.mark.parametrize(
    "form",
    [
        {"email": "drift@aarhus.example\r\nBcc: victim@example.org"},
        {"email": "drift@aarhus.example\nBcc: victim@example.org"},
        {"email": "drift@aarhus.example\x00"},
        {"email": ADDRESS, "parts": ["login\r\nX-Injected: 1"]},
        {"email": ADDRESS, "types": ["slow\x0b"]},
        {"email": ADDRESS, "lang": "da\r\n"},
        {"email": "drift@aarhus.example\u2028"},
    ],
)
def test_header_injection_in_any_field_is_refused(
    client: TestClient, session: Session, form: dict[str, object]
) -> None:
    page = refused(client, session, 422, **form)
    assert "indeholder et linjeskift eller et andet styretegn; fjern det" in page


def test_every_problem_of_a_form_is_named_at_once(client: TestClient, session: Session) -> None:
    page = refused(
        client, session, 422, email="nope", parts=["nowhere"], types=["gossip"], lang="en"
    )
    assert "nope is not an e-mail address" in page
    assert "nowhere is not a part of the service" in page
    assert "gossip is not a message type of the service" in page


def test_an_unknown_service_is_refused_plainly(client: TestClient, session: Session) -> None:
    answer = client.post("/status/nowhere/subscribe", data={"email": ADDRESS, "lang": "en"})
    assert answer.status_code == 422
    assert "no service is named 'nowhere'" in text_of(answer)
    assert "Nothing was saved, and no mail was sent." in text_of(answer)
    assert subscribers(session) == []
    assert outbox_count(session) == 0


def test_a_flood_from_one_client_is_turned_away_before_anything_is_stored(
    client: TestClient, session: Session
) -> None:
    for number in range(10):  # STABIL_SUBSCRIBE_CLIENT_LIMIT's default
        assert sign_up(client, f"a{number}@aarhus.example").status_code == 200
    answer = sign_up(client, "eleventh@aarhus.example", lang="en")
    assert answer.status_code == 429
    assert 0 < int(answer.headers["Retry-After"]) <= 15 * 60
    assert "Please try again in 15 minutes." in text_of(answer)
    assert "Nothing was saved, and no mail was sent." in text_of(answer)
    assert "eleventh@aarhus.example" not in [row.email for row in subscribers(session)]
    assert len(sign_up_mails(session)) == 10
    # Refused input counts too: a flood of bad forms is a flood.
    assert client.post("/status/borger-dk/subscribe", data={"email": "x"}).status_code == 429


def test_a_body_that_is_not_a_form_is_a_page_not_a_500(
    client: TestClient, session: Session
) -> None:
    answers = [
        client.post("/status/borger-dk/subscribe", json={"email": ADDRESS}),
        client.post(
            "/status/borger-dk/subscribe",
            content=b"email=%FF%FE&lang=da",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    ]
    assert [answer.status_code for answer in answers] == [422, 422]
    assert subscribers(session) == []


def test_the_form_has_a_page_of_its_own(client: TestClient, session: Session) -> None:
    page = client.get("/status/borger-dk/subscribe?lang=en")
    assert page.status_code == 200
    assert '<form method="post" action="/status/borger-dk/subscribe"' in page.text
    assert '<input type="hidden" name="lang" value="en">' in page.text
    assert 'href="/status/borger-dk/subscribe?lang=da" lang="da"' in page.text
    assert "Please correct the following" not in page.text
    unknown = client.get("/status/nowhere/subscribe")
    assert unknown.status_code == 404
    assert "der er ingen tjeneste, der hedder 'nowhere'" in text_of(unknown)
    assert subscribers(session) == []
