"""Operational messages through the API: shapes, lifecycle, links, permissions and errors."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.status.models import Message, MessageEntry, MessageEvent
from tests.accounts.queries import statements
from tests.cast import Cast, headers
from tests.status.conftest import count, incident, message_body, post

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")


def test_posting_returns_the_message_with_its_first_entry(client: TestClient, cast: Cast) -> None:
    message = post(
        client,
        cast.operator,
        title_en="Log-in is down",
        body_en="Citizens cannot log in.",
        affected_users="Alle borgere, ca. 40 %",
        cause="Fejl hos leverandøren",
        horizon="Inden for en time",
        horizon_at="2026-04-14T11:00:00+02:00",
    )
    assert (message["service"], message["type"], message["state"]) == (
        "borger-dk",
        "unavailable",
        "open",
    )
    assert message["affected"] == ["Log-in", "Selvbetjening"]
    assert message["affected_users"] == "Alle borgere, ca. 40 %"
    assert dt.datetime.fromisoformat(message["horizon_at"]) == NOW + dt.timedelta(hours=1)
    assert dt.datetime.fromisoformat(message["posted_at"]) == NOW
    assert [(entry["seq"], entry["kind"]) for entry in message["timeline"]] == [(1, "posted")]
    assert message["timeline"][0]["body_en"] == "Citizens cannot log in."
    assert message["allowed_transitions"] == ["update", "resolve"]
    assert message["revision"] == 1


def test_updates_append_to_the_timeline_and_change_facts(
    client: TestClient, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    message = post(client, cast.operator)
    url = f"/api/v1/messages/{message['id']}"
    frozen.move_to(NOW + dt.timedelta(minutes=30))
    updated = client.post(
        f"{url}/updates",
        json={
            "body": "Kun MitID-log-in er ramt.",
            "type": "partially_unavailable",
            "affected": ["Log-in"],
            "horizon": None,
            "cause": "Certifikat udløbet",
        },
        headers=headers(cast.operator),
    )
    assert updated.status_code == 200, updated.text
    result = updated.json()
    assert (result["type"], result["affected"], result["cause"]) == (
        "partially_unavailable",
        ["Log-in"],
        "Certifikat udløbet",
    )
    assert result["body"] == "Borgere kan ikke logge ind på Borger.dk."  # as first posted
    assert [(item["kind"], item["type"]) for item in result["timeline"]] == [
        ("posted", "unavailable"),
        ("updated", "partially_unavailable"),
    ]
    events = client.get(f"{url}/events", headers=headers(cast.viewer)).json()
    assert [event["kind"] for event in events] == ["posted", "updated"]
    assert events[1]["before"] == {
        "type": "unavailable",
        "affected": ["Log-in", "Selvbetjening"],
        "cause": None,
    }
    assert events[1]["actor"] == cast.operator.user.email


def test_resolve_then_close_and_nothing_after(client: TestClient, cast: Cast) -> None:
    url = f"/api/v1/messages/{post(client, cast.operator)['id']}"
    auth = headers(cast.operator)
    resolved = client.post(f"{url}/resolve", json={"body": "Log-in virker igen."}, headers=auth)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["state"] == "resolved"
    assert resolved.json()["timeline"][-1]["kind"] == "resolved"
    late = client.post(f"{url}/updates", json={"body": "Mere"}, headers=auth)
    assert late.status_code == 409
    assert late.json()["allowed_transitions"] == ["close"]
    again = client.post(f"{url}/resolve", headers=auth)
    assert again.status_code == 409
    closed = client.post(f"{url}/close", headers=auth)
    assert closed.json()["state"] == "closed"
    assert closed.json()["allowed_transitions"] == []
    after_close = client.post(f"{url}/updates", json={"body": "Mere"}, headers=auth)
    assert (after_close.status_code, after_close.json()["allowed_transitions"]) == (409, [])
    kinds = [event["kind"] for event in client.get(f"{url}/events", headers=auth).json()]
    assert kinds == ["posted", "resolved", "closed"]


def test_resolve_without_text_says_resolved(client: TestClient, cast: Cast) -> None:
    url = f"/api/v1/messages/{post(client, cast.operator)['id']}"
    resolved = client.post(f"{url}/resolve", headers=headers(cast.operator)).json()
    last = resolved["timeline"][-1]
    assert (last["body"], last["body_en"]) == ("Løst.", "Resolved.")


def test_incidents_are_linked_and_filtered_by(client: TestClient, cast: Cast) -> None:
    key = incident(client, cast.operator)
    linked = post(client, cast.operator, incidents=[key, key])
    post(client, cast.operator, title="Andet")
    assert linked["incidents"] == [key]
    found = client.get(f"/api/v1/messages?incident={key}", headers=headers(cast.viewer)).json()
    assert [item["id"] for item in found["items"]] == [linked["id"]]


def test_unknown_and_foreign_incidents_are_named(client: TestClient, cast: Cast) -> None:
    other = incident(client, cast.operator, service="example-webservice")
    before = count_messages_and_history(client, cast)
    unknown = client.post(
        "/api/v1/messages",
        json=message_body(incidents=["BDK-2026-0999", "NOPE"]),
        headers=headers(cast.operator),
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "incidents", "problem": "no incident is named BDK-2026-0999, NOPE"}
    ]
    foreign = client.post(
        "/api/v1/messages", json=message_body(incidents=[other]), headers=headers(cast.operator)
    )
    assert foreign.status_code == 422
    assert other in foreign.json()["errors"][0]["problem"]
    assert count_messages_and_history(client, cast) == before


def count_messages_and_history(client: TestClient, cast: Cast) -> int:
    page = client.get("/api/v1/messages", headers=headers(cast.admin)).json()
    return int(page["total"])


def test_everyone_reads_only_staff_writes(client: TestClient, cast: Cast) -> None:
    message = post(client, cast.admin)
    url = f"/api/v1/messages/{message['id']}"
    for member in (cast.viewer, cast.supplier, cast.authority, cast.other_supplier):
        assert client.get(url, headers=headers(member)).status_code == 200
        assert client.get("/api/v1/messages", headers=headers(member)).json()["total"] == 1
        refused = client.post("/api/v1/messages", json=message_body(), headers=headers(member))
        assert refused.status_code == 403
        update = client.post(f"{url}/updates", json={"body": "x"}, headers=headers(member))
        assert update.status_code == 403
        assert client.post(f"{url}/resolve", headers=headers(member)).status_code == 403
    assert client.get(url).status_code == 401
    assert client.post("/api/v1/messages", json=message_body()).status_code == 401


BAD_MESSAGES: list[tuple[dict[str, object], str]] = [
    ({"type": None}, "type"),
    ({"type": "down"}, "type"),
    ({"affected": []}, "affected"),
    ({"affected": ["  "]}, "affected.0"),
    ({"title": ""}, "title"),
    ({"body": "   "}, "body"),
    ({"horizon_at": "2026-04-14T11:00:00"}, "horizon_at"),
    ({"service": "nowhere"}, "service"),
    ({"service": "example-webservice", "type": "major_update"}, "type"),
    ({"colour": "red"}, "colour"),
]


def test_bad_messages_say_what_is_wrong(client: TestClient, cast: Cast, session: Session) -> None:
    for changes, field in BAD_MESSAGES:
        data = message_body(**changes)
        if "type" in changes and changes["type"] is None:
            del data["type"]
        response = client.post("/api/v1/messages", json=data, headers=headers(cast.operator))
        assert response.status_code == 422, response.text
        assert [error["field"] for error in response.json()["errors"]] == [field], changes
    assert count(session, Message) == 0


def test_an_update_cannot_clear_what_a_message_needs(client: TestClient, cast: Cast) -> None:
    url = f"/api/v1/messages/{post(client, cast.operator)['id']}/updates"
    for field in ("type", "affected", "title"):
        response = client.post(url, json={"body": "x", field: None}, headers=headers(cast.operator))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


def test_a_refused_update_changes_nothing(client: TestClient, cast: Cast, session: Session) -> None:
    url = f"/api/v1/messages/{post(client, cast.operator)['id']}"
    auth = headers(cast.operator)
    for body in (
        {"body": "Mere", "title": "Ny titel", "incidents": ["BDK-2026-0404"]},
        {"body": "Mere", "title": "Ny titel", "type": "slow", "affected": [], "cause": "x"},
        {"body": "Mere", "cause": "x", "type": "release", "service": "example-webservice"},
    ):
        assert client.post(f"{url}/updates", json=body, headers=auth).status_code == 422
    shown = client.get(url, headers=auth).json()
    assert (shown["title"], shown["type"], shown["cause"], shown["revision"]) == (
        "Log-in virker ikke",
        "unavailable",
        None,
        1,
    )
    assert (count(session, MessageEntry), count(session, MessageEvent)) == (1, 1)


def test_unknown_message_is_404(client: TestClient, cast: Cast) -> None:
    auth = headers(cast.operator)
    assert client.get("/api/v1/messages/12345", headers=auth).status_code == 404
    assert client.post("/api/v1/messages/12345/resolve", headers=auth).status_code == 404
    assert client.get("/api/v1/messages/99999999999999", headers=auth).status_code == 422
    assert client.get("/api/v1/messages/x", headers=auth).status_code == 422


def test_list_filters_pages_and_query_count(
    client: TestClient, cast: Cast, session: Session, frozen: time_machine.Coordinates
) -> None:
    key = incident(client, cast.operator)
    for minutes, type_ in enumerate(["unavailable", "slow", "service_window"]):
        frozen.move_to(NOW + dt.timedelta(minutes=minutes))
        post(client, cast.operator, type=type_, incidents=[key])
    post(client, cast.operator, service="example-webservice", type="slow")
    auth = headers(cast.viewer)
    page = client.get("/api/v1/messages?service=borger-dk&limit=2", headers=auth).json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [item["type"] for item in page["items"]] == ["service_window", "slow"]
    slow = client.get("/api/v1/messages?type=slow", headers=auth).json()
    assert {item["service"] for item in slow["items"]} == {"borger-dk", "example-webservice"}
    assert client.get("/api/v1/messages?state=resolved", headers=auth).json()["total"] == 0
    with statements(session) as sent:
        client.get("/api/v1/messages", headers=auth)
    # token, count, page, services, links, incidents, entries
    assert len(sent) == 7, sent


def test_idempotency_key_replays_instead_of_posting_twice(
    client: TestClient, cast: Cast, session: Session
) -> None:
    auth = {**headers(cast.operator), "Idempotency-Key": "post-1"}
    first = client.post("/api/v1/messages", json=message_body(), headers=auth)
    retry = client.post("/api/v1/messages", json=message_body(), headers=auth)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert count(session, Message) == 1
    other = client.post("/api/v1/messages", json=message_body(title="Andet"), headers=auth)
    assert other.status_code == 409
    url = f"/api/v1/messages/{first.json()['id']}/updates"
    update_auth = {**headers(cast.operator), "Idempotency-Key": "update-1"}
    client.post(url, json={"body": "Mere"}, headers=update_auth)
    client.post(url, json={"body": "Mere"}, headers=update_auth)
    assert count(session, MessageEntry) == 2


def test_history_rows_are_immutable(client: TestClient, cast: Cast, session: Session) -> None:
    post(client, cast.operator)
    entry = session.query(MessageEntry).one()
    event = session.query(MessageEvent).one()
    entry.body = "rewritten"
    with pytest.raises(PermissionError, match="immutable"):
        session.flush()
    session.rollback()
    session.delete(event)
    with pytest.raises(PermissionError, match="immutable"):
        session.flush()
