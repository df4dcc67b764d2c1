"""Service requests: their own lifecycle, timers when the declaration sets targets, access."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.desk.models import Incident
from stabil.requests.models import ServiceRequest, ServiceRequestEvent
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.status.conftest import count
from tests.status.hostile import send_hostile

CPH = ZoneInfo("Europe/Copenhagen")
# Tuesday 14 April 2026, 10:00 in Copenhagen: inside the example's business hours (07-17).
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")


def submit(client: TestClient, member: Member, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": "example-webservice",
        "title": "Nulstil adgangskode",
        "category": "access",
    }
    data.update(changes)
    response = client.post("/api/v1/requests", json=data, headers=headers(member))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def move(client: TestClient, member: Member, key: str, **body: Any) -> Any:
    return client.post(f"/api/v1/requests/{key}/transitions", json=body, headers=headers(member))


def due(timer: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(timer["due_at"]).astimezone(CPH)


def test_targets_come_from_the_service_request_priority(
    client: TestClient, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    request = submit(client, cast.authority, requester="Jens, Aarhus IT")
    assert (request["key"], request["priority"], request["state"]) == (
        "SR-EWS-2026-0001",
        5,
        "submitted",
    )
    assert (request["organisation"], request["requester"]) == ("aarhus", "Jens, Aarhus IT")
    reaction, resolution = request["timers"]["reaction"], request["timers"]["resolution"]
    # 1 working day of 10 business hours: Tuesday 10-17 leaves 3 hours for Wednesday.
    assert due(reaction) == dt.datetime(2026, 4, 15, 10, tzinfo=CPH)
    # 3 working days: Tuesday 7 h, Wednesday 10 h, Thursday 10 h, Friday 07-10.
    assert due(resolution) == dt.datetime(2026, 4, 17, 10, tzinfo=CPH)
    frozen.move_to(NOW + dt.timedelta(hours=1))
    started = move(client, cast.operator, request["key"], to="in_progress").json()
    assert started["timers"]["reaction"]["met"] is True
    assert started["timers"]["reaction"]["elapsed_seconds"] == 3600
    assert started["timers"]["resolution"]["running"] is True
    frozen.move_to(NOW + dt.timedelta(hours=9))  # Wednesday 07:00 after a night off the clock
    done = move(client, cast.operator, request["key"], to="fulfilled", note="Ny kode sendt").json()
    assert done["timers"]["resolution"]["elapsed_seconds"] == 7 * 3600
    assert done["timers"]["resolution"]["met"] is True
    assert done["allowed_transitions"] == ["closed"]
    closed = move(client, cast.operator, request["key"], to="closed").json()
    assert (closed["state"], closed["allowed_transitions"]) == ("closed", [])


def test_without_a_service_request_priority_there_are_no_targets(
    client: TestClient, cast: Cast
) -> None:
    request = submit(client, cast.operator, service="borger-dk", category="information")
    assert (request["key"], request["priority"], request["timers"]) == (
        "SR-BDK-2026-0001",
        None,
        {},
    )
    refused = client.post(
        "/api/v1/requests",
        json={"service": "borger-dk", "title": "x", "priority": 1},
        headers=headers(cast.operator),
    )
    assert refused.status_code == 422
    assert "sets no priority for them" in refused.json()["errors"][0]["problem"]
    incident_priority = client.post(
        "/api/v1/requests",
        json={"service": "example-webservice", "title": "x", "priority": 4},
        headers=headers(cast.operator),
    )
    assert "use one of [5]" in incident_priority.json()["errors"][0]["problem"]


def test_requests_are_never_incidents(client: TestClient, cast: Cast, session: Session) -> None:
    submit(client, cast.operator)
    submit(client, cast.operator, service="borger-dk")
    assert count(session, Incident) == 0
    assert client.get("/api/v1/incidents", headers=headers(cast.viewer)).json()["total"] == 0


def test_rejection_needs_a_reason_and_is_final(client: TestClient, cast: Cast) -> None:
    key = submit(client, cast.operator)["key"]
    assert move(client, cast.operator, key, to="rejected").status_code == 422
    rejected = move(client, cast.operator, key, to="rejected", reason="Ikke vores system")
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["state"], body["reason"], body["allowed_transitions"]) == (
        "rejected",
        "Ikke vores system",
        [],
    )
    assert body["timers"]["resolution"]["met"] is True  # a refusal in time is an answer in time
    again = move(client, cast.operator, key, to="in_progress")
    assert (again.status_code, again.json()["allowed_transitions"]) == (409, [])
    events = client.get(f"/api/v1/requests/{key}/events", headers=headers(cast.viewer)).json()
    assert [event["kind"] for event in events] == ["submitted", "transition"]
    assert events[1]["after"] == {"state": "rejected", "reason": "Ikke vores system"}


def test_submitted_is_never_a_next_state(client: TestClient, cast: Cast) -> None:
    key = submit(client, cast.operator)["key"]
    response = move(client, cast.operator, key, to="submitted")
    assert response.status_code == 409
    assert response.json()["allowed_transitions"] == [
        "in_progress",
        "fulfilled",
        "rejected",
        "withdrawn",
    ]


def test_authorities_submit_see_and_withdraw_their_own(client: TestClient, cast: Cast) -> None:
    own = submit(client, cast.authority)["key"]
    staff = submit(client, cast.operator)["key"]

    def keys(member: Member) -> list[str]:
        page = client.get("/api/v1/requests", headers=headers(member)).json()
        return [item["key"] for item in page["items"]]

    assert keys(cast.authority) == [own]
    assert keys(cast.other_authority) == []
    assert keys(cast.supplier) == []
    assert set(keys(cast.viewer)) == {own, staff}
    auth = headers(cast.other_authority)
    assert client.get(f"/api/v1/requests/{own}", headers=auth).status_code == 404
    assert move(client, cast.authority, own, to="in_progress").status_code == 403
    assert move(client, cast.viewer, own, to="in_progress").status_code == 403
    assert move(client, cast.other_authority, own, to="withdrawn").status_code == 404
    withdrawn = move(client, cast.authority, own, to="withdrawn")
    assert withdrawn.json()["state"] == "withdrawn"
    assert withdrawn.json()["timers"]["reaction"]["excluded"] is True
    for member in (cast.supplier, cast.viewer):
        body = {"service": "borger-dk", "title": "x"}
        assert (
            client.post("/api/v1/requests", json=body, headers=headers(member)).status_code == 403
        )
    assert client.get("/api/v1/requests").status_code == 401


def test_bad_requests_say_what_is_wrong(client: TestClient, cast: Cast, session: Session) -> None:
    auth = headers(cast.operator)
    for body, field in [
        ({"service": "example-webservice"}, "title"),
        ({"service": "nowhere", "title": "x"}, "service"),
        ({"service": "example-webservice", "title": "x", "category": "wish"}, "category"),
        ({"service": "example-webservice", "title": "x", "priority": 0}, "priority"),
        ({"service": "example-webservice", "title": "x", "state": "closed"}, "state"),
    ]:
        response = client.post("/api/v1/requests", json=body, headers=auth)
        assert response.status_code == 422, body
        assert [error["field"] for error in response.json()["errors"]] == [field]
    assert count(session, ServiceRequest) == 0


def test_hostile_bodies_never_cause_a_500(client: TestClient, cast: Cast, session: Session) -> None:
    key = submit(client, cast.operator)["key"]
    before = (count(session, ServiceRequest), count(session, ServiceRequestEvent))
    auth = headers(cast.operator)
    send_hostile(client, "POST", "/api/v1/requests", auth)
    send_hostile(
        client,
        "POST",
        f"/api/v1/requests/{key}/transitions",
        auth,
        extra=[
            {"to": "rejected", "reason": "\u0000"},
            {"to": "rejected", "reason": "  "},
            {"to": {"$ne": None}},
        ],
    )
    for url in ("/api/v1/requests?limit=0", "/api/v1/requests?category=wish"):
        assert client.get(url, headers=auth).status_code == 422
    assert client.get("/api/v1/requests/%00%27", headers=auth).status_code == 404
    assert client.get("/api/v1/requests/SR-EWS-2026-0404", headers=auth).status_code == 404
    after = (count(session, ServiceRequest), count(session, ServiceRequestEvent))
    assert after == before


def test_list_filters_and_a_fixed_number_of_queries(
    client: TestClient, cast: Cast, session: Session
) -> None:
    for category in ("access", "advice", "access"):
        submit(client, cast.operator, category=category)
    submit(client, cast.operator, service="borger-dk")
    auth = headers(cast.viewer)
    access = client.get(
        "/api/v1/requests?service=example-webservice&category=access", headers=auth
    ).json()
    assert access["total"] == 2
    assert client.get("/api/v1/requests?state=fulfilled", headers=auth).json()["total"] == 0
    with statements(session) as sent:
        page = client.get("/api/v1/requests?limit=3", headers=auth).json()
    assert (page["total"], len(page["items"])) == (4, 3)
    # token, count, page, services, declaration versions, organisations, events
    assert len(sent) == 7, sent
