"""The schema at /openapi.json: FastAPI's, completed with every error the API really answers.

FastAPI documents each route's success and a 422 of its own shape, which is not the one the
API sends (web/errors.py). What else a route can answer follows from what it depends on: a
token (401), a role (403), a path that names a thing (404), a body (413), parameters (422),
the database (503). So it is derived here, once, from each route's dependencies, instead of
being written (and forgotten) on every route. What only the route knows, such as a conflict
with the state of a thing, the route declares with `responses=CONFLICT` or
`responses=TRANSITION_CONFLICT`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute

from stabil.accounts.auth import current_user, require_roles
from stabil.web.deps import get_session
from stabil.windows.schemas import ViolationOut

Responses = dict[int | str, dict[str, Any]]
JSON = "application/json"
SCHEMAS = "#/components/schemas/"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
IDEMPOTENCY_HEADER = "idempotency-key"


class Error(BaseModel):
    """A refusal or a failure: what is wrong, and what would be right."""

    model_config = ConfigDict(extra="forbid")
    detail: str


class TransitionConflict(BaseModel):
    """A change the current state does not allow, with the changes it does allow."""

    model_config = ConfigDict(extra="forbid")
    detail: str
    allowed_transitions: list[str] = Field(
        description="What the caller may do in the current state instead; may be empty."
    )


class ValidationProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(
        description="Where: a dotted path into the body (`impact.users_affected_percent`), "
        "a parameter (`query.limit`), or `body` for the body as a whole."
    )
    problem: str = Field(description="What is wrong with it, and what would be right.")


class ValidationError(BaseModel):
    """A request that is malformed, or well-formed but wrong; every problem is listed."""

    model_config = ConfigDict(extra="forbid")
    detail: Literal["invalid request"]
    errors: list[ValidationProblem] = Field(min_length=1)
    violations: list[ViolationOut] | None = Field(
        default=None,
        description="For a service window: each rule of the declaration it breaks, with its "
        "source and what would be allowed instead. The rule codes are stable.",
    )


ERROR_MODELS: Sequence[type[BaseModel]] = (
    Error,
    TransitionConflict,
    ValidationProblem,
    ValidationError,
)
# FastAPI's own 422 shapes: the API never sends them.
FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _header(description: str, schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": schema}


WWW_AUTHENTICATE = _header(
    "How to authenticate: a bearer token.", {"type": "string", "enum": ["Bearer"]}, required=True
)
RETRY_AFTER = _header(
    "Seconds to wait before trying again.", {"type": "integer", "minimum": 0}, required=True
)
IDEMPOTENT_REPLAYED = _header(
    "`true` when this is the stored answer to an earlier request with the same "
    "Idempotency-Key; nothing new was done.",
    {"type": "string", "enum": ["true"]},
    required=False,
)


@dataclass(frozen=True, slots=True)
class Answer:
    description: str
    schema: str = "Error"
    headers: tuple[tuple[str, dict[str, Any]], ...] = ()

    def response(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "description": self.description,
            "content": {JSON: {"schema": {"$ref": SCHEMAS + self.schema}}},
        }
        if self.headers:
            described["headers"] = dict(self.headers)
        return described


# What follows from a route's dependencies (see `_statuses`).
DERIVED: dict[int, Answer] = {
    401: Answer(
        "No API token, or one that is unknown, revoked or belongs to an inactive user.",
        headers=(("WWW-Authenticate", WWW_AUTHENTICATE),),
    ),
    403: Answer("The caller's role or organisation may not do this; the message says who may."),
    404: Answer("Nothing of that key or id exists."),
    409: Answer(
        "The Idempotency-Key was used before with another route or body, or the first "
        "request with it is still in progress."
    ),
    413: Answer("The request body is larger than the limit."),
    422: Answer("The request is invalid; each problem names its field.", "ValidationError"),
    503: Answer(
        "The service is saturated, or the database could not complete the transaction; "
        "nothing was changed. Try again later.",
        headers=(("Retry-After", RETRY_AFTER),),
    ),
}
# What only the route knows, for it to declare with `responses=`. (TOO_MANY_ATTEMPTS is for a
# route that limits failed sign-ins; the sign-in form itself is a page, outside the schema.)
CONFLICT: Responses = {409: Answer("It conflicts with the current state of the thing.").response()}
TRANSITION_CONFLICT: Responses = {
    409: Answer(
        "The current state does not allow this; `allowed_transitions` lists what the caller "
        "may do instead.",
        "TransitionConflict",
    ).response()
}
TOO_MANY_ATTEMPTS: Responses = {
    429: Answer(
        "Too many failed sign-ins; wait before trying again.",
        headers=(("Retry-After", RETRY_AFTER),),
    ).response()
}


def install_openapi(app: FastAPI) -> None:
    """Serve FastAPI's schema completed by `describe_errors`, built once on first use."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_errors(build(), app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe_errors(schema: dict[str, Any], routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """Add to each operation of `schema` every error its route can answer (in place)."""
    _replace_error_schemas(schema.setdefault("components", {}).setdefault("schemas", {}))
    for route in iter_route_contexts(routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"][route.path_format][method.lower()]
            _complete(operation, route, method)
    return schema


def _replace_error_schemas(components: dict[str, Any]) -> None:
    for name in FASTAPI_ERROR_SCHEMAS:
        components.pop(name, None)
    _, definitions = models_json_schema(
        [(model, "serialization") for model in ERROR_MODELS],
        ref_template=SCHEMAS + "{model}",
    )
    components.update(definitions["$defs"])


def _complete(operation: dict[str, Any], route: RouteContext, method: str) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in sorted(_statuses(route, method)):
        derived = DERIVED[status].response()
        declared = responses.get(str(status))
        if status == 422 or declared is None:
            responses[str(status)] = derived
        elif declared != derived:
            _accept_both(declared, derived)
    if _is_idempotent(route):
        for code, response in responses.items():
            if code.startswith("2"):
                response.setdefault("headers", {})["Idempotent-Replayed"] = IDEMPOTENT_REPLAYED
    operation["responses"] = dict(sorted(responses.items()))


def _accept_both(declared: dict[str, Any], derived: dict[str, Any]) -> None:
    """One status for two causes (a transition conflict and an Idempotency-Key conflict)."""
    content = declared.setdefault("content", {}).setdefault(JSON, {})
    shapes = [content.get("schema"), derived["content"][JSON]["schema"]]
    if shapes[0] != shapes[1]:
        content["schema"] = {"oneOf": [shape for shape in shapes if shape]}
    declared["description"] = f"{declared['description']} Or: {derived['description']}"


def _statuses(route: RouteContext, method: str) -> set[int]:
    """The error statuses that follow from what the route depends on."""
    calls = {dependant.call for dependant in _dependants(route.dependant)}
    needs_token = current_user in calls
    has_body = route.body_field is not None
    has_parameters = any(
        dependant.path_params
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        for dependant in _dependants(route.dependant)
    )
    wanted = {
        401: needs_token,
        # A role dependency, or a change: each checks the caller's role in its service function.
        403: any(_is_role_check(call) for call in calls) or (needs_token and method in WRITES),
        404: _has_path_parameters(route),
        409: _is_idempotent(route),
        413: has_body,
        422: has_body or has_parameters,
        503: get_session in calls,
    }
    return {status for status, applies in wanted.items() if applies}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _dependants(dependency)


def _has_path_parameters(route: RouteContext) -> bool:
    return any(dependant.path_params for dependant in _dependants(route.dependant))


# Every role check made by `require_roles` runs this one code object, whatever its roles.
_ROLE_CHECK_CODE = require_roles().__code__


def _is_role_check(call: object) -> bool:
    return getattr(call, "__code__", None) is _ROLE_CHECK_CODE


def _is_idempotent(route: RouteContext) -> bool:
    return any(
        (field.alias or field.name).lower() == IDEMPOTENCY_HEADER
        for dependant in _dependants(route.dependant)
        for field in dependant.header_params
    )
