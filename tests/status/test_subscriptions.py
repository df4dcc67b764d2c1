"""Subscribers and webhooks: admins manage them; a subscriber can leave by the mailed link."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.subscriptions.models import Subscriber, WebhookRegistration
from tests.cast import Cast, headers
from tests.status.conftest import count

pytestmark = pytest.mark.usefixtures("services")


def subscribe(client: TestClient, cast: Cast, email: str = "Drift@Aarhus.example") -> int:
    response = client.post(
        "/api/v1/subscribers",
        json={"service": "borger-dk", "email": email},
        headers=headers(cast.admin),
    )
    assert response.status_code == 201, response.text
    subscriber_id: int = response.json()["id"]
    return subscriber_id


def test_admin_adds_lists_and_removes_subscribers(client: TestClient, cast: Cast) -> None:
    subscriber_id = subscribe(client, cast)
    auth = headers(cast.admin)
    listed = client.get("/api/v1/subscribers?service=borger-dk", headers=auth).json()
    assert [(item["email"], item["confirmed"]) for item in listed] == [
        ("drift@aarhus.example", True)
    ]
    assert "unsubscribe_token" not in listed[0]
    again = client.post(
        "/api/v1/subscribers",
        json={"service": "borger-dk", "email": "drift@aarhus.EXAMPLE"},
        headers=auth,
    )
    assert again.status_code == 409
    assert client.delete(f"/api/v1/subscribers/{subscriber_id}", headers=auth).status_code == 204
    assert client.delete(f"/api/v1/subscribers/{subscriber_id}", headers=auth).status_code == 404
    assert client.get("/api/v1/subscribers", headers=auth).json() == []


def test_bad_subscribers_are_refused(client: TestClient, cast: Cast, session: Session) -> None:
    for body, field in [
        ({"service": "borger-dk", "email": "not-an-address"}, "email"),
        ({"service": "borger-dk", "email": "a@b"}, "email"),
        ({"service": "nowhere", "email": "a@example.org"}, "service"),
        ({"service": "borger-dk"}, "email"),
    ]:
        response = client.post("/api/v1/subscribers", json=body, headers=headers(cast.admin))
        assert response.status_code == 422, body
        assert [error["field"] for error in response.json()["errors"]] == [field]
    assert count(session, Subscriber) == 0


def test_only_admins_manage_subscribers_and_webhooks(client: TestClient, cast: Cast) -> None:
    for member in (cast.operator, cast.viewer, cast.authority):
        auth = headers(member)
        assert client.get("/api/v1/subscribers", headers=auth).status_code == 403
        assert client.get("/api/v1/webhooks", headers=auth).status_code == 403
        body = {"service": "borger-dk", "email": "x@example.org"}
        assert client.post("/api/v1/subscribers", json=body, headers=auth).status_code == 403
        hook = {"service": "borger-dk", "url": "https://example.org/hook"}
        assert client.post("/api/v1/webhooks", json=hook, headers=auth).status_code == 403
    assert client.get("/api/v1/webhooks").status_code == 401


def test_a_webhook_secret_is_shown_once(client: TestClient, cast: Cast) -> None:
    auth = headers(cast.admin)
    created = client.post(
        "/api/v1/webhooks",
        json={"service": "borger-dk", "url": "https://hooks.example.org/stabil"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["secret"].startswith("whsec_")
    assert len(hook["secret"]) > 30
    assert hook["events"] == [
        "message.posted",
        "message.updated",
        "message.resolved",
        "message.closed",
    ]
    listed = client.get("/api/v1/webhooks", headers=auth).json()
    assert [item["id"] for item in listed] == [hook["id"]]
    assert "secret" not in listed[0]
    given = client.post(
        "/api/v1/webhooks",
        json={
            "service": "borger-dk",
            "url": "http://10.0.0.5:8080/in",
            "events": ["message.resolved"],
            "secret": "a-secret-of-my-own",
        },
        headers=auth,
    )
    assert (given.json()["secret"], given.json()["events"]) == (
        "a-secret-of-my-own",
        ["message.resolved"],
    )
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=auth).status_code == 204
    assert len(client.get("/api/v1/webhooks", headers=auth).json()) == 1


BAD_URLS = [
    ("ftp://example.org/hook", "must be an http:// or https:// address, not ftp:"),
    ("javascript:alert(1)", "must be an http:// or https:// address, not javascript:"),
    ("example.org/hook", "must be an http:// or https:// address, not no scheme"),
    ("https:///path", "has no host"),
    ("https://exa mple.org", "contains white space"),
    ("https://example.org:http/", "is not a valid address"),
]


def test_a_webhook_url_must_be_http(client: TestClient, cast: Cast, session: Session) -> None:
    for url, problem in BAD_URLS:
        response = client.post(
            "/api/v1/webhooks",
            json={"service": "borger-dk", "url": url},
            headers=headers(cast.admin),
        )
        assert response.status_code == 422, url
        [error] = response.json()["errors"]
        assert error["field"] == "url"
        assert problem in error["problem"], (url, error)
    assert count(session, WebhookRegistration) == 0


def test_bad_webhook_events_and_secrets(client: TestClient, cast: Cast, session: Session) -> None:
    for body, field in [
        (
            {"service": "borger-dk", "url": "https://e.org", "events": ["message.deleted"]},
            "events.0",
        ),
        ({"service": "borger-dk", "url": "https://e.org", "events": []}, "events"),
        ({"service": "borger-dk", "url": "https://e.org", "secret": "short"}, "secret"),
    ]:
        response = client.post("/api/v1/webhooks", json=body, headers=headers(cast.admin))
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == [field]
    assert count(session, WebhookRegistration) == 0


def test_the_unsubscribe_link_asks_first_then_acts(
    client: TestClient, cast: Cast, session: Session
) -> None:
    subscribe(client, cast)
    token = session.query(Subscriber).one().unsubscribe_token
    page = client.get(f"/status/unsubscribe/{token}")
    assert page.status_code == 200
    assert "drift@aarhus.example" in page.text
    assert page.headers["Cache-Control"] == "no-store"  # it shows the address
    assert f'<form method="post" action="/status/unsubscribe/{token}?lang=da"' in page.text
    assert count(session, Subscriber) == 1  # opening the link changes nothing
    done = client.post(f"/status/unsubscribe/{token}")
    assert done.status_code == 200
    assert "får ikke flere driftsmeddelelser" in done.text
    assert count(session, Subscriber) == 0
    assert client.post(f"/status/unsubscribe/{token}").status_code == 404
    assert client.get("/status/unsubscribe/%00%3Cscript%3E").status_code == 404
    assert "<script>" not in client.get("/status/unsubscribe/%3Cscript%3E").text
