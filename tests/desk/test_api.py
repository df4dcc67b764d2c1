"""The incident API's contract: shapes, error codes, permissions and idempotency."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import time_machine
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.desk.models import Incident, IncidentEvent
from stabil.idempotency.models import IdempotencyRecord
from stabil.web.app import create_app
from stabil.web.deps import get_session
from tests.cast import Cast, headers
from tests.worker.processes import wait_until

CPH = ZoneInfo("Europe/Copenhagen")
# Tuesday 14 April 2026, 10:00 in Copenhagen: primary service time.
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": "borger-dk",
        "title": "Selvbetjening utilgængelig",
        "description": "Ingen kan logge ind",
        "impact": {"users_affected_percent": 40},
    }
    data.update(changes)
    return data


def create(client: TestClient, member: Any, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v1/incidents", json=body(**changes), headers=headers(member))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_returns_the_incident(client: TestClient, cast: Cast) -> None:
    incident = create(client, cast.operator, detected_at="2026-04-14T09:55:00+02:00")
    assert incident["key"] == "BDK-2026-0001"
    assert incident["service"] == "borger-dk"
    assert incident["state"] == "registered"
    assert (incident["priority"], incident["suggested_priority"], incident["major"]) == (1, 1, True)
    assert "more than 20 %" in incident["suggestion_reason"]
    assert incident["declaration_version"] == "1.0"
    reaction = incident["timers"]["reaction"]
    assert reaction["target_seconds"] == 900
    assert dt.datetime.fromisoformat(reaction["due_at"]) == dt.datetime(
        2026, 4, 14, 10, 10, tzinfo=CPH
    )
    assert reaction["elapsed_seconds"] == 300
    assert reaction["met"] is None
    assert reaction["breached"] is False
    assert incident["allowed_transitions"] == ["handed_over", "cancelled"]
    assert dt.datetime.fromisoformat(incident["detected_at"]).utcoffset() is not None


def test_get_list_and_events(client: TestClient, cast: Cast) -> None:
    first = create(client, cast.operator)
    create(
        client, cast.operator, title="Artikelimport langsom", impact={"users_affected_percent": 2}
    )
    one = client.get(f"/api/v1/incidents/{first['key']}", headers=headers(cast.viewer))
    assert one.json()["key"] == first["key"]
    page = client.get("/api/v1/incidents?limit=1", headers=headers(cast.viewer)).json()
    assert (page["total"], page["limit"], len(page["items"])) == (2, 1, 1)
    found = client.get("/api/v1/incidents?text=ARTIKEL", headers=headers(cast.viewer)).json()
    assert [item["title"] for item in found["items"]] == ["Artikelimport langsom"]
    by_priority = client.get("/api/v1/incidents?priority=1", headers=headers(cast.viewer)).json()
    assert [item["key"] for item in by_priority["items"]] == [first["key"]]
    events = client.get(
        f"/api/v1/incidents/{first['key']}/events", headers=headers(cast.viewer)
    ).json()
    assert [event["kind"] for event in events] == ["opened", "report_routed"]
    assert events[0]["actor"] == cast.operator.user.email


def test_breached_filter(client: TestClient, cast: Cast, frozen: time_machine.Coordinates) -> None:
    late = create(client, cast.operator)
    frozen.move_to(NOW + dt.timedelta(minutes=20))  # past the 15-minute reaction target
    create(client, cast.operator)
    breached = client.get("/api/v1/incidents?breached=true", headers=headers(cast.operator)).json()
    assert [item["key"] for item in breached["items"]] == [late["key"]]
    assert breached["items"][0]["timers"]["reaction"]["breached"] is True
    fine = client.get("/api/v1/incidents?breached=false", headers=headers(cast.operator)).json()
    assert fine["total"] == 1


def test_transitions_through_the_api(
    client: TestClient, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    key = create(client, cast.operator)["key"]
    url = f"/api/v1/incidents/{key}/transitions"
    handed = client.post(
        url, json={"to": "handed_over", "party": "supplier-a"}, headers=headers(cast.operator)
    )
    assert handed.status_code == 200, handed.text
    assert handed.json()["party"] == "supplier-a"
    assert handed.json()["timers"]["reaction"]["met"] is True
    frozen.move_to(NOW + dt.timedelta(hours=1))
    resolved = client.post(
        url, json={"to": "resolved", "note": "genstartet"}, headers=headers(cast.supplier)
    )
    assert resolved.json()["state"] == "resolved"
    assert resolved.json()["timers"]["resolution"]["elapsed_seconds"] == 3600
    closed = client.post(url, json={"to": "closed"}, headers=headers(cast.operator))
    assert closed.json()["state"] == "closed"


def test_transition_conflict_lists_allowed(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    response = client.post(
        f"/api/v1/incidents/{key}/transitions",
        json={"to": "closed"},
        headers=headers(cast.operator),
    )
    assert response.status_code == 409
    assert response.json()["allowed_transitions"] == ["handed_over", "cancelled"]


def test_patch_priority_and_fields(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    url = f"/api/v1/incidents/{key}"
    no_reason = client.patch(url, json={"priority": 2}, headers=headers(cast.operator))
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "priority_reason"
    changed = client.patch(
        url,
        json={"priority": 2, "priority_reason": "Delvis nede", "title": "Delvis nede"},
        headers=headers(cast.operator),
    )
    assert changed.status_code == 200
    assert (changed.json()["priority"], changed.json()["title"]) == (2, "Delvis nede")
    kinds = [e["kind"] for e in client.get(f"{url}/events", headers=headers(cast.operator)).json()]
    assert kinds == ["opened", "report_routed", "edited", "priority_changed"]
    empty = client.patch(url, json={}, headers=headers(cast.operator))
    assert empty.status_code == 422


def test_idempotent_create(client: TestClient, cast: Cast, session: Session) -> None:
    first = client.post(
        "/api/v1/incidents",
        json=body(),
        headers={**headers(cast.operator), "Idempotency-Key": "k-1"},
    )
    again = client.post(
        "/api/v1/incidents",
        json=body(),
        headers={**headers(cast.operator), "Idempotency-Key": "k-1"},
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(session, Incident) == 1
    other = client.post(
        "/api/v1/incidents",
        json=body(title="Andet"),
        headers={**headers(cast.operator), "Idempotency-Key": "k-1"},
    )
    assert other.status_code == 409
    assert count(session, Incident) == 1
    assert count(session, IdempotencyRecord) == 1


# The cast: who may do what.


def test_401_without_a_valid_token(client: TestClient) -> None:
    for token in (None, "stb_not-a-token"):
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.get("/api/v1/incidents", headers=auth)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_who_may_report(client: TestClient, cast: Cast) -> None:
    for member in (cast.admin, cast.operator, cast.authority):
        assert (
            client.post("/api/v1/incidents", json=body(), headers=headers(member)).status_code
            == 201
        )
    for member in (cast.viewer, cast.supplier):
        assert (
            client.post("/api/v1/incidents", json=body(), headers=headers(member)).status_code
            == 403
        )


def test_authorities_see_only_their_own(client: TestClient, cast: Cast) -> None:
    own = create(client, cast.authority)
    assert own["reporter_organisation"] == "aarhus"
    mine = client.get("/api/v1/incidents", headers=headers(cast.authority)).json()
    assert [item["key"] for item in mine["items"]] == [own["key"]]
    assert (
        client.get("/api/v1/incidents", headers=headers(cast.other_authority)).json()["total"] == 0
    )
    response = client.get(f"/api/v1/incidents/{own['key']}", headers=headers(cast.other_authority))
    assert response.status_code == 404


def test_authority_may_withdraw_its_own_report_only(client: TestClient, cast: Cast) -> None:
    own = create(client, cast.authority)["key"]
    url = f"/api/v1/incidents/{own}/transitions"
    cancel = {"to": "cancelled", "reason": "Fejl hos os selv"}
    assert client.post(url, json=cancel, headers=headers(cast.other_authority)).status_code == 404
    hand = {"to": "handed_over", "party": "supplier-a"}
    assert client.post(url, json=hand, headers=headers(cast.authority)).status_code == 403
    assert client.post(url, json=cancel, headers=headers(cast.authority)).status_code == 200


def test_suppliers_see_and_resolve_what_they_were_handed(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    url = f"/api/v1/incidents/{key}"
    assert client.get(url, headers=headers(cast.supplier)).status_code == 404
    client.post(
        f"{url}/transitions",
        json={"to": "handed_over", "party": "supplier-a"},
        headers=headers(cast.operator),
    )
    assert client.get(url, headers=headers(cast.supplier)).status_code == 200
    assert client.get(url, headers=headers(cast.other_supplier)).status_code == 404
    assert (
        client.get("/api/v1/incidents", headers=headers(cast.other_supplier)).json()["total"] == 0
    )
    assert client.patch(url, json={"title": "x"}, headers=headers(cast.supplier)).status_code == 403
    close = client.post(
        f"{url}/transitions",
        json={"to": "cancelled", "reason": "x"},
        headers=headers(cast.supplier),
    )
    assert close.status_code == 403
    done = client.post(
        f"{url}/transitions", json={"to": "resolved"}, headers=headers(cast.supplier)
    )
    assert done.status_code == 200


def test_viewer_reads_only(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    url = f"/api/v1/incidents/{key}"
    assert client.get(url, headers=headers(cast.viewer)).status_code == 200
    assert client.patch(url, json={"title": "x"}, headers=headers(cast.viewer)).status_code == 403
    hand = {"to": "handed_over", "party": "supplier-a"}
    assert (
        client.post(f"{url}/transitions", json=hand, headers=headers(cast.viewer)).status_code
        == 403
    )


def test_unknown_key_is_404(client: TestClient, cast: Cast) -> None:
    for method, path in (
        ("get", "/api/v1/incidents/BDK-2026-9999"),
        ("get", "/api/v1/incidents/BDK-2026-9999/events"),
        ("patch", "/api/v1/incidents/BDK-2026-9999"),
        ("post", "/api/v1/incidents/BDK-2026-9999/transitions"),
    ):
        payload = {"title": "x"} if method == "patch" else {"to": "closed"}
        kwargs: dict[str, Any] = {} if method == "get" else {"json": payload}
        response = getattr(client, method)(path, headers=headers(cast.operator), **kwargs)
        assert response.status_code == 404, (method, path)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"detected_at": "2026-04-14T09:00:00"}, "detected_at"),  # no offset
        ({"detected_at": "2026-04-14T10:00:01+02:00"}, "detected_at"),  # the future
        ({"impact": {"users_affected_percent": 101}}, "impact.users_affected_percent"),
        ({"impact": {"users_affected_percent": -1}}, "impact.users_affected_percent"),
        ({"priority": 3}, "priority_reason"),
        ({"priority": 7, "priority_reason": "x"}, "priority"),
        ({"service": "nope"}, "service"),
        ({"title": "   "}, "title"),
        ({"channel": "fax"}, "channel"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_422_names_the_field(
    client: TestClient, cast: Cast, session: Session, changes: dict[str, Any], field: str
) -> None:
    response = client.post(
        "/api/v1/incidents", json=body(**changes), headers=headers(cast.operator)
    )
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert count(session, Incident) == 0
    assert count(session, IncidentEvent) == 0


HOSTILE: list[Any] = [
    None,
    [],
    "text",
    12,
    {"service": None},
    {"service": ["borger-dk"]},
    {"service": "borger-dk", "title": "x" * 10_000},
    {"service": "borger-dk", "title": "x", "impact": "all"},
    {"service": "borger-dk", "title": "x", "impact": {"users_affected_percent": "NaN"}},
    '{"service": "borger-dk", "title": "x", "impact": {"users_affected_percent": 1e400}}',
    '{"service": "borger-dk", "title": "x", "impact": {"users_affected_percent": NaN}}',
    '{"service": "borger-dk", "title": "x", "priority": 1.5}',
    '{"service": "borger-dk", "service": 1}',
    "[" * 5000 + "]" * 5000,
    {"service": "borger-dk", "title": "x", "priority": 10**30, "priority_reason": "x"},
    {"service": "borger-dk", "title": "x", "detected_at": "0000-00-00T00:00:00Z"},
    {"service": "borger-dk", "title": "x", "detected_at": "1900-01-01T00:00:00Z"},
    {"service": "borger-dk", "title": "\u0000'; DROP TABLE incidents; --"},
    '{"service": "borger-dk", "title": "\\ud800 lone surrogate"}',
    {"to": "handed_over", "party": {"$gt": ""}},
    {"to": "resolved", "at": "yesterday"},
    {"to": "resolved", "at": "2026-04-14T07:00:00+99:00"},
    {"to": None},
    {"priority": "1", "priority_reason": None},
    {"a": {"b": {"c": {"d": {"e": [[[[[]]]]]}}}}},
]


def test_hostile_bodies_never_cause_a_500(client: TestClient, cast: Cast, session: Session) -> None:
    key = create(client, cast.operator)["key"]
    before = (count(session, Incident), count(session, IncidentEvent))
    auth = headers(cast.operator)
    targets = [
        ("post", "/api/v1/incidents"),
        ("patch", f"/api/v1/incidents/{key}"),
        ("post", f"/api/v1/incidents/{key}/transitions"),
    ]
    for method, url in targets:
        for payload in HOSTILE:
            raw = payload if isinstance(payload, str) else json.dumps(payload)
            response = getattr(client, method)(
                url, content=raw.encode(), headers={**auth, "Content-Type": "application/json"}
            )
            assert response.status_code in (200, 400, 409, 422), (
                method,
                url,
                payload,
                response.text,
            )
        raw = getattr(client, method)(
            url, content=b"{not json", headers={**auth, "Content-Type": "application/json"}
        )
        assert raw.status_code == 422
    for url in (
        "/api/v1/incidents?priority=x",
        "/api/v1/incidents?limit=100000",
        "/api/v1/incidents?state=gone",
    ):
        assert client.get(url, headers=auth).status_code == 422
    weird_key = client.get("/api/v1/incidents/%00%27%22", headers=auth)
    assert weird_key.status_code == 404
    assert count(session, Incident) == before[0]


@pytest.mark.parametrize(
    ("registered", "reaction_due"),
    [
        # R2.5: 08:30 is primary time, 16:30 is not; P1 reaction is 15 minutes of it.
        ((2026, 4, 13, 8, 29, 59), (2026, 4, 13, 8, 45)),  # Monday before opening
        ((2026, 4, 13, 8, 30, 0), (2026, 4, 13, 8, 45)),
        ((2026, 4, 13, 16, 29, 59), (2026, 4, 14, 8, 44, 59)),  # 1 s today, 899 s tomorrow
        ((2026, 4, 13, 16, 15, 0), (2026, 4, 13, 16, 30)),  # ends exactly at closing time
        ((2026, 4, 17, 16, 30, 0), (2026, 4, 20, 8, 45)),  # Friday closing: Monday
        ((2026, 4, 2, 12, 0, 0), (2026, 4, 7, 8, 45)),  # Maundy Thursday: Easter Tuesday
        ((2026, 3, 29, 2, 30, 0), (2026, 3, 30, 8, 45)),  # DST Sunday (an instant, in UTC)
    ],
)
def test_reaction_due_at_the_edges_of_service_time(
    client: TestClient,
    cast: Cast,
    frozen: time_machine.Coordinates,
    registered: tuple[int, ...],
    reaction_due: tuple[int, ...],
) -> None:
    if registered[:3] == (2026, 3, 29):
        frozen.move_to(dt.datetime(*registered, tzinfo=dt.UTC))  # 04:30 CEST
    else:
        frozen.move_to(dt.datetime(*registered, tzinfo=CPH))
    incident = create(client, cast.operator)
    due = dt.datetime.fromisoformat(incident["timers"]["reaction"]["due_at"])
    assert due == dt.datetime(*reaction_due, tzinfo=CPH)


def test_create_over_real_http_has_a_true_content_length(cast: Cast, session: Session) -> None:
    # The create route writes its response itself; its length must be the body's.
    app = create_app()

    def request_session() -> Iterator[Session]:
        yield session
        session.commit()

    app.dependency_overrides[get_session] = request_session
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))

    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, 10, "the uvicorn server to start")
        auth = {**headers(cast.operator), "Idempotency-Key": "real-1"}
        for _ in range(2):
            response = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/incidents", json=body(), headers=auth
            )
            assert response.status_code == 201
            assert int(response.headers["content-length"]) == len(response.content) > 100
        assert response.headers["idempotent-replayed"] == "true"
    finally:
        server.should_exit = True
        thread.join(10)
        assert not thread.is_alive(), "the uvicorn server did not stop within 10 s"
