"""Changes through the API: recording, the list and its filters, the plan, each step, linking
windows, the quota, who may do what, and bad input refused with nothing written (R12.1)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.changes.models import Change, ChangeEvent
from stabil.windows.models import ServiceWindow, ServiceWindowEvent
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.changes.helpers import NOW, plan
from tests.status.conftest import count

__all__ = ["NOW"]  # for `frozen`
pytestmark = pytest.mark.usefixtures("frozen", "services")
API = "/api/v1/changes"


def create(client: TestClient, member: Member, **changes: Any) -> dict[str, Any]:
    response = client.post(API, json=plan(**changes), headers=headers(member))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def step(client: TestClient, cast: Cast, key: str, to: str, **extra: Any) -> Any:
    return client.post(
        f"{API}/{key}/transitions", json={"to": to, **extra}, headers=headers(cast.operator)
    )


def window(client: TestClient, cast: Cast, day: int) -> int:
    body = {
        "service": "borger-dk",
        "kind": "short",
        "start": f"2026-04-{day:02d}T01:00:00+02:00",
        "end": f"2026-04-{day:02d}T03:00:00+02:00",
        "title": "Opdatering af databasen",
    }
    response = client.post("/api/v1/windows", json=body, headers=headers(cast.operator))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_recorded_change_is_shown_with_its_plan_and_quota(client: TestClient, cast: Cast) -> None:
    change = create(client, cast.operator)
    assert {name: change[name] for name in ("key", "service", "type", "risk", "state")} == {
        "key": "CHG-BDK-2026-0001",
        "service": "borger-dk",
        "type": "normal",
        "risk": "medium",
        "state": "requested",
    }
    assert (change["start"], change["end"]) == ("2026-04-17T23:00:00Z", "2026-04-18T01:00:00Z")
    assert (change["windows"], change["allowed_transitions"]) == ([], ["approved", "rejected"])
    assert change["quota"]["year"] == 2026
    assert change["quota"]["kinds"][0] == {
        "kind": "short",
        "per_year": 4,
        "used": 0,
        "left": 4,
        "dates": [],
    }
    shown = client.get(f"{API}/{change['key']}", headers=headers(cast.supplier))
    assert shown.status_code == 200
    assert shown.json() | {"allowed_transitions": []} == change | {"allowed_transitions": []}
    assert shown.json()["allowed_transitions"] == []  # suppliers read; the desk moves it


def test_every_step_through_the_api_and_its_history(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    early = step(client, cast, key, "implemented")
    assert early.status_code == 409
    assert early.json()["allowed_transitions"] == ["approved", "rejected"]
    for to in ("approved", "scheduled", "implemented", "reviewed"):
        moved = step(client, cast, key, to, note=f"Nu {to}")
        assert (moved.status_code, moved.json()["state"]) == (200, to), moved.text
    assert moved.json()["allowed_transitions"] == []
    again = step(client, cast, key, "failed", note="For sent")
    assert (again.status_code, again.json()["allowed_transitions"]) == (409, [])
    events = client.get(f"{API}/{key}/events", headers=headers(cast.viewer)).json()
    assert [event["kind"] for event in events] == ["requested"] + ["transition"] * 4
    assert events[1]["actor"] == cast.operator.user.email
    assert events[1]["recorded_at"] == "2026-04-14T08:00:00Z"
    assert (events[4]["after"], events[4]["note"]) == ({"state": "reviewed"}, "Nu reviewed")


def test_rejected_and_failed_need_a_note(client: TestClient, cast: Cast, session: Session) -> None:
    key = create(client, cast.operator)["key"]
    silent = step(client, cast, key, "rejected")
    assert silent.status_code == 422
    assert silent.json()["errors"][0]["field"] == "note"
    assert count(session, ChangeEvent) == 1
    assert step(client, cast, key, "rejected", note="Ikke nødvendig").json()["state"] == "rejected"


def test_the_list_filters_by_service_state_and_type_and_pages(
    client: TestClient, cast: Cast
) -> None:
    first = create(client, cast.operator)["key"]
    emergency = create(client, cast.operator, type="emergency")["key"]
    other = create(client, cast.operator, service="example-webservice")["key"]
    step(client, cast, first, "approved")

    def listed(**query: Any) -> list[str]:
        page = client.get(API, params=query, headers=headers(cast.viewer)).json()
        return [item["key"] for item in page["items"]]

    assert listed() == [other, emergency, first]  # newest first
    assert listed(service="borger-dk") == [emergency, first]
    assert listed(state="approved") == [first]
    assert listed(type="emergency") == [emergency]
    assert listed(service="borger-dk", state="requested", type="normal") == []
    page = client.get(API, params={"limit": 1, "offset": 1}, headers=headers(cast.admin)).json()
    assert ([item["key"] for item in page["items"]], page["total"]) == ([emergency], 3)
    assert (page["limit"], page["offset"]) == (1, 1)
    unknown = client.get(API, params={"type": "minor"}, headers=headers(cast.admin))
    assert unknown.status_code == 422
    none = client.get(API, headers=headers(cast.authority)).json()
    assert (none["items"], none["total"]) == ([], 0)


def test_the_plan_is_changed_while_requested_or_approved(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    url = f"{API}/{key}"
    auth = headers(cast.operator)
    edited = client.patch(
        url, json={"risk": "high", "end": "2026-04-18T04:00:00+02:00"}, headers=auth
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["risk"], edited.json()["end"]) == ("high", "2026-04-18T02:00:00Z")
    backwards = client.patch(url, json={"end": "2026-04-18T00:00:00+02:00"}, headers=auth)
    assert (backwards.status_code, backwards.json()["errors"][0]["field"]) == (422, "end")
    assert client.patch(url, json={}, headers=auth).status_code == 422
    assert client.patch(url, json={"title": None}, headers=auth).status_code == 422
    step(client, cast, key, "approved")
    step(client, cast, key, "scheduled")
    late = client.patch(url, json={"title": "Ny titel"}, headers=auth)
    assert late.status_code == 409
    assert late.json()["allowed_transitions"] == ["implemented", "failed"]
    shown = client.get(url, headers=auth).json()
    assert (shown["title"], shown["revision"]) == ("Ny version af databasen", 4)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": "2026-04-18T00:30:00+02:00"}, "end"),
        ({"end": "2026-04-18T01:00:00+02:00"}, "end"),
        ({"service": "nowhere"}, "service"),
        ({"type": "minor"}, "type"),
        ({"risk": "huge"}, "risk"),
        ({"start": "2026-04-18T01:00:00"}, "start"),
        ({"end": "2026-04-18T03:00:00"}, "end"),
        ({"title": "  "}, "title"),
    ],
    ids=[
        "end before start",
        "end at start",
        "unknown service",
        "unknown type",
        "unknown risk",
        "start without offset",
        "end without offset",
        "no title",
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    client: TestClient, cast: Cast, session: Session, changes: dict[str, Any], field: str
) -> None:
    response = client.post(API, json=plan(**changes), headers=headers(cast.operator))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].endswith(field)
    assert (count(session, Change), count(session, ChangeEvent)) == (0, 0)
    # A number is left unused only by what failed: the next change is still the first.
    assert create(client, cast.operator)["key"] == "CHG-BDK-2026-0001"


def test_a_window_is_linked_shown_on_both_and_unlinked(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    window_id = window(client, cast, 18)
    linked = client.post(
        f"{API}/{key}/windows", json={"window": window_id}, headers=headers(cast.operator)
    )
    assert linked.status_code == 200, linked.text
    [shown] = linked.json()["windows"]
    assert shown == {
        "id": window_id,
        "kind": "short",
        "state": "planned",
        "start": "2026-04-17T23:00:00Z",
        "end": "2026-04-18T01:00:00Z",
        "compliant": True,
    }
    short = linked.json()["quota"]["kinds"][0]
    assert (short["used"], short["left"], short["dates"]) == (1, 3, ["2026-04-18"])
    seen = client.get(f"/api/v1/windows/{window_id}", headers=headers(cast.viewer)).json()
    assert seen["change"] == key
    client.post(f"/api/v1/windows/{window_id}/announce", headers=headers(cast.operator))
    told = client.get(f"/api/v1/windows/{window_id}", headers=headers(cast.authority)).json()
    assert told["change"] is None  # an authority sees no changes, not even their keys
    window_events = client.get(f"/api/v1/windows/{window_id}/events", headers=headers(cast.viewer))
    assert [event["kind"] for event in window_events.json()][-2:] == ["change_linked", "announced"]
    gone = client.delete(f"{API}/{key}/windows/{window_id}", headers=headers(cast.operator))
    assert gone.status_code == 204
    assert (
        client.get(f"/api/v1/windows/{window_id}", headers=headers(cast.viewer)).json()["change"]
        is None
    )
    again = client.delete(f"{API}/{key}/windows/{window_id}", headers=headers(cast.operator))
    assert again.status_code == 404


def test_a_window_of_another_service_is_a_422_and_links_nothing(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = create(client, cast.operator)["key"]
    other = {
        "service": "example-webservice",
        "kind": "weekly",
        "start": "2026-04-21T18:00:00+02:00",
        "end": "2026-04-21T20:00:00+02:00",
        "title": "Opdatering",
        "override_reason": "Kun tjenesten betyder noget her",
    }
    created = client.post("/api/v1/windows", json=other, headers=headers(cast.operator))
    assert created.status_code == 201, created.text
    events_before = count(session, ServiceWindowEvent)
    refused = client.post(
        f"{API}/{key}/windows",
        json={"window": created.json()["id"]},
        headers=headers(cast.operator),
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "window",
            "problem": f"window {created.json()['id']} is one of example-webservice, not of "
            "borger-dk, the change's service",
        }
    ]
    kept = session.get(ServiceWindow, created.json()["id"])
    assert kept is not None
    assert kept.change_id is None
    assert (count(session, ChangeEvent), count(session, ServiceWindowEvent)) == (1, events_before)
    for bad in ({"window": 0}, {"window": "1"}, {"window": 2**31}, {}):
        answer = client.post(f"{API}/{key}/windows", json=bad, headers=headers(cast.operator))
        assert (answer.status_code, answer.json()["errors"][0]["field"]) == (422, "window"), bad


def test_who_may_see_and_do_what(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.admin)["key"]
    url = f"{API}/{key}"
    for member in (cast.viewer, cast.supplier, cast.other_supplier):
        assert client.get(url, headers=headers(member)).status_code == 200
        assert client.post(API, json=plan(), headers=headers(member)).status_code == 403
        moved = client.post(f"{url}/transitions", json={"to": "approved"}, headers=headers(member))
        assert moved.status_code == 403
    for member in (cast.authority, cast.other_authority):
        hidden = client.get(url, headers=headers(member))
        assert hidden.status_code == 404
        assert hidden.json() == {"detail": f"no change is named {key!r}"}  # as if none were
    assert client.get(url).status_code == 401


def test_the_list_asks_the_same_statements_for_few_changes_as_for_many(
    client: TestClient, cast: Cast, session: Session
) -> None:
    """Every change shows its windows and its service's quota: counted once per service and
    year, never once per change."""

    def statements_of_the_list() -> int:
        with statements(session) as sent:
            assert client.get(API, headers=headers(cast.viewer)).status_code == 200
        return len(sent)

    for day in (18, 19):
        key = create(client, cast.operator)["key"]
        linked = client.post(
            f"{API}/{key}/windows",
            json={"window": window(client, cast, day)},
            headers=headers(cast.operator),
        )
        assert linked.status_code == 200, linked.text
    statements_of_the_list()  # the viewer's token is marked used on its first call only
    few = statements_of_the_list()
    for _ in range(10):
        create(client, cast.operator)
    assert client.get(API, headers=headers(cast.viewer)).json()["total"] == 12
    assert statements_of_the_list() == few
