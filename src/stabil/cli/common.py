"""What every command shares: consoles and the one way to fail."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Column
from typer.core import TyperCommand, TyperGroup

from stabil.declaration import Declaration, DeclarationInvalid, load_declaration

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

USAGE_ERROR = 2


def follow_terminal_width() -> None:
    """Size tables to COLUMNS as it is now: the consoles were made when this module loaded."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        out.width = err.width = int(columns)


def fail(message: str) -> NoReturn:
    """Stop with exit status 2 and a one-line message on standard error, nothing on stdout."""
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(USAGE_ERROR)


# Other tools read some commands' stderr (`stabil clock`, `stabil window`), so there a usage
# error (a missing option, a bad number, an unknown command) is one line too, not Typer's
# usage box. Typer's usage errors derive from TyperException; its context types are private.


class OneLineErrors(TyperCommand):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.TyperException as error:
            fail(error.format_message())


class OneLineGroupErrors(TyperGroup):
    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as error:
            fail(error.format_message())


def declaration_or_fail(file: Path) -> Declaration:
    """The declaration in `file`; if it is not valid, its first problem on one line, status 2."""
    try:
        return load_declaration(file)
    except DeclarationInvalid as invalid:
        first, more = invalid.problems[0], len(invalid.problems) - 1
        also = f" (and {more} more: stabil declaration check {file})" if more else ""
        fail(f"{file} is not a valid declaration: {first}{also}")


def identifier(header: str) -> Column:
    # Kept whole on narrow terminals, so that it can be copied into the next command.
    return Column(header, no_wrap=True)
