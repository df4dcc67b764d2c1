"""Problems through the API: keys, edits, states, incident links, visibility and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.problems.models import Problem, ProblemEvent, ProblemIncident
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.status.conftest import count, incident
from tests.status.hostile import send_hostile

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")


def create(client: TestClient, member: Member, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"service": "borger-dk", "title": "Certifikater udløber uanmeldt"}
    data.update(changes)
    response = client.post("/api/v1/problems", json=data, headers=headers(member))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def handed_to_supplier_a(client: TestClient, cast: Cast) -> str:
    key = incident(client, cast.operator)
    response = client.post(
        f"/api/v1/incidents/{key}/transitions",
        json={"to": "handed_over", "party": "supplier-a"},
        headers=headers(cast.operator),
    )
    assert response.status_code == 200, response.text
    return key


def test_a_problem_gets_a_key_per_service_and_year(client: TestClient, cast: Cast) -> None:
    first = create(client, cast.operator, description="MitID-log-in fejler", owner="supplier-a")
    second = create(client, cast.admin)
    other = create(client, cast.operator, service="example-webservice")
    assert [first["key"], second["key"], other["key"]] == [
        "PRB-BDK-2026-0001",
        "PRB-BDK-2026-0002",
        "PRB-EWS-2026-0001",
    ]
    assert (first["state"], first["owner"], first["allowed_transitions"]) == (
        "open",
        "supplier-a",
        ["known_error", "resolved"],
    )


def test_edit_then_known_error_then_resolved_and_closed(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    url = f"/api/v1/problems/{key}"
    auth = headers(cast.operator)
    premature = client.patch(url, json={"state": "known_error"}, headers=auth)
    assert premature.status_code == 422
    assert premature.json()["errors"][0]["field"] == "workaround"
    known = client.patch(
        url,
        json={
            "root_cause": "Certifikat fornyes ikke automatisk",
            "workaround": "Forny manuelt",
            "owner": "supplier-b",
            "state": "known_error",
            "note": "Analyse færdig",
        },
        headers=auth,
    )
    assert known.status_code == 200, known.text
    assert (known.json()["state"], known.json()["owner"]) == ("known_error", "supplier-b")
    closing_early = client.patch(url, json={"state": "closed"}, headers=auth)
    assert closing_early.status_code == 409
    assert closing_early.json()["allowed_transitions"] == ["resolved"]
    assert client.patch(url, json={"state": "resolved"}, headers=auth).json()["state"] == "resolved"
    reopened = client.patch(url, json={"state": "open", "note": "Fejlen kom igen"}, headers=auth)
    assert reopened.json()["state"] == "open"
    client.patch(url, json={"state": "resolved"}, headers=auth)
    closed = client.patch(url, json={"state": "closed", "owner": None}, headers=auth).json()
    assert (closed["state"], closed["owner"], closed["allowed_transitions"]) == ("closed", None, [])
    events = client.get(f"{url}/events", headers=headers(cast.viewer)).json()
    assert [event["kind"] for event in events] == [
        "opened",
        "edited",
        "transition",
        "transition",
        "transition",
        "transition",
        "edited",
        "transition",
    ]
    assert events[2]["note"] == "Analyse færdig"
    assert events[1]["after"]["owner"] == "supplier-b"


def test_a_refused_patch_changes_nothing(client: TestClient, cast: Cast, session: Session) -> None:
    key = create(client, cast.operator)["key"]
    response = client.patch(
        f"/api/v1/problems/{key}",
        json={"title": "Ny titel", "state": "closed"},
        headers=headers(cast.operator),
    )
    assert response.status_code == 409
    shown = client.get(f"/api/v1/problems/{key}", headers=headers(cast.operator)).json()
    assert (shown["title"], shown["revision"]) == ("Certifikater udløber uanmeldt", 1)
    assert count(session, ProblemEvent) == 1


def test_incidents_are_linked_and_unlinked(client: TestClient, cast: Cast) -> None:
    first, second = incident(client, cast.operator), incident(client, cast.operator)
    key = create(client, cast.operator, incidents=[first])["key"]
    url = f"/api/v1/problems/{key}"
    auth = headers(cast.operator)
    linked = client.post(f"{url}/incidents", json={"incidents": [first, second]}, headers=auth)
    assert linked.json()["incidents"] == [first, second]
    assert client.delete(f"{url}/incidents/{first}", headers=auth).status_code == 204
    assert client.delete(f"{url}/incidents/{first}", headers=auth).status_code == 404
    shown = client.get(url, headers=auth).json()
    assert shown["incidents"] == [second]
    found = client.get(f"/api/v1/problems?incident={second}", headers=auth).json()
    assert [item["key"] for item in found["items"]] == [key]
    kinds = [event["kind"] for event in client.get(f"{url}/events", headers=auth).json()]
    assert kinds == ["opened", "incidents_linked", "incident_unlinked"]


def test_unknown_or_foreign_incidents_are_named(
    client: TestClient, cast: Cast, session: Session
) -> None:
    other = incident(client, cast.operator, service="example-webservice")
    auth = headers(cast.operator)
    response = client.post(
        "/api/v1/problems",
        json={"service": "borger-dk", "title": "x", "incidents": ["BDK-2026-0404"]},
        headers=auth,
    )
    assert response.json()["errors"] == [
        {"field": "incidents", "problem": "no incident is named BDK-2026-0404"}
    ]
    foreign = client.post(
        "/api/v1/problems",
        json={"service": "borger-dk", "title": "x", "incidents": [other]},
        headers=auth,
    )
    assert foreign.status_code == 422
    assert count(session, Problem) == 0


def test_who_sees_which_problems(client: TestClient, cast: Cast) -> None:
    handed = handed_to_supplier_a(client, cast)
    via_incident = create(client, cast.operator, incidents=[handed])["key"]
    owned = create(client, cast.operator, owner="supplier-a")["key"]
    hidden = create(client, cast.operator)["key"]
    reported = client.post(
        "/api/v1/incidents",
        json={"service": "borger-dk", "title": "Aarhus melder fejl"},
        headers=headers(cast.authority),
    ).json()["key"]
    authority_sees = create(client, cast.operator, incidents=[reported])["key"]

    def keys(member: Member) -> set[str]:
        page = client.get("/api/v1/problems", headers=headers(member)).json()
        return {item["key"] for item in page["items"]}

    everything = {via_incident, owned, hidden, authority_sees}
    assert keys(cast.viewer) == everything
    assert keys(cast.supplier) == {via_incident, owned}
    assert keys(cast.authority) == {authority_sees}
    assert keys(cast.other_supplier) == set()
    assert keys(cast.other_authority) == set()
    assert (
        client.get(f"/api/v1/problems/{hidden}", headers=headers(cast.supplier)).status_code == 404
    )
    shown = client.get(f"/api/v1/problems/{authority_sees}", headers=headers(cast.authority))
    assert shown.json()["incidents"] == [reported]


def test_only_admins_and_operators_change_problems(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator, owner="supplier-a")["key"]
    url = f"/api/v1/problems/{key}"
    # The authority may not see the problem at all (no incident of its own is linked): 404.
    for member, patch_status in ((cast.viewer, 403), (cast.supplier, 403), (cast.authority, 404)):
        auth = headers(member)
        body = {"service": "borger-dk", "title": "x"}
        assert client.post("/api/v1/problems", json=body, headers=auth).status_code == 403
        assert client.patch(url, json={"title": "x"}, headers=auth).status_code == patch_status
    assert client.get(url).status_code == 401


def test_bad_problems_say_what_is_wrong(client: TestClient, cast: Cast, session: Session) -> None:
    auth = headers(cast.operator)
    for body, field in [
        ({"service": "borger-dk"}, "title"),
        ({"service": "borger-dk", "title": "  "}, "title"),
        ({"service": "nowhere", "title": "x"}, "service"),
        ({"service": "borger-dk", "title": "x", "owner": "nobody"}, "owner"),
        ({"service": "borger-dk", "title": "x", "state": "open"}, "state"),
    ]:
        response = client.post("/api/v1/problems", json=body, headers=auth)
        assert response.status_code == 422, body
        assert [error["field"] for error in response.json()["errors"]] == [field]
    key = create(client, cast.operator)["key"]
    for body, field in [
        ({}, "body"),
        ({"title": None}, "title"),
        ({"state": "gone"}, "state"),
        ({"owner": "nobody"}, "owner"),
    ]:
        response = client.patch(f"/api/v1/problems/{key}", json=body, headers=auth)
        assert response.status_code == 422, body
        assert [error["field"] for error in response.json()["errors"]] == [field]
    assert count(session, ProblemEvent) == 1


def test_hostile_bodies_never_cause_a_500(client: TestClient, cast: Cast, session: Session) -> None:
    key = create(client, cast.operator)["key"]
    before = (
        count(session, Problem),
        count(session, ProblemEvent),
        count(session, ProblemIncident),
    )
    auth = headers(cast.operator)
    send_hostile(client, "POST", "/api/v1/problems", auth)
    send_hostile(client, "PATCH", f"/api/v1/problems/{key}", auth, extra=[{"state": None}])
    send_hostile(client, "POST", f"/api/v1/problems/{key}/incidents", auth)
    for url in (
        "/api/v1/problems?limit=0",
        "/api/v1/problems?state=gone",
        "/api/v1/problems?offset=-1",
    ):
        assert client.get(url, headers=auth).status_code == 422
    assert client.get("/api/v1/problems/%00%27%22", headers=auth).status_code == 404
    assert client.get("/api/v1/problems/" + "x" * 300, headers=auth).status_code == 404
    assert client.get("/api/v1/problems?text=%25_%5C", headers=auth).json()["total"] == 0
    after = (count(session, Problem), count(session, ProblemEvent), count(session, ProblemIncident))
    assert after == before


def test_list_pages_with_a_fixed_number_of_queries(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = incident(client, cast.operator)
    for number in range(3):
        create(
            client, cast.operator, title=f"Problem {number}", owner="supplier-a", incidents=[key]
        )
    auth = headers(cast.viewer)
    page = client.get("/api/v1/problems?limit=2&text=PROBLEM", headers=auth).json()
    assert (page["total"], [item["title"] for item in page["items"]]) == (
        3,
        ["Problem 2", "Problem 1"],
    )
    with statements(session) as sent:
        client.get("/api/v1/problems", headers=auth)
    # token, count, page, services, owners, links, incidents
    assert len(sent) == 7, sent
