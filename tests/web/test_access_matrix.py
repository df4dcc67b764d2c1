"""Every API route, asked by every member of the cast, without a token and with a revoked one.

The table says what each may read and do in the world of tests/web/world.py: `404` where the
member may not see the record (exactly as for a key that does not exist), `403` where it may
see it but its role may not do this, `401` without a valid token. Each request runs in a
savepoint that is rolled back afterwards, so every cell starts from the same world.

A route of the app without a row here fails `test_every_route_has_a_row`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.web.app import API_PREFIX, create_app
from tests.cast import Cast, headers
from tests.web.world import NOW, World, build_world, isolated  # noqa: F401  (NOW: for `frozen`)

WHO = (
    "admin",
    "operator",
    "viewer",
    "supplier",
    "other_supplier",
    "authority",
    "other_authority",
    "anonymous",
    "revoked",
)


@dataclass(frozen=True, slots=True)
class Row:
    method: str
    route: str  # as the app declares it
    expected: str  # one status per member of WHO, in that order
    path: str = ""  # the route with the world's keys; default: the route itself
    body: dict[str, Any] | None = None


INCIDENT = {"service": "borger-dk", "title": "Selvbetjening svarer ikke"}
MEETING = {"forum": "operations_meeting", "starts_at": "2026-06-10T10:00:00+02:00"}
MESSAGE = {
    "service": "borger-dk",
    "type": "slow",
    "affected": ["Søgning"],
    "title": "Søgning er langsom",
    "body": "Søgningen svarer langsomt.",
}

WINDOW = {
    "service": "borger-dk",
    "kind": "short",
    "start": "2026-05-16T01:00:00+02:00",
    "end": "2026-05-16T03:00:00+02:00",
    "title": "Opdatering af søgningen",
}

RELEASE = {"service": "borger-dk", "version": "3.0", "planned_date": "2026-06-01"}
CHANGE = {
    "service": "borger-dk",
    "type": "standard",
    "title": "Nyt certifikat",
    "risk": "low",
    "start": "2026-05-16T01:00:00+02:00",
    "end": "2026-05-16T02:00:00+02:00",
}

#            admin operator viewer supplier other_supplier authority other_authority anon revoked
ROWS = (
    Row("GET", "/services", "200 200 200 200 200 200 200 200 200"),
    Row("GET", "/services/{key}/declaration", "200 200 200 200 200 200 200 200 200",
        "/services/borger-dk/declaration"),
    Row("GET", "/me", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/users", "200 403 403 403 403 403 403 401 401"),
    Row("POST", "/incidents", "201 201 403 403 403 201 201 401 401", body=INCIDENT),
    Row("GET", "/incidents", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/incidents/{key}", "200 200 200 200 404 200 404 401 401",
        "/incidents/{handed}"),
    Row("PATCH", "/incidents/{key}", "200 200 403 403 404 403 404 401 401",
        "/incidents/{handed}", {"title": "Log-in fejler for alle"}),
    Row("POST", "/incidents/{key}/transitions", "200 200 403 200 404 403 404 401 401",
        "/incidents/{handed}/transitions", {"to": "resolved"}),
    Row("GET", "/incidents/{key}/events", "200 200 200 200 404 200 404 401 401",
        "/incidents/{handed}/events"),
    Row("POST", "/incidents/{key}/notes", "201 201 403 201 404 403 404 401 401",
        "/incidents/{handed}/notes", {"note": "Databasen genstartes kl. 11"}),
    Row("GET", "/incidents/{key}/major", "200 200 200 200 404 200 404 401 401",
        "/incidents/{major}/major"),
    Row("GET", "/incidents/{key}/review", "200 200 200 200 404 200 404 401 401",
        "/incidents/{major}/review"),
    Row("PUT", "/incidents/{key}/review", "200 200 403 403 404 403 404 401 401",
        "/incidents/{major}/review", {"report": "# Rapport\n\nÅrsag: databasen."}),
    Row("POST", "/incidents/{key}/review/submit", "200 200 403 403 404 403 404 401 401",
        "/incidents/{major}/review/submit"),
    Row("GET", "/services/{service}/start-time", "200 200 200 200 200 200 200 401 401",
        "/services/borger-dk/start-time?month=2026-04"),
    Row("POST", "/messages", "201 201 403 403 403 403 403 401 401", body=MESSAGE),
    Row("GET", "/messages", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/messages/{message_id}", "200 200 200 200 200 200 200 401 401",
        "/messages/{message}"),
    Row("POST", "/messages/{message_id}/updates", "200 200 403 403 403 403 403 401 401",
        "/messages/{message}/updates", {"body": "Stadig nede."}),
    Row("POST", "/messages/{message_id}/resolve", "200 200 403 403 403 403 403 401 401",
        "/messages/{message}/resolve"),
    Row("POST", "/messages/{message_id}/close", "200 200 403 403 403 403 403 401 401",
        "/messages/{resolved_message}/close"),
    Row("GET", "/messages/{message_id}/events", "200 200 200 200 200 200 200 401 401",
        "/messages/{message}/events"),
    Row("GET", "/subscribers", "200 403 403 403 403 403 403 401 401"),
    Row("POST", "/subscribers", "201 403 403 403 403 403 403 401 401",
        body={"service": "borger-dk", "email": "ny@example.dk"}),
    Row("DELETE", "/subscribers/{subscriber_id}", "204 403 403 403 403 403 403 401 401",
        "/subscribers/{subscriber}"),
    Row("GET", "/services/{key}/subscribers/counts", "200 403 403 403 403 403 403 401 401",
        "/services/borger-dk/subscribers/counts"),
    Row("GET", "/webhooks", "200 403 403 403 403 403 403 401 401"),
    Row("POST", "/webhooks", "201 403 403 403 403 403 403 401 401",
        body={"service": "borger-dk", "url": "https://hooks.example/ny"}),
    Row("DELETE", "/webhooks/{webhook_id}", "204 403 403 403 403 403 403 401 401",
        "/webhooks/{webhook}"),
    Row("POST", "/problems", "201 201 403 403 403 403 403 401 401",
        body={"service": "borger-dk", "title": "Langsom søgning"}),
    Row("GET", "/problems", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/problems/{key}", "200 200 200 200 404 200 404 401 401",
        "/problems/{problem}"),
    Row("PATCH", "/problems/{key}", "200 200 403 403 404 403 404 401 401",
        "/problems/{problem}", {"root_cause": "Et indeks mangler"}),
    Row("POST", "/problems/{key}/incidents", "200 200 403 403 404 403 404 401 401",
        "/problems/{problem}/incidents", {"incidents": ["{major}"]}),
    Row("DELETE", "/problems/{key}/incidents/{incident}", "204 204 403 403 404 403 404 401 401",
        "/problems/{problem}/incidents/{handed}"),
    Row("GET", "/problems/{key}/events", "200 200 200 200 404 200 404 401 401",
        "/problems/{problem}/events"),
    Row("POST", "/problems/{key}/notes", "200 200 403 403 404 403 404 401 401",
        "/problems/{problem}/notes", {"note": "Leverandøren undersøger indekset"}),
    Row("POST", "/requests", "201 201 403 403 403 201 201 401 401",
        body={"service": "borger-dk", "title": "Adgang til selvbetjening"}),
    Row("GET", "/requests", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/requests/{key}", "200 200 200 404 404 200 404 401 401",
        "/requests/{request}"),
    Row("POST", "/requests/{key}/transitions", "200 200 403 404 404 200 404 401 401",
        "/requests/{request}/transitions", {"to": "withdrawn"}),
    Row("GET", "/requests/{key}/events", "200 200 200 404 404 200 404 401 401",
        "/requests/{request}/events"),
    Row("GET", "/outbox", "200 403 403 403 403 403 403 401 401"),
    Row("GET", "/outbox/{item_id}", "200 403 403 403 403 403 403 401 401",
        "/outbox/{parked}"),
    Row("POST", "/outbox/{item_id}/retry", "200 403 403 403 403 403 403 401 401",
        "/outbox/{parked}/retry"),
    # An authority sees a window once it is announced (R12.2); these two are not yet.
    Row("POST", "/windows", "201 201 403 403 403 403 403 401 401", body=WINDOW),
    Row("GET", "/windows", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/windows/{window_id}", "200 200 200 200 200 404 404 401 401",
        "/windows/{window}"),
    Row("PATCH", "/windows/{window_id}", "200 200 403 403 403 404 404 401 401",
        "/windows/{window}",
        {"start": "2026-05-23T01:00:00+02:00", "end": "2026-05-23T03:00:00+02:00"}),
    Row("GET", "/windows/{window_id}/events", "200 200 200 200 200 404 404 401 401",
        "/windows/{window}/events"),
    Row("POST", "/windows/{window_id}/announce", "200 200 403 403 403 404 404 401 401",
        "/windows/{window}/announce"),
    Row("POST", "/windows/{window_id}/start", "200 200 403 403 403 404 404 401 401",
        "/windows/{window}/start"),
    Row("POST", "/windows/{window_id}/complete", "200 200 403 403 403 404 404 401 401",
        "/windows/{running_window}/complete"),
    Row("POST", "/windows/{window_id}/cancel", "200 200 403 403 403 404 404 401 401",
        "/windows/{window}/cancel", {"reason": "Flyttet"}),
    Row("GET", "/services/{key}/windows/quota", "200 200 200 200 200 200 200 401 401",
        "/services/borger-dk/windows/quota?year=2026"),
    Row("GET", "/services/{key}/windows/slots", "200 200 200 200 200 200 200 401 401",
        "/services/borger-dk/windows/slots?kind=short"),
    Row("POST", "/releases", "201 201 403 403 403 403 403 401 401", body=RELEASE),
    Row("GET", "/releases", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/releases/{release_id}", "200 200 200 200 200 200 200 401 401",
        "/releases/{release}"),
    Row("PATCH", "/releases/{release_id}", "200 200 403 403 403 403 403 401 401",
        "/releases/{release}", {"notes": "Nye release notes"}),
    Row("GET", "/releases/{release_id}/events", "200 200 200 200 200 200 200 401 401",
        "/releases/{release}/events"),
    Row("POST", "/releases/{release_id}/announce", "200 200 403 403 403 403 403 401 401",
        "/releases/{release}/announce"),
    Row("POST", "/releases/{release_id}/release", "200 200 403 403 403 403 403 401 401",
        "/releases/{minor_release}/release"),
    Row("POST", "/releases/{release_id}/cancel", "200 200 403 403 403 403 403 401 401",
        "/releases/{release}/cancel", {"reason": "Udskudt"}),
    Row("POST", "/releases/{release_id}/help-given", "200 200 403 403 403 403 403 401 401",
        "/releases/{release}/help-given"),
    Row("POST", "/changes", "201 201 403 403 403 403 403 401 401", body=CHANGE),
    Row("GET", "/changes", "200 200 200 200 200 200 200 401 401"),
    Row("GET", "/changes/{key}", "200 200 200 200 200 404 404 401 401", "/changes/{change}"),
    Row("PATCH", "/changes/{key}", "200 200 403 403 403 404 404 401 401", "/changes/{change}",
        {"risk": "high"}),
    Row("POST", "/changes/{key}/transitions", "200 200 403 403 403 404 404 401 401",
        "/changes/{change}/transitions", {"to": "approved"}),
    Row("POST", "/changes/{key}/windows", "200 200 403 403 403 404 404 401 401",
        "/changes/{change}/windows", {"window": "{window}"}),
    Row("DELETE", "/changes/{key}/windows/{window_id}", "204 204 403 403 403 404 404 401 401",
        "/changes/{change}/windows/{running_window}"),
    Row("GET", "/changes/{key}/events", "200 200 200 200 200 404 404 401 401",
        "/changes/{change}/events"),
    Row("POST", "/monitors", "201 201 403 403 403 403 403 401 401",
        body={"key": "bdk-front", "service": "borger-dk", "kind": "http",
              "target": "https://www.borger.dk/"}),
    Row("GET", "/monitors", "200 200 200 403 403 403 403 401 401"),
    Row("GET", "/monitors/{key}", "200 200 200 403 403 403 403 401 401", "/monitors/{monitor}"),
    Row("DELETE", "/monitors/{key}", "200 200 403 403 403 403 403 401 401",
        "/monitors/{monitor}"),
    # The token is the credential: who else calls does not matter.
    Row("POST", "/heartbeats/{token}", "204 204 204 204 204 204 204 204 204",
        "/heartbeats/{heartbeat_token}"),
    Row("POST", "/ingest/alertmanager", "200 200 403 403 403 403 403 401 401",
        body={"version": "4", "status": "firing", "alerts": []}),
    Row("POST", "/ingest/events", "200 200 403 403 403 403 403 401 401",
        body={"monitor": "{monitor}", "state": "down"}),
    Row("POST", "/outages", "201 201 403 403 403 403 403 401 401",
        body={"service": "borger-dk", "start": "2026-04-14T08:00:00+02:00",
              "end": "2026-04-14T09:00:00+02:00", "state": "down", "reason": "Strømsvigt"}),
    Row("GET", "/outages", "200 200 200 403 403 403 403 401 401"),
    # Uptime is the declaration's promise: every signed-in role reads it.
    Row("GET", "/services/{key}/uptime", "200 200 200 200 200 200 200 401 401",
        "/services/borger-dk/uptime?month=2026-03"),
    # The reports: the desk and its readers, and the suppliers they measure (docs/reports.md).
    Row("GET", "/services/{key}/reports/monthly", "200 200 200 200 200 403 403 401 401",
        "/services/borger-dk/reports/monthly?month=2026-03"),
    Row("GET", "/services/{key}/reports/weekly", "200 200 200 200 200 403 403 401 401",
        "/services/borger-dk/reports/weekly?week=2026-W15"),
    # Meetings: the desk and the authorities read them, the desk plans and records them.
    Row("GET", "/services/{service}/meetings", "200 200 200 403 403 200 200 401 401",
        "/services/borger-dk/meetings"),
    Row("POST", "/services/{service}/meetings", "201 201 403 403 403 403 403 401 401",
        "/services/borger-dk/meetings", MEETING),
    Row("GET", "/services/{service}/meetings/schedule", "200 200 200 403 403 200 200 401 401",
        "/services/borger-dk/meetings/schedule?year=2026"),
    Row("GET", "/services/{service}/meetings/{meeting_id}", "200 200 200 403 403 200 200 401 401",
        "/services/borger-dk/meetings/{meeting}"),
    Row("GET", "/services/{service}/meetings/{meeting_id}/events",
        "200 200 200 403 403 200 200 401 401", "/services/borger-dk/meetings/{meeting}/events"),
    Row("POST", "/services/{service}/meetings/{meeting_id}/minutes",
        "200 200 403 403 403 403 403 401 401", "/services/borger-dk/meetings/{meeting}/minutes",
        {"minutes": "Referat", "decisions": ["Godkendt"]}),
    Row("POST", "/services/{service}/meetings/{meeting_id}/actions",
        "201 201 403 403 403 403 403 401 401", "/services/borger-dk/meetings/{meeting}/actions",
        {"text": "Ny vejledning", "owner": "supplier-a", "due_on": "2026-05-01"}),
    Row("POST", "/services/{service}/meetings/{meeting_id}/actions/{action_id}/complete",
        "200 200 403 403 403 403 403 401 401",
        "/services/borger-dk/meetings/{meeting}/actions/{action}/complete"),
    Row("POST", "/services/{service}/meetings/{meeting_id}/cancel",
        "200 200 403 403 403 403 403 401 401", "/services/borger-dk/meetings/{meeting}/cancel",
        {"reason": "Flyttet"}),
    Row("GET", "/services/{service}/meetings/{meeting_id}/pack",
        "200 200 200 403 403 200 200 401 401", "/services/borger-dk/meetings/{meeting}/pack"),
)  # fmt: skip


def api_routes() -> set[tuple[str, str]]:
    app = create_app()
    return {
        (method, (route.path or "").removeprefix(API_PREFIX))
        for route in iter_route_contexts(app.routes)
        if (route.path or "").startswith(API_PREFIX + "/")
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_every_route_has_a_row() -> None:
    rows = {(row.method, row.route) for row in ROWS}
    assert len(rows) == len(ROWS), "a route has two rows"
    assert api_routes() - rows == set(), "routes without a row in the matrix"
    assert rows - api_routes() == set(), "rows for routes the app does not have"


@pytest.mark.usefixtures("frozen")
def test_who_may_read_and_do_what(client: TestClient, session: Session, cast: Cast) -> None:
    world = build_world(session, cast)
    tokens = {name: headers(getattr(cast, name)) for name in WHO[:7]}
    tokens["anonymous"] = {}
    tokens["revoked"] = {"Authorization": f"Bearer {world.revoked_token}"}
    wrong = []
    for row in ROWS:
        path = API_PREFIX + (row.path or row.route).format(**_names(world))
        body = _filled(row.body, world)
        for name, expected in zip(WHO, row.expected.split(), strict=True):
            status = isolated(session, client, row.method, path, body, tokens[name]).status_code
            if str(status) != expected:
                wrong.append(f"{row.method} {row.route} as {name}: {status}, expected {expected}")
    assert wrong == []


def _names(world: World) -> dict[str, Any]:
    return {name: getattr(world, name) for name in World.__slots__}


def _filled(body: dict[str, Any] | None, world: World) -> dict[str, Any] | None:
    if body is None:
        return None
    names = _names(world)
    return {name: _value(value, names) for name, value in body.items()}


def _value(value: Any, names: dict[str, Any]) -> Any:
    """A list's keys filled in; a value that is only a name, such as "{window}", is the
    world's thing itself (an id stays a number)."""
    if isinstance(value, list):
        return [item.format(**names) for item in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names.get(value[1:-1], value)
    return value


# What each member finds in the lists, of the world's records: h(anded), m(ajor), p(roblem),
# r(equest), c(hange), and the two messages as 2.
#                admin operator viewer supplier other_supplier authority other_authority
LISTED = {
    "/incidents": "hm    hm       hm     hm       -              hm        -",
    "/problems": "p     p        p      p        -              p         -",
    "/requests": "r     r        r      -        -              r         -",
    "/changes": "c     c        c      c        c              -         -",
    "/messages": "2     2        2      2        2              2         2",
}


@pytest.mark.usefixtures("frozen")
def test_lists_hold_what_each_may_see(client: TestClient, session: Session, cast: Cast) -> None:
    world = build_world(session, cast)
    letters = {
        "h": world.handed,
        "m": world.major,
        "p": world.problem,
        "r": world.request,
        "c": world.change,
    }
    for route, row in LISTED.items():
        for name, expected in zip(WHO[:7], row.split(), strict=True):
            page = client.get(API_PREFIX + route, headers=headers(getattr(cast, name))).json()
            if expected == "2":
                assert page["total"] == 2, (route, name)
                continue
            wanted = {letters[letter] for letter in expected if letter != "-"}
            listed = {item["key"] for item in page["items"]}
            assert (listed, page["total"]) == (wanted, len(wanted)), (route, name)
