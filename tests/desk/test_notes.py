"""Notes on an incident's timeline outside any transition: who writes them, who reads them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.cast import Cast, Member, headers

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)  # a Tuesday in primary service time
pytestmark = pytest.mark.usefixtures("frozen", "services")


def handed(client: TestClient, cast: Cast) -> str:
    body = {"service": "borger-dk", "title": "Log-in fejler", "impact": {}}
    created = client.post("/api/v1/incidents", json=body, headers=headers(cast.authority))
    key: str = created.json()["key"]
    moved = client.post(
        f"/api/v1/incidents/{key}/transitions",
        json={"to": "handed_over", "party": "supplier-a"},
        headers=headers(cast.operator),
    )
    assert moved.status_code == 200, moved.text
    return key


def note(client: TestClient, member: Member, key: str, **body: Any) -> Any:
    return client.post(f"/api/v1/incidents/{key}/notes", json=body, headers=headers(member))


def notes_read_by(client: TestClient, member: Member, key: str) -> list[str]:
    events = client.get(f"/api/v1/incidents/{key}/events", headers=headers(member)).json()
    return [event["note"] for event in events if event["kind"] == "note" and event["note"]]


def test_a_note_is_an_event_of_its_own_and_moves_the_revision(
    client: TestClient, cast: Cast
) -> None:
    key = handed(client, cast)
    before = client.get(f"/api/v1/incidents/{key}", headers=headers(cast.operator)).json()
    answer = note(client, cast.supplier, key, note="Databasen genstartes kl. 11")
    assert answer.status_code == 201, answer.text
    event = answer.json()
    assert (event["kind"], event["note"], event["note_visibility"]) == (
        "note",
        "Databasen genstartes kl. 11",
        "internal",
    )
    assert event["actor"] == cast.supplier.user.email
    after = client.get(f"/api/v1/incidents/{key}", headers=headers(cast.operator)).json()
    assert after["revision"] == before["revision"] + 1
    assert after["state"] == before["state"] == "handed_over"  # a note moves nothing else


def test_the_authority_reads_only_shared_notes(client: TestClient, cast: Cast) -> None:
    key = handed(client, cast)
    note(client, cast.operator, key, note="internt", note_visibility="internal")
    note(client, cast.operator, key, note="til alle", note_visibility="shared")
    assert notes_read_by(client, cast.supplier, key) == ["internt", "til alle"]
    assert notes_read_by(client, cast.authority, key) == ["til alle"]


def test_who_may_not_write_notes(client: TestClient, cast: Cast) -> None:
    key = handed(client, cast)
    assert note(client, cast.viewer, key, note="x").status_code == 403
    assert note(client, cast.authority, key, note="x").status_code == 403
    assert note(client, cast.other_supplier, key, note="x").status_code == 404
    empty = note(client, cast.operator, key, note="   ")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "note"
    assert note(client, cast.operator, key, note="").status_code == 422
    assert notes_read_by(client, cast.operator, key) == []
