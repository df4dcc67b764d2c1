"""A page's form checked by the API's own request schema, so that a page accepts exactly what
the API accepts; what the schema refuses becomes a refusal at its field, which the page shows
in the reader's language (`problem_of`), never a JSON 422."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from stabil.errors import Invalid

M = TypeVar("M", bound=BaseModel)


def parsed(model: type[M], fields: Mapping[str, Any]) -> M:
    """`fields` as `model`, or the first problem as `Invalid` at its field."""
    try:
        return model.model_validate(dict(fields))
    except ValidationError as error:
        raise refusal_of(error) from None


def refusal_of(error: ValidationError) -> Invalid:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "form"
    context: dict[str, Any] = first.get("ctx") or {}
    given = first.get("input")
    empty = isinstance(given, str) and not given.strip()
    match first["type"]:
        case "missing":
            return Invalid(field, "Fill this in.")
        case "string_too_short" if empty or context.get("min_length", 1) <= 1:
            return Invalid(field, "Fill this in.")
        case "string_too_short":
            return Invalid(field, "Use at least {shortest} characters.", shortest=_n(context))
        case "string_too_long":
            return Invalid(field, "Use at most {longest} characters.", longest=_x(context))
        case "too_short":
            return Invalid(field, "Choose at least {shortest}.", shortest=_n(context))
        case "too_long":
            return Invalid(field, "Choose at most {longest}.", longest=_x(context))
        case "enum" | "literal_error":
            return Invalid(field, "Choose one of the options.")
        case _:
            return Invalid(field, "This cannot be used here; check what you wrote.")


def _n(context: dict[str, Any]) -> int:
    return int(context.get("min_length", 1))


def _x(context: dict[str, Any]) -> int:
    return int(context.get("max_length", 0))
