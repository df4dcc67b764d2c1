"""Service declarations as code: the typed schema, the loader and its error messages."""

from stabil.declaration.loader import load_declaration, parse_declaration
from stabil.declaration.model import SCHEMA_VERSION, Declaration
from stabil.declaration.problems import DeclarationInvalid, LocatedProblem

__all__ = [
    "SCHEMA_VERSION",
    "Declaration",
    "DeclarationInvalid",
    "LocatedProblem",
    "load_declaration",
    "parse_declaration",
]
