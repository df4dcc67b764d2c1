"""Hostile bodies and queries never cause a 500, and a refused request writes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.outbox.models import OutboxItem
from stabil.status.models import (
    Message,
    MessageEntry,
    MessageEvent,
    MessageIncident,
)
from stabil.subscriptions.models import Subscriber, WebhookRegistration
from tests.cast import Cast, headers
from tests.status.conftest import count, post
from tests.status.hostile import send_hostile

pytestmark = pytest.mark.usefixtures("services")
TABLES = (Message, MessageEntry, MessageEvent, MessageIncident, Subscriber, WebhookRegistration)


def test_hostile_bodies_never_cause_a_500(client: TestClient, cast: Cast, session: Session) -> None:
    url = f"/api/v1/messages/{post(client, cast.operator)['id']}"
    before = [count(session, table) for table in (*TABLES, OutboxItem)]
    staff, admin = headers(cast.operator), headers(cast.admin)
    send_hostile(client, "POST", "/api/v1/messages", staff)
    send_hostile(client, "POST", f"{url}/updates", staff)
    send_hostile(client, "POST", "/api/v1/subscribers", admin)
    send_hostile(client, "POST", "/api/v1/webhooks", admin)
    assert [count(session, table) for table in (*TABLES, OutboxItem)] == before
    # `null` is a valid resolution (it takes the default text): the first resolves, no other.
    send_hostile(client, "POST", f"{url}/resolve", staff, extra=[{"body": None, "x": 1}])
    assert (count(session, MessageEntry), count(session, MessageEvent)) == (2, 2)


HOSTILE_QUERIES = [
    "limit=100000",
    "limit=0",
    "offset=-1",
    "offset=99999999999999999999",
    "state=gone",
    "type=down",
    "service=" + "x" * 100,
    "incident=%00",
]


def test_hostile_queries_are_422(client: TestClient, cast: Cast) -> None:
    for query in HOSTILE_QUERIES:
        response = client.get(f"/api/v1/messages?{query}", headers=headers(cast.viewer))
        assert response.status_code == 422, (query, response.text)


def test_odd_ids_are_404_or_422(client: TestClient, cast: Cast) -> None:
    auth = headers(cast.admin)
    assert client.get("/api/v1/messages/0", headers=auth).status_code == 422
    assert client.get("/api/v1/messages/%00", headers=auth).status_code == 422
    assert client.delete("/api/v1/subscribers/2147483648", headers=auth).status_code == 422
    assert client.delete("/api/v1/webhooks/7", headers=auth).status_code == 404
