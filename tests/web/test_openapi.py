"""The OpenAPI schema names every error a route can answer, in the shape the API sends it."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from stabil.accounts.auth import CurrentUser, require_roles
from stabil.accounts.models import User
from stabil.accounts.roles import Role
from stabil.web.app import create_app
from stabil.web.deps import SessionDep
from stabil.web.idempotency import IdempotencyKey
from stabil.web.openapi import CONFLICT, TRANSITION_CONFLICT, install_openapi
from tests.cast import Cast, headers

SCHEMA = create_app().openapi()
PATHS: dict[str, dict[str, Any]] = SCHEMA["paths"]
AdminOnly = Annotated[User, Depends(require_roles(Role.admin))]
ERROR_SHAPES = ("Error", "TransitionConflict", "ValidationError", "ValidationProblem")


def responses(method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = PATHS[path][method]["responses"]
    return found


def statuses(method: str, path: str) -> list[str]:
    return sorted(responses(method, path))


def shape(response: dict[str, Any]) -> Any:
    return response["content"]["application/json"]["schema"]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_the_error_shapes_are_named_components_and_fastapis_422_is_gone() -> None:
    components = SCHEMA["components"]["schemas"]
    assert set(ERROR_SHAPES) <= set(components)
    assert "HTTPValidationError" not in components
    assert components["ValidationError"]["required"] == ["detail", "errors"]
    assert components["ValidationError"]["properties"]["errors"]["items"] == ref(
        "ValidationProblem"
    )
    assert components["TransitionConflict"]["required"] == ["detail", "allowed_transitions"]
    invalid = [
        f"{method} {path}"
        for path, operations in PATHS.items()
        for method, operation in operations.items()
        if "422" in operation["responses"]
        and shape(operation["responses"]["422"]) != ref("ValidationError")
    ]
    assert invalid == []


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        # No token needed, no parameters: only the database can fail.
        ("get", "/api/v1/services", ["200", "503"]),
        ("get", "/api/v1/services/{key}/declaration", ["200", "404", "422", "503"]),
        ("get", "/api/v1/me", ["200", "401", "503"]),
        ("get", "/api/v1/users", ["200", "401", "403", "503"]),
        ("get", "/api/v1/incidents", ["200", "401", "422", "503"]),
        ("get", "/api/v1/incidents/{key}", ["200", "401", "404", "422", "503"]),
        ("post", "/api/v1/incidents", ["201", "401", "403", "409", "413", "422", "503"]),
        (
            "post",
            "/api/v1/incidents/{key}/transitions",
            ["200", "401", "403", "404", "409", "413", "422", "503"],
        ),
        (
            "post",
            "/api/v1/messages/{message_id}/close",
            ["200", "401", "403", "404", "409", "422", "503"],
        ),
        ("delete", "/api/v1/webhooks/{webhook_id}", ["204", "401", "403", "404", "422", "503"]),
    ],
)
def test_each_operation_lists_what_it_can_answer(
    method: str, path: str, expected: list[str]
) -> None:
    assert statuses(method, path) == expected


def test_the_headers_of_errors_and_replays_are_documented() -> None:
    answers = responses("post", "/api/v1/incidents")
    assert answers["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert answers["503"]["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 0}
    assert answers["201"]["headers"]["Idempotent-Replayed"]["required"] is False
    assert shape(answers["201"]) == ref("IncidentOut")
    assert "Idempotent-Replayed" not in responses("post", "/api/v1/problems")["201"].get(
        "headers", {}
    )


def test_a_conflict_has_the_shape_of_its_cause() -> None:
    assert shape(responses("post", "/api/v1/incidents")["409"]) == ref("Error")
    assert shape(responses("post", "/api/v1/incidents/{key}/transitions")["409"]) == ref(
        "TransitionConflict"
    )
    # An update may meet the message's state or an earlier request with its Idempotency-Key.
    assert shape(responses("post", "/api/v1/messages/{message_id}/updates")["409"]) == {
        "oneOf": [ref("TransitionConflict"), ref("Error")]
    }


def test_the_declaration_is_documented_as_a_declaration() -> None:
    answer = responses("get", "/api/v1/services/{key}/declaration")["200"]
    assert shape(answer) == ref("Declaration")


def test_the_statuses_follow_from_what_a_route_depends_on() -> None:
    router = APIRouter()

    @router.get("/open")
    def open_route() -> dict[str, str]:
        return {}

    @router.get("/things/{key}")
    def read(key: str, _user: CurrentUser) -> dict[str, str]:
        return {}

    @router.get("/admin")
    def admin_only(_user: AdminOnly, _session: SessionDep) -> dict[str, str]:
        return {}

    @router.post("/things", status_code=201, responses=CONFLICT)
    def create(
        body: dict[str, int], _user: CurrentUser, idempotency_key: IdempotencyKey = None
    ) -> None:
        return None

    @router.post("/things/{key}/move", responses=TRANSITION_CONFLICT)
    def move(key: str, _user: CurrentUser) -> None:
        return None

    app = FastAPI()
    app.include_router(router)
    install_openapi(app)
    paths = app.openapi()["paths"]

    def answers(method: str, path: str) -> list[str]:
        return sorted(paths[path][method]["responses"])

    assert answers("get", "/open") == ["200"]
    # A token means a session (503) as well: the token is looked up in the database.
    assert answers("get", "/things/{key}") == ["200", "401", "404", "422", "503"]
    assert answers("get", "/admin") == ["200", "401", "403", "503"]
    assert answers("post", "/things") == ["201", "401", "403", "409", "413", "422", "503"]
    assert answers("post", "/things/{key}/move") == [
        "200",
        "401",
        "403",
        "404",
        "409",
        "422",
        "503",
    ]
    conflicts = paths["/things"]["post"]["responses"]["409"]
    assert shape(conflicts) == ref("Error")
    assert "Idempotency-Key" in conflicts["description"]
    assert "current state" in conflicts["description"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"service": ', "is not valid JSON: Expecting value at character 12"),
        (b"\xff\xfe\xfd", "is not UTF-8 text (send JSON in UTF-8)"),
    ],
)
def test_a_body_that_is_not_json_is_an_invalid_request(
    client: TestClient, cast: Cast, body: bytes, problem: str
) -> None:
    response = client.post(
        "/api/v1/problems",
        content=body,
        headers={**headers(cast.operator), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "invalid request",
        "errors": [{"field": "body", "problem": problem}],
    }
