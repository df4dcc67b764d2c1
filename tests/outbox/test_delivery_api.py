"""GET /api/v1/outbox and retrying a parked notification: admins only, never a signing key."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.outbox.models import DeliveryState
from stabil.outbox.service import enqueue_webhook
from tests.cast import Cast, headers
from tests.outbox.delivery_helpers import item, queue_mail, smtp_settings, worker
from tests.outbox.servers import MailServer, smtp_server

OUTBOX = "/api/v1/outbox"


def refused_and_sent(session: Session, tmp_path: Path) -> tuple[int, int, MailServer]:
    refused = queue_mail(session, recipient="findes.ikke@borger.example")
    sent = queue_mail(session, recipient="vagt@borger.example", subject_key="BDK-2026-0002")
    server = MailServer(refuse={"findes.ikke@borger.example": "550 5.1.1 No such user"})
    with smtp_server(server):
        worker(session, smtp_settings(tmp_path, server.port)).run_once()
    return refused, sent, server


def test_a_refused_message_is_parked_listed_and_retried(
    client: TestClient, session: Session, cast: Cast, tmp_path: Path
) -> None:
    refused, sent, _ = refused_and_sent(session, tmp_path)
    admin = headers(cast.admin)
    page = client.get(OUTBOX, params={"state": "parked"}, headers=admin)
    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (1, 50, 0)
    [listed] = body["items"]
    assert listed["id"] == refused
    assert listed["channel"] == "email"
    assert listed["recipient"] == "findes.ikke@borger.example"
    assert listed["subject"] == "Brud på reaktionstid for BDK-2026-0001"
    assert (listed["subject_kind"], listed["subject_key"]) == ("incident", "BDK-2026-0001")
    assert (listed["state"], listed["attempts"]) == ("parked", 1)
    assert listed["last_error"] == (
        "recipient refused: findes.ikke@borger.example: 550 5.1.1 No such user"
    )
    assert listed["message_id"] == item(session, refused).message_id
    assert listed["deliver_after"].endswith("Z") or "+00:00" in listed["deliver_after"]

    retried = client.post(f"{OUTBOX}/{refused}/retry", headers=admin)
    assert retried.status_code == 200
    assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 1)
    assert item(session, refused).claimed_until is None
    again = client.post(f"{OUTBOX}/{refused}/retry", headers=admin)
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"notification {refused} is pending; only a parked one can be retried"
    )
    assert client.post(f"{OUTBOX}/{sent}/retry", headers=admin).status_code == 409

    with smtp_server() as server:
        worker(session, smtp_settings(tmp_path, server.port)).run_once()
    assert server.message_ids == [item(session, refused).message_id]
    delivered = client.get(f"{OUTBOX}/{refused}", headers=admin).json()
    assert (delivered["state"], delivered["attempts"], delivered["last_error"]) == ("sent", 2, None)


def test_the_list_filters_and_pages(
    client: TestClient, session: Session, cast: Cast, tmp_path: Path
) -> None:
    refused, sent, _ = refused_and_sent(session, tmp_path)
    waiting = queue_mail(session, recipient="senere@borger.example")
    admin = headers(cast.admin)

    def ids(**params: str | int) -> list[int]:
        answer = client.get(OUTBOX, params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        return [entry["id"] for entry in answer.json()["items"]]

    assert ids() == [waiting, sent, refused]
    assert ids(state="sent") == [sent]
    assert ids(state="pending") == [waiting]
    assert ids(subject_key="BDK-2026-0002") == [sent]
    assert ids(channel="webhook") == []
    assert ids(limit=1, offset=1) == [sent]
    assert client.get(OUTBOX, params={"limit": 1}, headers=admin).json()["total"] == 3


def test_a_webhook_is_listed_without_its_signing_key(
    client: TestClient, session: Session, cast: Cast
) -> None:
    enqueue_webhook(
        session,
        url="https://hooks.example.org/stabil",
        secret="meget-hemmelig",
        event="incident.escalated",
        payload={"id": 1},
        subject_kind="incident",
        subject_key="BDK-2026-0001",
    )
    session.commit()
    answer = client.get(OUTBOX, params={"channel": "webhook"}, headers=headers(cast.admin))
    [listed] = answer.json()["items"]
    assert (listed["recipient"], listed["subject"]) == (
        "https://hooks.example.org/stabil",
        "incident.escalated",
    )
    assert listed["message_id"] is None
    assert "meget-hemmelig" not in answer.text
    assert "signing_key" not in answer.text


def test_only_admins_see_the_outbox(client: TestClient, cast: Cast) -> None:
    assert client.get(OUTBOX).status_code == 401
    for member in (cast.operator, cast.viewer, cast.supplier, cast.authority):
        assert client.get(OUTBOX, headers=headers(member)).status_code == 403
        assert client.post(f"{OUTBOX}/1/retry", headers=headers(member)).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", f"{OUTBOX}/999999", 404),
        ("post", f"{OUTBOX}/999999/retry", 404),
        ("get", f"{OUTBOX}/99999999999999999999", 422),
        ("post", f"{OUTBOX}/0/retry", 422),
        ("get", f"{OUTBOX}/abc", 422),
        ("get", f"{OUTBOX}?state=lost", 422),
        ("get", f"{OUTBOX}?channel=pigeon", 422),
        ("get", f"{OUTBOX}?limit=0", 422),
        ("get", f"{OUTBOX}?limit=201", 422),
        ("get", f"{OUTBOX}?offset=-1", 422),
        ("get", f"{OUTBOX}?offset=99999999999999999999", 422),
        ("get", f"{OUTBOX}?subject_key=a%00b", 422),
        ("get", f"{OUTBOX}?subject_key={'x' * 65}", 422),
    ],
)
def test_bad_requests_are_answered_never_with_500(
    client: TestClient, cast: Cast, method: str, path: str, status: int
) -> None:
    answer = client.request(method, path, headers=headers(cast.admin))
    assert answer.status_code == status, answer.text
    assert "detail" in answer.json()


def test_retry_keeps_the_attempts_and_makes_it_due_now(
    client: TestClient, session: Session, cast: Cast, tmp_path: Path
) -> None:
    refused, _, _ = refused_and_sent(session, tmp_path)
    before = item(session, refused)
    client.post(f"{OUTBOX}/{refused}/retry", headers=headers(cast.admin))
    after = item(session, refused)
    assert after.state == DeliveryState.pending
    assert after.attempts == before.attempts
    assert after.deliver_after >= before.deliver_after
