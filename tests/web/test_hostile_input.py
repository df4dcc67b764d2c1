"""Input that must be refused with a clear 422, never taken for something else or a 500.

Seen: `"priority": "1"` and `"priority": true` taken as 1; `{"title": null}` in a PATCH
answered 500 (an IntegrityError); `offset=9223372036854775808` and `month=9999-12`
answered 500.
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

import pytest
import time_machine
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from stabil.web.app import create_app
from stabil.web.params import MAX_ROW
from tests.cast import Cast, headers
from tests.web.world import NOW, World, build_world  # noqa: F401  (NOW: where `frozen` stands)

API = "/api/v1"
INSTANT = "2026-04-14T10:00:00+02:00"


@pytest.fixture
def world(session: Session, cast: Cast, frozen: time_machine.Coordinates) -> World:
    return build_world(session, cast)


def body_models() -> set[type[BaseModel]]:
    """The model of every request body the app takes."""
    found: set[type[BaseModel]] = set()
    for route in iter_route_contexts(create_app().routes):
        field = getattr(route.original_route, "body_field", None)
        if field is None:
            continue
        annotation = field.field_info.annotation
        options = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else ()
        for candidate in (annotation, *options):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found.add(candidate)
    return found


Probe = tuple[tuple[str | int, ...], Any, bool]  # where, what is sent, whether it is refused


def probes(
    schema: dict[str, Any], node: dict[str, Any], path: tuple[str | int, ...]
) -> list[Probe]:
    """For each scalar field of the schema: text where a number or truth value belongs (to be
    refused), and text where an enum or instant belongs (to be taken)."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    options = [item for item in node.get("anyOf", [node]) if item.get("type") != "null"]
    found: list[Probe] = []
    for option in options:
        if "$ref" in option or option.get("type") in ("object", "array"):
            found += _nested(schema, option, path)
        elif option.get("type") in ("integer", "number"):
            found += [(path, "1", True), (path, True, True)]
        elif option.get("type") == "boolean":
            found += [(path, "true", True), (path, 1, True)]
        elif "enum" in option:
            found.append((path, option["enum"][0], False))
        elif option.get("format") == "date-time":
            found.append((path, INSTANT, False))
    return found


def _nested(
    schema: dict[str, Any], node: dict[str, Any], path: tuple[str | int, ...]
) -> list[Probe]:
    if "$ref" in node:
        return probes(schema, node, path)
    if node.get("type") == "array":
        return probes(schema, node["items"], (*path, 0))
    return [
        probe
        for name, item in node.get("properties", {}).items()
        for probe in probes(schema, item, (*path, name))
    ]


