"""Who is told of a message, what the e-mail says, and that nobody is told twice."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.subscriptions import service as subscriptions
from stabil.subscriptions.service import WebhookEvent
from tests.cast import Cast, headers
from tests.status.conftest import incident, outbox, post

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")


@pytest.fixture
def listeners(services: None, session: Session) -> None:
    for service, email in [
        ("borger-dk", "drift@aarhus.example"),
        ("borger-dk", "it@odense.example"),
        ("example-webservice", "ops@elsewhere.example"),
        ("mailing-webservice", "serviceansvarlig@example.org"),  # also the contact's mailbox
        ("mailing-webservice", "someone@example.org"),
    ]:
        subscriptions.add_subscriber(session, service, email)
    subscriptions.add_webhook(
        session, "borger-dk", "https://hooks.example.org/all", secret="s" * 20
    )
    subscriptions.add_webhook(
        session,
        "borger-dk",
        "https://hooks.example.org/resolved",
        events=[WebhookEvent.resolved],
        secret="r" * 20,
    )
    session.commit()


@pytest.mark.usefixtures("listeners")
def test_a_subscriber_mail_names_no_linked_incident(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = incident(client, cast.operator)
    post(client, cast.operator, incidents=[key])
    mails = outbox(session, channel="email", subject_kind="message")
    assert mails
    # A subscriber may be anyone, and may not see the incident (issue: leaked keys).
    assert all(key not in mail.body for mail in mails)
    hooks = outbox(session, channel="webhook")
    assert hooks[0].payload["message"]["incidents"] == [key]  # an admin's own receiver


@pytest.mark.usefixtures("listeners")
def test_posting_mails_the_subscribers_and_calls_the_webhooks(
    client: TestClient, cast: Cast, session: Session
) -> None:
    message = post(client, cast.operator, body_en="Citizens cannot log in.")
    mails = outbox(session, channel="email")
    assert [mail.recipient for mail in mails] == ["drift@aarhus.example", "it@odense.example"]
    mail = mails[0]
    assert mail.subject == "[Borger.dk] Driftsstatus: Log-in virker ikke"
    assert (mail.subject_kind, mail.subject_key) == ("message", str(message["id"]))
    danish, english = mail.body.split("--- English ---")
    assert "Borgere kan ikke logge ind på Borger.dk." in danish
    assert "Utilgængelig · Offentliggjort 14.04.2026 kl. 10:00" in danish
    assert "Berørte dele: Log-in, Selvbetjening" in danish
    assert "Citizens cannot log in." in english
    assert "Unavailable · Posted 2026-04-14 10:00 (Europe/Copenhagen)" in english
    token = subscriptions.list_subscribers(session, "borger-dk")[0].unsubscribe_token
    assert f"Afmeld: http://127.0.0.1:8000/status/unsubscribe/{token}" in mail.body
    assert (
        f"Vælg, hvilke meddelelser du får: http://127.0.0.1:8000/status/subscriptions/manage/{token}"
        in mail.body
    )
    unsubscribe = f"http://127.0.0.1:8000/status/unsubscribe/{token}"
    assert mail.payload == {
        "unsubscribe_url": unsubscribe,
        "list_unsubscribe": unsubscribe,  # the delivery's List-Unsubscribe header (RFC 8058)
        "manage_url": f"http://127.0.0.1:8000/status/subscriptions/manage/{token}",
    }
    hooks = outbox(session, channel="webhook")
    assert [(hook.recipient, hook.subject) for hook in hooks] == [
        ("https://hooks.example.org/all", "message.posted")
    ]
    assert hooks[0].signing_key == "s" * 20
    assert hooks[0].payload["event"] == "message.posted"
    assert hooks[0].payload["message"]["id"] == message["id"]


@pytest.mark.usefixtures("listeners")
def test_without_english_text_the_mail_is_danish_only(
    client: TestClient, cast: Cast, session: Session
) -> None:
    post(client, cast.operator)
    body = outbox(session, channel="email")[0].body
    assert "English" not in body
    assert "abonnerer på driftsstatus for Borger.dk" in body
    assert "subscribes to the operational status of Borger.dk" in body  # the footer is bilingual


@pytest.mark.usefixtures("listeners")
def test_a_contact_mailbox_is_mailed_once_even_when_it_subscribes(
    client: TestClient, cast: Cast, session: Session
) -> None:
    post(client, cast.operator, service="mailing-webservice")
    mails = outbox(session, channel="email")
    assert [mail.recipient for mail in mails] == [
        "serviceansvarlig@example.org",
        "someone@example.org",
    ]
    contact_mail = mails[0]
    assert contact_mail.subject.startswith("[Eksempel på webservice-SLA] Driftsstatus:")
    assert 'som kontakten "Serviceansvarlig" i servicedeklarationen' in contact_mail.body
    assert "unsubscribe" not in contact_mail.body.lower()


@pytest.mark.usefixtures("listeners")
def test_types_notify_whom_the_declaration_says(
    client: TestClient, cast: Cast, session: Session
) -> None:
    post(client, cast.operator, service="mailing-webservice", type="slow")  # subscribers only
    assert [mail.recipient for mail in outbox(session, channel="email")] == [
        "serviceansvarlig@example.org",  # as a subscriber this time
        "someone@example.org",
    ]
    assert "abonnerer" in outbox(session, channel="email")[0].body


@pytest.mark.usefixtures("listeners")
def test_updates_and_resolution_notify_again_and_close_only_webhooks(
    client: TestClient, cast: Cast, session: Session
) -> None:
    url = f"/api/v1/messages/{post(client, cast.operator)['id']}"
    auth = headers(cast.operator)
    client.post(f"{url}/updates", json={"body": "Vi arbejder på det."}, headers=auth)
    client.post(f"{url}/resolve", json={"body": "Log-in virker igen."}, headers=auth)
    client.post(f"{url}/close", headers=auth)
    subjects = [
        mail.subject for mail in outbox(session, channel="email", recipient="it@odense.example")
    ]
    assert subjects == [
        "[Borger.dk] Driftsstatus: Log-in virker ikke",
        "[Borger.dk] Driftsstatus: Log-in virker ikke (opdateret)",
        "[Borger.dk] Driftsstatus: Log-in virker ikke (løst)",
    ]
    resolution = outbox(session, channel="email", recipient="it@odense.example")[-1].body
    assert "Log-in virker igen." in resolution
    assert "Løst 14.04.2026 kl. 10:00" in resolution
    calls = [(hook.recipient, hook.subject) for hook in outbox(session, channel="webhook")]
    assert calls == [
        ("https://hooks.example.org/all", "message.posted"),
        ("https://hooks.example.org/all", "message.updated"),
        ("https://hooks.example.org/all", "message.resolved"),
        ("https://hooks.example.org/resolved", "message.resolved"),
        ("https://hooks.example.org/all", "message.closed"),
    ]


@pytest.mark.usefixtures("listeners")
def test_every_notification_has_its_own_dedupe_key(
    client: TestClient, cast: Cast, session: Session
) -> None:
    url = f"/api/v1/messages/{post(client, cast.operator)['id']}"
    client.post(f"{url}/updates", json={"body": "Mere"}, headers=headers(cast.operator))
    keys = [item.dedupe_key for item in outbox(session)]
    assert None not in keys
    assert len(set(keys)) == len(keys) == 6


def test_nobody_listening_queues_nothing(client: TestClient, cast: Cast, session: Session) -> None:
    post(client, cast.operator)
    assert outbox(session) == []


@pytest.mark.usefixtures("listeners")
def test_a_refused_post_queues_nothing(client: TestClient, cast: Cast, session: Session) -> None:
    response = client.post(
        "/api/v1/messages",
        json={
            "service": "borger-dk",
            "type": "slow",
            "affected": ["Søg"],
            "title": "x",
            "body": "y",
            "incidents": ["BDK-1999-0001"],
        },
        headers=headers(cast.operator),
    )
    assert response.status_code == 422
    assert outbox(session) == []
