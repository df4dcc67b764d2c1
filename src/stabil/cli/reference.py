"""The CLI reference in docs/cli.md, generated from the commands themselves.

Run `make docs` (or `python -m stabil.cli.reference`) after changing a command; a test fails
while docs/cli.md differs from what this produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from typer.cli import get_docs_for_click
from typer.main import get_command

from stabil.cli.main import app

INTRO = (
    "Generated from the code by `make docs`; a test fails when this file is stale.\n"
    "Every command reads its settings from the environment (see settings.md); errors end\n"
    "with exit status 2 and a one-line message on standard error.\n"
)


def cli_reference() -> str:
    command = get_command(app)
    text = get_docs_for_click(
        obj=command, ctx=typer.Context(command), name="stabil", title="CLI reference"
    )
    heading, _, rest = text.partition("\n\n")
    return f"{heading}\n\n{INTRO}\n{rest.rstrip()}\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/cli.md")
    target.write_text(cli_reference(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
