"""The reference docs stay complete: every setting and every command is documented."""

from __future__ import annotations

import re

from stabil.cli.reference import cli_reference
from stabil.settings import Settings
from tests.conftest import ROOT

DOCS = ROOT / "docs"


def test_cli_reference_is_current() -> None:
    stale = "docs/cli.md is stale: run `make docs`"
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_reference(), stale


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `(STABIL_[A-Z_]+)`", text, flags=re.MULTILINE))
    settings = {f"STABIL_{name.upper()}" for name in Settings.model_fields}
    assert settings - documented == set(), "settings missing from docs/settings.md"
    assert documented - settings == set(), "docs/settings.md documents settings that do not exist"


def test_readme_gives_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in text
    assert "make test" in text


def test_docs_do_not_reach_outside_the_repository() -> None:
    for path in [ROOT / "README.md", *DOCS.glob("*.md")]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path
