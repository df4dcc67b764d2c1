"""What every command shares: consoles and the one way to fail."""

from __future__ import annotations

import os
from typing import NoReturn

import typer
from rich.console import Console

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
