"""Every record's history has one shape in the API, and the same rules of what a reader sees."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from stabil.records.schemas import EventOut
from tests.cast import Cast, Member, headers
from tests.status.conftest import incident, post

API = "/api/v1"
pytestmark = pytest.mark.usefixtures("services")


def call(client: TestClient, member: Member, method: str, path: str, **body: Any) -> Any:
    response = client.request(method, f"{API}{path}", json=body or None, headers=headers(member))
    assert response.status_code < 300, response.text
    return response.json()


def test_the_events_of_every_kind_of_record_have_one_shape(client: TestClient, cast: Cast) -> None:
    key = incident(client, cast.operator)
    problem = call(client, cast.operator, "POST", "/problems", service="borger-dk", title="Årsag")
    call(
        client,
        cast.operator,
        "PATCH",
        f"/problems/{problem['key']}",
        state="resolved",
        note="Certifikatet er fornyet",
    )
    request = call(client, cast.operator, "POST", "/requests", service="borger-dk", title="Adgang")
    message = post(client, cast.operator, incidents=[key])
    paths = [
        f"/incidents/{key}/events",
        f"/problems/{problem['key']}/events",
        f"/requests/{request['key']}/events",
        f"/messages/{message['id']}/events",
    ]
    histories = [call(client, cast.viewer, "GET", path) for path in paths]
    assert {frozenset(event) for history in histories for event in history} == {
        frozenset(EventOut.model_fields)
    }
    # A note of a record whose writers do not choose its readers is read by all who see it.
    noted = histories[1][-1]
    assert (noted["note"], noted["note_visibility"]) == ("Certifikatet er fornyet", "shared")
    # What is never entered afterwards happened when it was recorded.
    assert {event["effective_at"] == event["recorded_at"] for event in histories[3]} == {True}


def test_a_refused_step_lists_what_this_caller_may_do_instead(
    client: TestClient, cast: Cast
) -> None:
    key = incident(client, cast.operator)
    url = f"{API}/incidents/{key}/transitions"
    handed = {"to": "handed_over", "party": "supplier-a"}
    assert client.post(url, json=handed, headers=headers(cast.operator)).status_code == 200
    refused = client.post(url, json={"to": "closed"}, headers=headers(cast.supplier))
    assert refused.status_code == 409
    assert refused.json()["allowed_transitions"] == ["resolved"]
    operator = client.post(url, json={"to": "closed"}, headers=headers(cast.operator))
    assert operator.json()["allowed_transitions"] == ["handed_over", "resolved", "cancelled"]