def _sent(path: tuple[str | int, ...], value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    inner = _sent(tuple(rest), value)
    return [inner] if isinstance(head, int) else {head: inner}


def test_every_body_takes_numbers_and_truth_values_as_such_and_enums_and_instants_as_text() -> None:
    checked = {"refused": 0, "taken": 0}
    for model in body_models():
        schema = model.model_json_schema()
        for path, value, refused in _nested(schema, schema, ()):
            try:
                model.model_validate(_sent(path, value))
                errors: list[Any] = []
            except ValidationError as error:
                errors = error.errors()
            failed_here = any(tuple(item["loc"]) == path for item in errors)
            assert failed_here == refused, (model.__name__, path, value, errors)
            checked["refused" if refused else "taken"] += 1
    # Priorities, impact facts, review actions; states, types, channels, instants.
    assert checked["refused"] >= 16
    assert checked["taken"] >= 12


def test_a_priority_of_text_or_truth_is_refused_naming_the_field(
    client: TestClient, cast: Cast, world: World
) -> None:
    auth = headers(cast.operator)
    for value in ("1", True, 1.0):
        for method, path, body in (
            ("POST", "/incidents", {"service": "borger-dk", "title": "x", "priority": value}),
            ("PATCH", f"/incidents/{world.handed}", {"priority": value, "priority_reason": "x"}),
            (
                "POST",
                "/requests",
                {"service": "example-webservice", "title": "x", "priority": value},
            ),
        ):
            response = client.request(method, API + path, json=body, headers=auth)
            assert response.status_code == 422, (path, value)
            assert [error["field"] for error in response.json()["errors"]] == ["priority"]
    fact = {"service": "borger-dk", "title": "x", "impact": {"security_breach": "true"}}
    response = client.post(f"{API}/incidents", json=fact, headers=auth)
    assert response.json()["errors"][0]["field"] == "impact.security_breach"
    taken = {"service": "borger-dk", "title": "x", "channel": "phone", "detected_at": INSTANT}
    assert client.post(f"{API}/incidents", json=taken, headers=auth).status_code == 201


def test_null_for_a_field_that_cannot_be_empty_is_refused_and_changes_nothing(
    client: TestClient, cast: Cast, world: World
) -> None:
    auth = headers(cast.operator)
    before = client.get(f"{API}/incidents/{world.handed}", headers=auth).json()
    for name in ("title", "description", "responsible", "priority"):
        response = client.patch(f"{API}/incidents/{world.handed}", json={name: None}, headers=auth)
        assert response.status_code == 422, name
        [error] = response.json()["errors"]
        assert error == {
            "field": name,
            "problem": "cannot be null (leave the field out to keep its value)",
        }
    assert client.get(f"{API}/incidents/{world.handed}", headers=auth).json() == before
    for name in ("title", "description", "root_cause", "workaround", "state"):
        response = client.patch(f"{API}/problems/{world.problem}", json={name: None}, headers=auth)
        assert response.status_code == 422, name
        assert response.json()["errors"][0]["field"] == name


def test_every_integer_parameter_of_every_route_is_bounded() -> None:
    schema = create_app().openapi()
    unbounded = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        for option in parameter["schema"].get("anyOf", [parameter["schema"]])
        if option.get("type") == "integer" and ("minimum" not in option or "maximum" not in option)
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    "route",
    ["/incidents", "/problems", "/requests", "/messages", "/outbox"],
)
def test_offsets_and_limits_out_of_range_are_refused(
    client: TestClient, cast: Cast, route: str
) -> None:
    auth = headers(cast.admin)
    for query, field in (
        ("offset=9223372036854775808", "offset"),
        (f"offset={MAX_ROW + 1}", "offset"),
        ("offset=-1", "offset"),
        ("limit=0", "limit"),
        ("limit=9223372036854775808", "limit"),
    ):
        response = client.get(f"{API}{route}?{query}", headers=auth)
        assert response.status_code == 422, query
        # Query parameters are named with where they were found: `query.offset`.
        assert [error["field"] for error in response.json()["errors"]] == [f"query.{field}"]
    assert client.get(f"{API}{route}?offset={MAX_ROW}", headers=auth).json()["items"] == []


def test_a_month_out_of_range_is_refused(client: TestClient, cast: Cast, world: World) -> None:
    auth = headers(cast.viewer)
    for month in ("9999-12", "2026-13", "2026-00", "0000-01", "1969-12"):
        response = client.get(f"{API}/services/borger-dk/start-time?month={month}", headers=auth)
        assert response.status_code == 422, month
        [error] = response.json()["errors"]
        assert error["field"] == "month"
        assert "from 1970-01 to 9998-12" in error["problem"]
    for month in ("1970-01", "9998-12"):
        path = f"{API}/services/borger-dk/start-time?month={month}"
        assert client.get(path, headers=auth).status_code == 200, month


def test_an_instant_beyond_the_calendar_or_as_a_number_is_refused(
    client: TestClient, cast: Cast, world: World
) -> None:
    # In UTC the first would be in the year 10000, which no datetime holds.
    for value in ("9999-12-31T23:59:59-01:00", 1_776_153_600, "1969-12-31T23:59:59+00:00"):
        body = {
            "service": "borger-dk",
            "type": "slow",
            "affected": ["Søgning"],
            "title": "Søgning er langsom",
            "body": "Søgningen svarer langsomt.",
            "horizon_at": value,
        }
        response = client.post(f"{API}/messages", json=body, headers=headers(cast.operator))
        assert response.status_code == 422, value
        assert [error["field"] for error in response.json()["errors"]] == ["horizon_at"]
