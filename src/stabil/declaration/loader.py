"""Load a declaration file: parse, validate, check references, and locate every problem."""

from __future__ import annotations

from pathlib import Path as FilePath

from pydantic import ValidationError

from stabil.declaration.errors import problems_from_validation
from stabil.declaration.model import Declaration
from stabil.declaration.problems import DeclarationInvalid, LocatedProblem, Problem
from stabil.declaration.references import check_references
from stabil.declaration.yamlsource import Path, Position, YamlError, load_yaml


def load_declaration(path: str | FilePath) -> Declaration:
    """The declaration in a file; raises DeclarationInvalid with every problem found."""
    file = FilePath(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise DeclarationInvalid(
            [LocatedProblem(str(path), Position(1, 1), (), f"cannot read the file: {reason}")]
        ) from None
    return parse_declaration(text, str(path))


def parse_declaration(text: str, filename: str = "<declaration>") -> Declaration:
    try:
        data, positions = load_yaml(text)
    except YamlError as error:
        raise DeclarationInvalid(
            [LocatedProblem(filename, error.position, (), error.message)]
        ) from None
    if not isinstance(data, dict):
        problem = Problem(
            (), "a declaration is a mapping of sections (start with schema_version: 1)"
        )
        raise DeclarationInvalid([_locate(problem, positions, filename)])
    try:
        declaration = Declaration.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation(error.errors(include_url=False), Declaration)
        raise DeclarationInvalid(
            [_locate(item, positions, filename) for item in problems]
        ) from None
    problems = check_references(declaration)
    if problems:
        raise DeclarationInvalid([_locate(item, positions, filename) for item in problems])
    return declaration


def _locate(problem: Problem, positions: dict[Path, Position], filename: str) -> LocatedProblem:
    """The position of the problem's path, or of the nearest enclosing value that exists."""
    path = problem.path
    while path not in positions and path:
        path = path[:-1]
    return LocatedProblem(
        filename, positions.get(path, Position(1, 1)), problem.path, problem.message
    )
