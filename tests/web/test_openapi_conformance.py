"""schemathesis against the app's own OpenAPI schema: every operation, as each role that matters.

The API must answer only what its schema says: no server error, every status documented, every
body and header of the documented shape and content type. The app runs in-process (ASGI) on a
database of each kind, seeded once (tests/web/seeded_api.py); each operation and role runs in
a transaction of its own that is rolled back, so no run depends on the order of the tests.
Generated keys and ids name nothing, so some examples take the seeded ones instead, and every
operation is also called once as it should succeed. Generation is derandomized and bounded:
a run is reproducible and takes seconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.checks import CHECKS, load_all_checks

from stabil.db.engine import make_engine
from stabil.db.migrate import upgrade
from stabil.web.app import create_app
from tests.conftest import postgresql_database, rolled_back_session, serve_from
from tests.web.seeded_api import LABELS, MONTH, World, change_body, message_body, seeded

EXAMPLES_PER_OPERATION = 3
EXAMPLES_PER_ROLE = 2
# The admin may reach every route, so its run also sends schemathesis's boundary cases (the
# coverage phase), which are many. The other roles mostly meet refusals, for which a few
# examples do: the supplier and the authority see only some things, the viewer may change
# nothing. (The operator may do what the admin does, but for the admins' own routes.)
OTHER_ROLES = ("supplier", "authority", "viewer")
CHECKED = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)


def _config(*, boundaries: bool, examples: int) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 8,
            # The examples of one test share its transaction, which a health check warns of.
            "suppress-health-check": ["all"],
            "generation": {
                "mode": "all",
                "max-examples": examples,
                "deterministic": True,
                "database": "none",
                # A failure is reported as found: shrinking it can take longer than the run.
                "no-shrink": True,
            },
            "phases": {
                "coverage": {"enabled": boundaries, "extra-data-sources": {"responses": False}},
                # Inputs taken from earlier answers (their times, their wording) would make
                # each run send other requests.
                "fuzzing": {
                    "error-feedback": {"enabled": False},
                    "extra-data-sources": {"responses": False},
                },
                "examples": {"extra-data-sources": {"responses": False}},
            },
        }
    )


APP = create_app()
# The boundary cases go to SQLite; PostgreSQL gets the generated examples, and the inputs
# past what it can hold are sent to both by test_edge_inputs_are_answered_as_documented.
ADMIN_SCHEMA = schemathesis.openapi.from_asgi(
    "/openapi.json", APP, config=_config(boundaries=True, examples=EXAMPLES_PER_OPERATION)
)
ADMIN_POSTGRESQL_SCHEMA = schemathesis.openapi.from_asgi(
    "/openapi.json", APP, config=_config(boundaries=False, examples=EXAMPLES_PER_OPERATION)
)
ROLE_SCHEMA = schemathesis.openapi.from_asgi(
    "/openapi.json", APP, config=_config(boundaries=False, examples=EXAMPLES_PER_ROLE)
)
load_all_checks()
CHECKS_RUN = [CHECKS.get_one(name) for name in CHECKED]


@dataclass(frozen=True, slots=True)
class Seeded:
    """In a body: the seeded thing of this name (see seeded_api.World.named)."""

    name: str


@dataclass(frozen=True, slots=True)
class Call:
    """A request that should succeed on the seeded database; its parameters name seeded things."""

    label: str
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None


SUCCEEDING = [
    Call("GET /api/v1/services"),
    Call("GET /api/v1/services/{key}/declaration", {"key": "service"}),
    Call("GET /api/v1/me"),
    Call("GET /api/v1/users"),
    Call("POST /api/v1/incidents", body={"service": "borger-dk", "title": "Log-in fejler"}),
    Call("GET /api/v1/incidents", query={"state": "handed_over"}),
    Call("GET /api/v1/incidents/{key}", {"key": "handed"}),
    Call("PATCH /api/v1/incidents/{key}", {"key": "ours"}, body={"title": "Ny titel"}),
    Call(
        "POST /api/v1/incidents/{key}/transitions",
        {"key": "ours"},
        body={"to": "cancelled", "reason": "Dublet"},
    ),
    Call("GET /api/v1/incidents/{key}/events", {"key": "handed"}),
    Call("POST /api/v1/incidents/{key}/notes", {"key": "handed"}, body={"note": "Genstartet"}),
    Call("GET /api/v1/incidents/{key}/major", {"key": "handed"}),
    Call("GET /api/v1/incidents/{key}/review", {"key": "reviewed"}),
    Call("PUT /api/v1/incidents/{key}/review", {"key": "reviewed"}, body={"report": "Forløb."}),
    Call("POST /api/v1/incidents/{key}/review/submit", {"key": "reviewed"}),
    Call("GET /api/v1/services/{service}/start-time", {"service": "service"}, {"month": MONTH}),
    Call("POST /api/v1/messages", body=message_body()),
    Call("GET /api/v1/messages", query={"service": "borger-dk"}),
    Call("GET /api/v1/messages/{message_id}", {"message_id": "open message"}),
    Call(
        "POST /api/v1/messages/{message_id}/updates",
        {"message_id": "open message"},
        body={"body": "Fejlen er fundet."},
    ),
    Call("POST /api/v1/messages/{message_id}/resolve", {"message_id": "open message"}, body={}),
    Call("POST /api/v1/messages/{message_id}/close", {"message_id": "resolved message"}),
    Call("GET /api/v1/messages/{message_id}/events", {"message_id": "open message"}),
    Call("GET /api/v1/subscribers"),
    Call("POST /api/v1/subscribers", body={"service": "borger-dk", "email": "ny@example.org"}),
    Call("DELETE /api/v1/subscribers/{subscriber_id}", {"subscriber_id": "subscriber"}),
    Call("GET /api/v1/services/{key}/subscribers/counts", {"key": "service"}),
    Call("GET /api/v1/webhooks"),
    Call(
        "POST /api/v1/webhooks",
        body={"service": "borger-dk", "url": "https://hooks.example.org/ny"},
    ),
    Call("DELETE /api/v1/webhooks/{webhook_id}", {"webhook_id": "webhook"}),
    Call("POST /api/v1/problems", body={"service": "borger-dk", "title": "Kø i MitID"}),
    Call("GET /api/v1/problems"),
    Call("GET /api/v1/problems/{key}", {"key": "problem"}),
    Call("PATCH /api/v1/problems/{key}", {"key": "problem"}, body={"title": "Ny titel"}),
    Call(
        "POST /api/v1/problems/{key}/incidents",
        {"key": "problem"},
        body={"incidents": [Seeded("ours")]},
    ),
    Call(
        "DELETE /api/v1/problems/{key}/incidents/{incident}",
        {"key": "problem", "incident": "handed"},
    ),
    Call("GET /api/v1/problems/{key}/events", {"key": "problem"}),
    Call("POST /api/v1/problems/{key}/notes", {"key": "problem"}, body={"note": "Undersøges"}),
    Call("POST /api/v1/requests", body={"service": "borger-dk", "title": "Ny tekst"}),
    Call("GET /api/v1/requests"),
    Call("GET /api/v1/requests/{key}", {"key": "request"}),
    Call("POST /api/v1/requests/{key}/transitions", {"key": "request"}, body={"to": "in_progress"}),
    Call("GET /api/v1/requests/{key}/events", {"key": "request"}),
    Call("GET /api/v1/outbox"),
    Call("GET /api/v1/outbox/{item_id}", {"item_id": "parked"}),
    Call("POST /api/v1/outbox/{item_id}/retry", {"item_id": "parked"}),
    Call(
        "POST /api/v1/windows",
        body={
            "service": "borger-dk",
            "kind": "short",
            "start": Seeded("free start"),
            "end": Seeded("free end"),
            "title": "Opdatering af søgningen",
        },
    ),
    Call("GET /api/v1/windows", query={"service": "borger-dk"}),
    Call("GET /api/v1/windows/{window_id}", {"window_id": "window"}),
    Call(
        "PATCH /api/v1/windows/{window_id}",
        {"window_id": "window"},
        body={"start": Seeded("free start"), "end": Seeded("free end")},
    ),
    Call("GET /api/v1/windows/{window_id}/events", {"window_id": "window"}),
    Call("POST /api/v1/windows/{window_id}/announce", {"window_id": "window"}),
    Call("POST /api/v1/windows/{window_id}/start", {"window_id": "window"}),
    Call("POST /api/v1/windows/{window_id}/complete", {"window_id": "running window"}),
    Call(
        "POST /api/v1/windows/{window_id}/cancel",
        {"window_id": "window"},
        body={"reason": "Flyttet"},
    ),
    Call("GET /api/v1/services/{key}/windows/quota", {"key": "service"}, {"year": 2026}),
    Call("GET /api/v1/services/{key}/windows/slots", {"key": "service"}, {"kind": "short"}),
    Call(
        "POST /api/v1/releases",
        body={"service": "borger-dk", "version": "3.0", "planned_date": "2030-01-15"},
    ),
    Call("GET /api/v1/releases", query={"service": "borger-dk", "year": 2030}),
    Call("GET /api/v1/releases/{release_id}", {"release_id": "release"}),
    Call(
        "PATCH /api/v1/releases/{release_id}",
        {"release_id": "release"},
        body={"notes": "Nye release notes"},
    ),
    Call("GET /api/v1/releases/{release_id}/events", {"release_id": "release"}),
    Call("POST /api/v1/releases/{release_id}/announce", {"release_id": "release"}),
    Call("POST /api/v1/releases/{release_id}/release", {"release_id": "minor release"}),
    Call(
        "POST /api/v1/releases/{release_id}/cancel",
        {"release_id": "release"},
        body={"reason": "Udskudt"},
    ),
    Call("POST /api/v1/releases/{release_id}/help-given", {"release_id": "short release"}),
    Call("POST /api/v1/changes", body=change_body()),
    Call("GET /api/v1/changes", query={"service": "borger-dk", "state": "requested"}),
    Call("GET /api/v1/changes/{key}", {"key": "change"}),
    Call("PATCH /api/v1/changes/{key}", {"key": "change"}, body={"risk": "high"}),
    Call("POST /api/v1/changes/{key}/transitions", {"key": "change"}, body={"to": "approved"}),
    Call(
        "POST /api/v1/changes/{key}/windows", {"key": "change"}, body={"window": Seeded("window")}
    ),
    Call(
        "DELETE /api/v1/changes/{key}/windows/{window_id}",
        {"key": "change", "window_id": "running window"},
    ),
    Call("GET /api/v1/changes/{key}/events", {"key": "change"}),
    Call(
        "POST /api/v1/monitors",
        body={
            "key": "bdk-front",
            "service": "borger-dk",
            "kind": "http",
            "target": "https://www.borger.dk/",
        },
    ),
    Call("GET /api/v1/monitors", query={"service": "borger-dk"}),
    Call("GET /api/v1/monitors/{key}", {"key": "monitor"}),
    Call("DELETE /api/v1/monitors/{key}", {"key": "monitor"}),
    Call("POST /api/v1/heartbeats/{token}", {"token": "heartbeat token"}),
    Call(
        "POST /api/v1/ingest/alertmanager",
        body={
            "version": "4",
            "status": "firing",
            "alerts": [
                {
                    "status": "firing",
                    "labels": LABELS,
                    "startsAt": "2026-04-14T09:40:00+02:00",
                    "endsAt": "0001-01-01T00:00:00Z",
                    "fingerprint": "1a30ba71cca2921f",
                }
            ],
        },
    ),
    Call("POST /api/v1/ingest/events", body={"monitor": Seeded("monitor"), "state": "down"}),
    Call(
        "POST /api/v1/outages",
        body={
            "service": "borger-dk",
            "part": "login",
            "start": Seeded("outage start"),
            "end": Seeded("outage end"),
            "state": "down",
            "reason": "Strømsvigt",
        },
    ),
    Call("GET /api/v1/outages", query={"service": "borger-dk"}),
    Call("GET /api/v1/services/{key}/uptime", {"key": "service"}, {"month": MONTH}),
    Call("GET /api/v1/services/{service}/meetings", {"service": "service"}),
    Call(
        "POST /api/v1/services/{service}/meetings",
        {"service": "service"},
        body={"forum": "operations_meeting", "starts_at": "2030-05-20T10:00:00+02:00"},
    ),
    Call(
        "GET /api/v1/services/{service}/meetings/schedule", {"service": "service"}, {"year": 2026}
    ),
    Call(
        "GET /api/v1/services/{service}/meetings/{meeting_id}",
        {"service": "service", "meeting_id": "meeting"},
    ),
    Call(
        "GET /api/v1/services/{service}/meetings/{meeting_id}/events",
        {"service": "service", "meeting_id": "meeting"},
    ),
    Call(
        "POST /api/v1/services/{service}/meetings/{meeting_id}/minutes",
        {"service": "service", "meeting_id": "meeting"},
        body={"minutes": "Godkendt.", "decisions": ["Næste møde i august"]},
    ),
    Call(
        "POST /api/v1/services/{service}/meetings/{meeting_id}/actions",
        {"service": "service", "meeting_id": "meeting"},
        body={"text": "Ny runbook", "owner": "aarhus", "due_on": "2030-01-15"},
    ),
    Call(
        "POST /api/v1/services/{service}/meetings/{meeting_id}/actions/{action_id}/complete",
        {"service": "service", "meeting_id": "meeting", "action_id": "action"},
    ),
    Call(
        "POST /api/v1/services/{service}/meetings/{meeting_id}/cancel",
        {"service": "service", "meeting_id": "planned meeting"},
        body={"reason": "Udskudt"},
    ),
    Call(
        "GET /api/v1/services/{service}/meetings/{meeting_id}/pack",
        {"service": "service", "meeting_id": "meeting"},
    ),
]
GOOD_BODIES = {call.label: call.body for call in SUCCEEDING if call.body}
# Inputs past what the database or the calendar can hold, which generation seldom reaches:
# each must be refused (or answered) as documented, never with a server error.
TOO_LARGE = 2**63  # one past SQLite's and PostgreSQL's largest integer
EDGES = [
    *(
        Call(f"GET /api/v1/{kind}", query={"offset": TOO_LARGE})
        for kind in (
            "incidents",
            "messages",
            "problems",
            "requests",
            "outbox",
            "releases",
            "changes",
            "monitors",
            "outages",
        )
    ),
    Call("GET /api/v1/incidents", query={"limit": TOO_LARGE}),
    Call("GET /api/v1/services/{service}/start-time", {"service": "service"}, {"month": "9999-12"}),
    *(
        Call("PATCH /api/v1/incidents/{key}", {"key": "ours"}, body={name: None})
        for name in ("title", "description", "responsible")
    ),
]

# Set by the `api` fixture for the test that runs; read by the generation hooks below, which
# schemathesis calls without access to fixtures.
KNOWN: dict[str, list[Any]] = {}
NAMED: dict[str, Any] = {}


def _resolved(value: Any) -> Any:
    if isinstance(value, Seeded):
        return NAMED[value.name]
    if isinstance(value, dict):
        return {key: _resolved(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolved(item) for item in value]
    return value


def flatmap_path_parameters(context: HookContext, path_parameters: Any) -> st.SearchStrategy[Any]:
    if not isinstance(path_parameters, dict) or context.operation is None:
        return st.just(path_parameters)
    kinds = {"key": context.operation.path.split("/")[3], "service": "services"}  # /api/v1/<kind>
    return _sometimes_known(path_parameters, {"incident": "incidents", **kinds}, likely=True)


def flatmap_query(context: HookContext, query: Any) -> st.SearchStrategy[Any]:
    if not isinstance(query, dict):
        return st.just(query)
    kinds = {"service": "services", "incident": "incidents", "month": "months"}
    return _sometimes_known(query, kinds)


def flatmap_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
    fields = {"service": "services", "party": "parties", "owner": "parties"}
    if not isinstance(body, dict):
        return st.just(body)
    generated = _sometimes_known(body, {**fields, "incidents": "incident lists"})
    good = GOOD_BODIES.get(context.operation.label if context.operation else "")
    return st.one_of(generated, st.builds(_resolved, st.just(good))) if good else generated


def _sometimes_known(
    values: dict[str, Any], kinds: Mapping[str, str], *, likely: bool = False
) -> st.SearchStrategy[Any]:
    """`values` as generated, or with seeded names put in where it has fields for them."""
    choices = {
        name: st.sampled_from(KNOWN[kind])
        for name, kind in kinds.items()
        if name in values and KNOWN.get(kind)
    }
    if not choices:
        return st.just(values)
    with_known = st.fixed_dictionaries(choices).map(lambda known: {**values, **known})
    # Where the path names a thing, generated names mostly meet 404: send seeded ones more.
    return st.one_of(st.just(values), with_known, *([with_known] if likely else []))


for hooked in (ADMIN_SCHEMA, ADMIN_POSTGRESQL_SCHEMA, ROLE_SCHEMA):
    for hook in (flatmap_path_parameters, flatmap_query, flatmap_body):
        hooked.hook(hook)


@ADMIN_SCHEMA.parametrize()
def test_every_input_as_admin(case: Case, sqlite_api: World) -> None:
    _call(case, sqlite_api.tokens["admin"])


@pytest.mark.postgresql
@ADMIN_POSTGRESQL_SCHEMA.parametrize()
def test_every_input_as_admin_on_postgresql(case: Case, postgresql_api: World) -> None:
    _call(case, postgresql_api.tokens["admin"])


@ROLE_SCHEMA.parametrize()
def test_each_role(case: Case, caller: str) -> None:
    _call(case, caller)


@pytest.mark.parametrize("call", SUCCEEDING, ids=lambda call: call.label)
def test_each_operation_succeeds_as_its_schema_says(call: Call, api: World) -> None:
    response = _call(_case(call, api), api.tokens["admin"])
    assert 200 <= response.status_code < 300, response.text


@pytest.mark.parametrize("call", EDGES, ids=lambda call: f"{call.label} {call.query or call.body}")
def test_edge_inputs_are_answered_as_documented(call: Call, api: World) -> None:
    _call(_case(call, api), api.tokens["admin"])


def _case(call: Call, api: World) -> Case:
    method, path = call.label.split(" ")
    names = {**api.named, "service": "borger-dk"}
    return ADMIN_SCHEMA[path][method].Case(
        path_parameters={name: names[thing] for name, thing in call.path.items()},
        query=call.query or None,
        **({} if call.body is None else {"body": _resolved(call.body)}),
    )


def test_a_replayed_answer_is_as_documented(api: World) -> None:
    case = ADMIN_SCHEMA["/api/v1/incidents"]["POST"].Case(
        headers={"Idempotency-Key": "schema-replay"},
        body={"service": "borger-dk", "title": "Log-in fejler"},
    )
    first = _call(case, api.tokens["admin"])
    again = _call(case, api.tokens["admin"])
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == ["true"]
    assert again.json() == first.json()


def test_every_operation_has_a_succeeding_call() -> None:
    operations = {
        f"{method.upper()} {path}"
        for path, methods in APP.openapi()["paths"].items()
        for method in methods
    }
    assert sorted(call.label for call in SUCCEEDING) == sorted(operations)


def _call(case: Case, token: str) -> schemathesis.Response:
    return case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS_RUN)


@pytest.fixture(params=OTHER_ROLES)
def caller(request: pytest.FixtureRequest, sqlite_api: World) -> str:
    """Each other role, on SQLite only: who may do what does not depend on the database, and
    the admin's run sends every input to both."""
    return sqlite_api.tokens[request.param]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def api(request: pytest.FixtureRequest) -> Iterator[World]:
    """The app on the seeded database of each kind, in a transaction rolled back afterwards."""
    yield from _serving(request.getfixturevalue(f"seeded_{request.param}"))


@pytest.fixture
def sqlite_api(seeded_sqlite: World) -> Iterator[World]:
    yield from _serving(seeded_sqlite)


@pytest.fixture
def postgresql_api(seeded_postgresql: World) -> Iterator[World]:
    yield from _serving(seeded_postgresql)


def _serving(world: World) -> Iterator[World]:
    KNOWN.clear()
    KNOWN.update(world.known())
    NAMED.clear()
    NAMED.update(world.named)
    with rolled_back_session(world.engine) as session:
        serve_from(APP, session)
        yield world
    APP.dependency_overrides.clear()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('api') / 'stabil.db'}")
    upgrade(engine)
    yield seeded(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_postgresql(worker_id: str, testrun_uid: str) -> Iterator[World]:
    with postgresql_database(f"stabil_api_{testrun_uid[:8]}_{worker_id}") as engine:
        yield seeded(engine)
