"""Loading declarations into the catalogue, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.catalog.models import DeclarationVersion
from stabil.catalog.service import (
    LoadOutcome,
    VersionConflict,
    declaration_of,
    list_services,
    load_declaration_text,
    version_in_force,
)
from stabil.declaration import DeclarationInvalid
from tests.conftest import BORGER_DK

TEXT = BORGER_DK.read_text(encoding="utf-8")


def next_version(text: str, version: str, effective: str) -> str:
    entry = (
        f'      - date: {effective}\n        version: "{version}"\n'
        "        change: {da: Ny version, en: New version}\n        author: DOR\n"
    )
    text = text.replace(
        '  version: "1.0"\n  effective: 2015-03-16\n',
        f'  version: "{version}"\n  effective: {effective}\n',
    )
    return text.replace(
        "    notify: [authority_network]\n    source: R1.3",
        entry + "    notify: [authority_network]\n    source: R1.3",
    )


def test_load_creates_the_service(session: Session) -> None:
    result = load_declaration_text(session, TEXT, "borger-dk.yaml")
    assert (result.service, result.version, result.outcome) == (
        "borger-dk",
        "1.0",
        LoadOutcome.created,
    )
    services = list_services(session)
    assert [(s.key, s.name_da) for s in services] == [("borger-dk", "Borger.dk")]


def test_loading_the_same_version_again_changes_nothing(session: Session) -> None:
    load_declaration_text(session, TEXT, "borger-dk.yaml")
    again = load_declaration_text(session, TEXT, "borger-dk.yaml")
    assert again.outcome is LoadOutcome.unchanged
    assert session.scalar(select(func.count()).select_from(DeclarationVersion)) == 1


def test_same_version_with_other_content_is_refused(session: Session) -> None:
    load_declaration_text(session, TEXT, "borger-dk.yaml")
    changed = TEXT.replace("met_percent: 90", "met_percent: 80")
    with pytest.raises(VersionConflict, match=r"raise metadata\.version"):
        load_declaration_text(session, changed, "borger-dk.yaml")


def test_a_new_version_keeps_the_old_one(session: Session) -> None:
    load_declaration_text(session, TEXT, "borger-dk.yaml")
    newer = next_version(TEXT, "1.1", "2026-01-01").replace("met_percent: 90", "met_percent: 92")
    result = load_declaration_text(session, newer, "borger-dk.yaml")
    assert result.outcome is LoadOutcome.added
    old = version_in_force(session, "borger-dk", dt.date(2025, 6, 1))
    new = version_in_force(session, "borger-dk", dt.date(2026, 6, 1))
    assert old is not None
    assert new is not None
    assert (old.version, new.version) == ("1.0", "1.1")
    assert declaration_of(old).goals.timers[0].met_percent == 90
    assert declaration_of(new).goals.timers[0].met_percent == 92


def test_an_invalid_declaration_writes_nothing(session: Session) -> None:
    with pytest.raises(DeclarationInvalid):
        load_declaration_text(session, TEXT.replace("per_year: 4", "per_year: x"), "bad.yaml")
    assert list_services(session) == []


def test_unknown_service_has_no_version(session: Session) -> None:
    assert version_in_force(session, "nope", dt.date(2026, 1, 1)) is None
