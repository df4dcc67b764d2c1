"""Which parts a message is about, read from the desk's words (R3.3, R10.2)."""

from __future__ import annotations

import pytest

from stabil.declaration import Declaration
from stabil.status.parts import parts_named


@pytest.mark.parametrize(
    ("affected", "parts"),
    [
        (["login"], ["login"]),
        (["Log-in med MitID"], ["login"]),
        (["  log-in   WITH mitid "], ["login"]),  # case and spacing aside
        (
            ["Adgang til selvbetjeningsløsninger", "Forsiden og artiklerne"],
            ["front_page", "self_service"],
        ),
        (["Log-in", "Selvbetjening"], []),  # the desk's own words: the whole service
        (["Hele portalen"], []),
        ([], []),
        (["", " "], []),
        (["login", "Log-in med MitID", "LOGIN"], ["login"]),
    ],
)
def test_affected_entries_name_parts_by_key_or_name(
    borger_dk: Declaration, affected: list[str], parts: list[str]
) -> None:
    assert parts_named(borger_dk, affected) == parts


def test_a_declaration_without_parts_names_none(borger_dk: Declaration) -> None:
    whole = borger_dk.model_copy(
        update={"availability": borger_dk.availability.model_copy(update={"parts": []})}
    )
    assert parts_named(whole, ["login"]) == []
