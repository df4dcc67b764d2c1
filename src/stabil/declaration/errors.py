"""Turn validation errors into messages that say what is wrong and what would be right."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from stabil.declaration.problems import Problem
from stabil.declaration.references import nearest
from stabil.declaration.yamlsource import Path

_PATTERNS = {
    r"^[a-z][a-z0-9_-]*$": "a key: lower-case letters, digits, _ and -, starting with a letter",
    r"^[A-Z][A-Z0-9]{1,9}$": "2-10 capital letters or digits, starting with a letter, e.g. BDK",
    r"^\S+$": "one word without spaces, e.g. R7.1",
}
_EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "string": "text",
    "list": "a list",
    "tuple": "a list",
    "dict": "a mapping of key: value lines",
    "model": "a mapping of key: value lines",
    "model_attributes": "a mapping of key: value lines",
    "date": "a date (YYYY-MM-DD)",
    "date_from_datetime": "a date (YYYY-MM-DD)",
}


def problems_from_validation(errors: list[ErrorDetails], root: type[BaseModel]) -> list[Problem]:
    return [_problem(error, root) for error in errors]


def _problem(error: ErrorDetails, root: type[BaseModel]) -> Problem:
    path: Path = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return Problem(path, f"required key {path[-1]!r} is missing (add it)")
    if kind == "extra_forbidden":
        return Problem(path, _unknown_key(str(path[-1]), _known_keys(root, path[:-1])))
    return Problem(path, _message(kind, error, value))


def _message(kind: str, error: ErrorDetails, value: Any) -> str:
    context = error.get("ctx") or {}
    base = kind.removesuffix("_type").removesuffix("_parsing")
    if kind == "value_error":
        return str(context.get("error", error["msg"])).removeprefix("Value error, ")
    if kind in ("enum", "literal_error"):
        options = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        guess = nearest(str(value), options)
        hint = f"did you mean {guess!r}?" if guess else f"use one of: {', '.join(options)}"
        return f"{value!r} is not allowed ({hint})"
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        return f"{value!r} has the wrong form (write {_PATTERNS.get(pattern, pattern)})"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{value!r} is out of range ({error['msg'].lower().removeprefix('input ')})"
    if kind in ("too_short", "too_long"):
        return f"{error['msg'].removeprefix('Value should have ').replace('List', 'list')}"
    if base in _EXPECTED:
        return f"expected {_EXPECTED[base]}, got {_describe(value)}"
    return f"{error['msg']} (got {_describe(value)})"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _unknown_key(key: str, known: list[str]) -> str:
    guess = nearest(key, known)
    if guess:
        return f"unknown key {key!r} (did you mean {guess!r}?)"
    return f"unknown key {key!r} (known keys: {', '.join(known)})"


def _known_keys(root: type[BaseModel], path: Path) -> list[str]:
    model = _type_at(root, path)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [info.alias or name for name, info in model.model_fields.items()]
    return []


def _type_at(current: Any, path: Path) -> Any:
    """Follow a field path through model annotations to the type that holds its last part."""
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
            continue
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if origin in (list, tuple) and args:
            current = args[0]
        elif origin is dict and len(args) == 2:
            current = args[1]
        else:
            return None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation
        else:
            return annotation
