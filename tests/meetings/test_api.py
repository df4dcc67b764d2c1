"""The meeting API: planning with the declaration's defaults, refusals as clear 422s, minutes
and actions, who may do what, the pack as HTML, and the meetings in the service's iCalendar
feed with stable UIDs (R17.1, R9.8)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.cast import Cast, Member, headers
from tests.meetings.conftest import API, NOW

__all__ = ["NOW"]  # the `frozen` fixture reads it from this module
pytestmark = pytest.mark.usefixtures("frozen", "services")


def plan(client: TestClient, member: Member, **changes: Any) -> dict[str, Any]:
    body = {"forum": "operations_meeting", "starts_at": "2026-05-20T10:00:00+02:00", **changes}
    answer = client.post(API, json=body, headers=headers(member))
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def errors(answer: Any) -> list[dict[str, str]]:
    assert answer.status_code == 422, answer.text
    found: list[dict[str, str]] = answer.json()["errors"]
    return found


def test_a_meeting_is_planned_with_its_declared_length_and_read_by_the_authorities(
    client: TestClient, cast: Cast
) -> None:
    meeting = plan(client, cast.operator, location="Landgreven 4")
    assert (meeting["starts_at"], meeting["ends_at"]) == (
        "2026-05-20T08:00:00Z",
        "2026-05-20T10:00:00Z",
    )
    assert (meeting["rule"], meeting["state"], meeting["warnings"]) == ("R17.1", "planned", [])
    assert meeting["allowed_transitions"] == ["record_minutes", "cancel"]
    shown = client.get(f"{API}/{meeting['id']}", headers=headers(cast.authority))
    assert shown.status_code == 200
    assert shown.json()["allowed_transitions"] == []
    refused = client.get(API, headers=headers(cast.supplier))
    assert refused.status_code == 403
    assert "your role is supplier" in refused.json()["detail"]


def test_bad_plans_are_clear_422s(client: TestClient, cast: Cast) -> None:
    [unknown] = errors(
        client.post(
            API,
            json={"forum": "board", "starts_at": "2026-05-20T10:00:00+02:00"},
            headers=headers(cast.operator),
        )
    )
    assert unknown["field"] == "forum"
    assert "known: operations_meeting, review_meeting" in unknown["problem"]
    [no_offset] = errors(
        client.post(
            API,
            json={"forum": "operations_meeting", "starts_at": "2026-05-20T10:00:00"},
            headers=headers(cast.operator),
        )
    )
    assert no_offset["field"] == "starts_at"
    answer = client.post(
        "/api/v1/services/ukendt/meetings",
        json={"forum": "operations_meeting", "starts_at": "2026-05-20T10:00:00+02:00"},
        headers=headers(cast.operator),
    )
    [service] = errors(answer)
    assert service["field"] == "service"
    forbidden = client.post(
        API,
        json={"forum": "operations_meeting", "starts_at": "2026-05-20T10:00:00+02:00"},
        headers=headers(cast.authority),
    )
    assert forbidden.status_code == 403


def test_a_fifth_meeting_in_the_year_is_planned_with_a_warning(
    client: TestClient, cast: Cast
) -> None:
    for month in ("05", "06", "09", "11"):
        plan(client, cast.operator, starts_at=f"2026-{month}-20T10:00:00+02:00")
    fifth = plan(client, cast.operator, starts_at="2026-12-10T10:00:00+01:00")
    assert fifth["over_quota"] is True
    assert fifth["warnings"] == [
        "planned beyond the 4 meetings a year the declaration asks (R17.1): allowed, and flagged"
    ]


def test_minutes_and_actions_through_the_api(client: TestClient, cast: Cast, frozen: Any) -> None:
    meeting = plan(client, cast.operator, starts_at="2026-04-14T09:00:00+02:00")
    url = f"{API}/{meeting['id']}"
    operator = headers(cast.operator)
    [empty] = errors(client.post(f"{url}/minutes", json={}, headers=operator))
    assert empty["field"] == "minutes"
    held = client.post(
        f"{url}/minutes",
        json={"minutes": "# Referat\nGodkendt.", "decisions": ["Næste møde i august"]},
        headers=operator,
    )
    assert held.status_code == 200, held.text
    assert (held.json()["state"], held.json()["decisions"]) == ("held", ["Næste møde i august"])
    [owner] = errors(
        client.post(
            f"{url}/actions",
            json={"text": "Test failover", "owner": "nowhere", "due_on": "2026-05-01"},
            headers=operator,
        )
    )
    assert owner["field"] == "owner"
    [day] = errors(
        client.post(
            f"{url}/actions",
            json={"text": "Test failover", "owner": "aarhus", "due_on": "1. maj"},
            headers=operator,
        )
    )
    assert day["field"] == "due_on"
    action = client.post(
        f"{url}/actions",
        json={"text": "Test failover", "owner": "aarhus", "due_on": "2026-05-01"},
        headers=operator,
    )
    assert action.status_code == 201, action.text
    done = client.post(f"{url}/actions/{action.json()['id']}/complete", headers=operator)
    assert (done.status_code, done.json()["state"]) == (200, "done")
    again = client.post(f"{url}/actions/{action.json()['id']}/complete", headers=operator)
    assert again.status_code == 409
    cancel = client.post(f"{url}/cancel", json={"reason": "For sent"}, headers=operator)
    assert cancel.status_code == 409
    assert cancel.json()["allowed_transitions"] == ["record_minutes"]
    kinds = [event["kind"] for event in client.get(f"{url}/events", headers=operator).json()]
    assert kinds == ["planned", "minutes_recorded", "action_added", "action_done"]
    other = client.get(
        f"/api/v1/services/example-webservice/meetings/{meeting['id']}", headers=operator
    )
    assert other.status_code == 404


def test_the_schedule_and_the_pack(client: TestClient, cast: Cast) -> None:
    meeting = plan(client, cast.operator)
    found = client.get(f"{API}/schedule", params={"year": 2026}, headers=headers(cast.viewer))
    assert found.status_code == 200
    operations = found.json()[0]
    assert [period["standing"] for period in operations["periods"]] == [
        "missing",
        "planned",
        "due",
        "due",
    ]
    assert operations["periods"][1]["meetings"] == [meeting["id"]]
    pack = client.get(
        f"{API}/{meeting['id']}/pack", params={"lang": "en"}, headers=headers(cast.authority)
    )
    assert pack.status_code == 200
    assert pack.headers["content-type"].startswith("text/html")
    style = pack.text.split("<style>")[1].split("</style>")[0]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in pack.headers["content-security-policy"]
    assert "Approval of the last minutes" in pack.text


def test_the_services_calendar_holds_its_meetings_with_stable_uids(
    client: TestClient, cast: Cast
) -> None:
    meeting = plan(client, cast.operator, location="Landgreven 4")
    cancelled = plan(client, cast.operator, starts_at="2026-06-20T10:00:00+02:00")
    client.post(
        f"{API}/{cancelled['id']}/cancel",
        json={"reason": "Flyttet"},
        headers=headers(cast.operator),
    )
    feed = Calendar.from_ical(client.get("/status/borger-dk/windows.ics").content)
    entries = {str(item["uid"]): item for item in feed.walk("VEVENT")}
    first = entries[f"moede-{meeting['id']}@borger-dk.stabil"]
    assert str(first["summary"]) == "Driftsmøde mellem myndigheder i driftsnetværket"
    assert first.decoded("dtstart").isoformat() == "2026-05-20T10:00:00+02:00"
    assert first.decoded("dtend").isoformat() == "2026-05-20T12:00:00+02:00"
    assert str(first["location"]) == "Landgreven 4"
    assert "Dagsorden:" in str(first["description"])
    second = entries[f"moede-{cancelled['id']}@borger-dk.stabil"]
    assert (str(second["status"]), str(second["summary"])[:7]) == ("CANCELLED", "Aflyst:")
    assert (first["sequence"], second["sequence"]) == (0, 1)  # calendars apply the change
