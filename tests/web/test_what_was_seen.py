"""Each leak and gap of visibility that was seen on the desk, shown closed.

Seen: keys told apart by 403 and 404; notes and staff addresses shown to the reporting
authority; linked incident keys and posters' addresses shown to every role; the start-time
KPI listing every priority 1 incident to everyone; `allowed_transitions` listing what the
caller may not do; incidents handed over to an authority.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.desk import transitions
from stabil.desk.models import Incident
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.problems.service import get_problem, link_incidents
from tests.cast import Cast, Member, headers
from tests.web.world import INTERNAL_NOTE, NOW, SHARED_NOTE, World, build_world, isolated

API = "/api/v1"


@pytest.fixture
def world(session: Session, cast: Cast, frozen: time_machine.Coordinates) -> World:
    return build_world(session, cast)


def get(client: TestClient, member: Member, path: str) -> Any:
    response = client.get(API + path, headers=headers(member))
    assert response.status_code == 200, response.text
    return response.json()


def odense_major(session: Session, cast: Cast) -> Incident:
    """A priority 1 incident Odense reported, handed over 10 minutes after detection."""
    new = NewIncident("borger-dk", "Odense: Borger.dk er nede", "", Impact(100))
    incident = open_incident(session, cast.other_authority.user, new, now=NOW)
    transitions.hand_over(
        session,
        cast.operator.user,
        incident,
        party="supplier-b",
        now=NOW.replace(minute=10),
    )
    session.commit()
    return incident


def test_a_key_the_caller_may_not_see_is_answered_like_an_unknown_one(
    client: TestClient, cast: Cast, world: World
) -> None:
    unknown = {"incident": "BDK-2026-9999", "problem": "PRB-BDK-2026-9999"}
    unknown["request"] = "SR-BDK-2026-9999"
    patch, report = {"title": "x"}, {"report": "x"}
    routes: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
        ("GET", "/incidents/{}", "incident", world.handed, None),
        ("GET", "/incidents/{}/events", "incident", world.handed, None),
        ("PATCH", "/incidents/{}", "incident", world.handed, patch),
        ("POST", "/incidents/{}/transitions", "incident", world.handed, {"to": "resolved"}),
        ("GET", "/incidents/{}/major", "incident", world.major, None),
        ("GET", "/incidents/{}/review", "incident", world.major, None),
        ("PUT", "/incidents/{}/review", "incident", world.major, report),
        ("POST", "/incidents/{}/review/submit", "incident", world.major, None),
        ("GET", "/problems/{}", "problem", world.problem, None),
        ("GET", "/problems/{}/events", "problem", world.problem, None),
        ("PATCH", "/problems/{}", "problem", world.problem, patch),
        ("POST", "/problems/{}/incidents", "problem", world.problem, {"incidents": ["x"]}),
        ("GET", "/requests/{}", "request", world.request, None),
        ("GET", "/requests/{}/events", "request", world.request, None),
        ("POST", "/requests/{}/transitions", "request", world.request, {"to": "withdrawn"}),
    ]
    names = {"incident": "incident", "problem": "problem", "request": "service request"}
    auth = headers(cast.other_authority)
    for method, route, kind, key, body in routes:
        hidden = client.request(method, API + route.format(key), json=body, headers=auth)
        absent = client.request(method, API + route.format(unknown[kind]), json=body, headers=auth)
        assert (hidden.status_code, absent.status_code) == (404, 404), route
        assert hidden.json() == {"detail": f"no {names[kind]} is named {key!r}"}, route
        assert absent.json() == {"detail": f"no {names[kind]} is named {unknown[kind]!r}"}


def test_the_reporting_authority_reads_shared_notes_and_no_staff_address(
    client: TestClient, cast: Cast, world: World
) -> None:
    submitted = client.post(
        f"{API}/incidents/{world.major}/review/submit", headers=headers(cast.operator)
    )
    assert submitted.status_code == 200, submitted.text
    path = f"/incidents/{world.handed}/events"
    mine = get(client, cast.authority, path)
    notes = [(event["note"], event["note_visibility"]) for event in mine if event["note"]]
    assert notes == [(SHARED_NOTE, "shared")]
    actors = [event["actor"] for event in mine if event["kind"] != "status_message"]
    # The report is Aarhus's own, its routing Stabil's; the hand-overs are the desk's, named
    # by its organisation.
    assert actors == [
        cast.authority.user.email,
        None,
        "Digitaliseringsstyrelsen",
        "Digitaliseringsstyrelsen",
    ]
    told = [event["actor"] for event in mine if event["kind"] == "status_message"]
    assert told == ["Digitaliseringsstyrelsen"]  # the desk posted the message about it
    routed = next(event for event in mine if event["kind"] == "report_routed")
    assert isinstance(routed["after"]["notified"], int)  # how many were told, not who
    assert "@digst.example" not in str(
        get(client, cast.authority, f"/incidents/{world.major}/events")
    )
    sent = [
        e
        for e in get(client, cast.authority, f"/incidents/{world.major}/events")
        if e["kind"] == "review_submitted"
    ]
    assert isinstance(sent[0]["after"]["sent_to"], int)
    # The working supplier reads the internal note too, but no staff address either.
    theirs = get(client, cast.supplier, path)
    assert [event["note"] for event in theirs if event["note"]] == [INTERNAL_NOTE, SHARED_NOTE]
    assert cast.operator.user.email not in str(theirs)
    # The desk's readers see it all.
    desk = get(client, cast.viewer, path)
    # The hand-overs and the status message about it, all by the operator.
    assert [event["actor"] for event in desk][2:] == [cast.operator.user.email] * 3
    assert [event["note_visibility"] for event in desk if event["note"]] == ["internal", "shared"]


def test_messages_show_linked_incidents_and_posters_only_to_those_who_may_see_them(
    client: TestClient, cast: Cast, world: World
) -> None:
    path = f"/messages/{world.message}"
    assert get(client, cast.authority, path)["incidents"] == [world.handed]
    assert get(client, cast.viewer, path)["incidents"] == [world.handed]
    outsider = get(client, cast.other_authority, path)
    assert outsider["incidents"] == []
    assert outsider["allowed_transitions"] == []
    events = get(client, cast.other_authority, f"{path}/events")
    assert events[0]["after"]["incidents"] == []
    assert events[0]["actor"] == "Digitaliseringsstyrelsen"
    assert world.handed not in str(events)
    assert get(client, cast.viewer, f"{path}/events")[0]["actor"] == cast.operator.user.email
    # Nor does a filter tell which messages are about an incident the caller may not see.
    listed = f"/messages?incident={world.handed}"
    assert get(client, cast.other_authority, listed)["total"] == 0
    assert get(client, cast.authority, listed)["total"] == 1


def test_problems_show_only_the_linked_incidents_the_reader_may_see(
    client: TestClient, session: Session, cast: Cast, world: World
) -> None:
    foreign = odense_major(session, cast).key
    problem = get_problem(session, cast.operator.user, world.problem)
    link_incidents(session, cast.operator.user, problem, [foreign], now=NOW)
    session.commit()
    shown = get(client, cast.authority, f"/problems/{world.problem}")
    assert shown["incidents"] == [world.handed]
    assert foreign not in str(get(client, cast.authority, f"/problems/{world.problem}/events"))
    assert foreign in str(get(client, cast.viewer, f"/problems/{world.problem}/events"))
    found = get(client, cast.authority, f"/problems?incident={foreign}")
    assert found["total"] == 0


def test_start_time_counts_and_lists_only_what_the_caller_may_see(
    client: TestClient, session: Session, cast: Cast, world: World
) -> None:
    foreign = odense_major(session, cast).key
    path = "/services/borger-dk/start-time?month=2026-04"
    everyone = get(client, cast.viewer, path)
    assert (set(everyone["incidents"]), everyone["complete"]) == ({world.major, foreign}, True)
    aarhus = get(client, cast.authority, path)
    assert (aarhus["incidents"], aarhus["started"], aarhus["complete"]) == ([world.major], 1, False)
    odense = get(client, cast.other_authority, path)
    assert (odense["incidents"], odense["started"]) == ([foreign], 1)
    assert get(client, cast.other_supplier, path)["incidents"] == [foreign]


def test_allowed_lists_say_what_this_caller_may_do_now(
    client: TestClient, session: Session, cast: Cast, world: World
) -> None:
    incident = f"/incidents/{world.handed}"
    expected = {
        "operator": ["handed_over", "resolved", "cancelled"],
        "viewer": [],
        "supplier": ["resolved"],
        "authority": [],
    }
    for name, allowed in expected.items():
        assert get(client, getattr(cast, name), incident)["allowed_transitions"] == allowed, name
    fresh = client.post(
        f"{API}/incidents",
        json={"service": "borger-dk", "title": "x"},
        headers=headers(cast.authority),
    ).json()
    assert fresh["allowed_transitions"] == ["cancelled"]
    request = f"/requests/{world.request}"
    assert get(client, cast.authority, request)["allowed_transitions"] == ["withdrawn"]
    assert get(client, cast.viewer, request)["allowed_transitions"] == []
    assert len(get(client, cast.operator, request)["allowed_transitions"]) == 4
    problem = f"/problems/{world.problem}"
    assert get(client, cast.supplier, problem)["allowed_transitions"] == []
    assert get(client, cast.operator, problem)["allowed_transitions"] == ["known_error", "resolved"]
    message = f"/messages/{world.message}"
    assert get(client, cast.authority, message)["allowed_transitions"] == []
    assert get(client, cast.operator, message)["allowed_transitions"] == ["update", "resolve"]


@pytest.mark.parametrize("name", ["operator", "viewer", "supplier", "authority"])
def test_the_guard_allows_exactly_what_allowed_transitions_list(
    client: TestClient, session: Session, cast: Cast, world: World, name: str
) -> None:
    member = getattr(cast, name)
    url = f"{API}/incidents/{world.handed}"
    listed = client.get(url, headers=headers(member)).json()["allowed_transitions"]
    bodies = {
        "handed_over": {"to": "handed_over", "party": "supplier-b"},
        "resolved": {"to": "resolved"},
        "cancelled": {"to": "cancelled", "reason": "Dublet"},
    }
    for action, body in bodies.items():
        answer = isolated(session, client, "POST", f"{url}/transitions", body, headers(member))
        assert (answer.status_code == 200) == (action in listed), (action, answer.text)


def test_an_incident_goes_to_a_supplier_or_the_agency_only(
    client: TestClient, cast: Cast, world: World
) -> None:
    auth = headers(cast.operator)
    hand = {"to": "handed_over", "party": "aarhus"}
    refused = client.post(f"{API}/incidents/{world.handed}/transitions", json=hand, headers=auth)
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "party"
    assert "aarhus is an authority" in error["problem"]
    assert "digst, supplier-a, supplier-b" in error["problem"]
    reopen = {"to": "reopened", "party": "odense"}
    again = client.post(f"{API}/incidents/{world.major}/transitions", json=reopen, headers=auth)
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "party"
    unknown = {"to": "handed_over", "party": "nobody"}
    nobody = client.post(f"{API}/incidents/{world.handed}/transitions", json=unknown, headers=auth)
    assert "(use one of: digst, supplier-a, supplier-b)" in nobody.json()["errors"][0]["problem"]
    still = get(client, cast.operator, f"/incidents/{world.handed}")
    assert (still["state"], still["party"]) == ("handed_over", "supplier-a")
    agency = {"to": "handed_over", "party": "digst"}
    handed = client.post(f"{API}/incidents/{world.handed}/transitions", json=agency, headers=auth)
    assert handed.json()["party"] == "digst"
