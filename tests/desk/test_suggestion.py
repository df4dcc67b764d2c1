"""Priority suggestions from reported facts, with the reason in words (R6.5)."""

from __future__ import annotations

import pytest

from stabil.declaration import Declaration
from stabil.desk.suggestion import Impact, suggest_priority


@pytest.mark.parametrize(
    ("impact", "priority", "reason"),
    [
        (Impact(users_affected_percent=21), 1, "more than 20 % of users affected"),  # R6.1
        (
            Impact(users_affected_percent=20),
            2,
            "more than 5 % of users affected and no work-around",
        ),
        (Impact(security_breach=True), 1, "a security breach"),  # R6.1
        (Impact(legal_breach=True, users_affected_percent=1), 1, "a breach of legal requirements"),
        (Impact(users_affected_percent=6), 2, "no work-around"),  # R6.2
        # R6.4: an error of priority-2 character with a work-around is low.
        (Impact(users_affected_percent=6, workaround=True), 4, "a work-around exists"),
        (Impact(users_affected_percent=5, central_function=True), 3, "a central function"),
        (Impact(users_affected_percent=5), 4, "at most 5 % of users affected"),  # R6.4
    ],
)
def test_borger_dk_suggestions(
    borger_dk: Declaration, impact: Impact, priority: int, reason: str
) -> None:
    suggestion = suggest_priority(borger_dk, impact)
    assert suggestion.priority == priority
    assert reason in suggestion.reason_en
    assert suggestion.reason_en.startswith(f"priority {priority} (")
    assert suggestion.reason_da.startswith(f"prioritet {priority} (")


def test_danish_reason(borger_dk: Declaration) -> None:
    suggestion = suggest_priority(borger_dk, Impact(users_affected_percent=25))
    assert suggestion.reason_da == "prioritet 1 (Kritisk): mere end 20 % af brugerne er ramt"


def test_default_when_no_condition_matches(example_declaration: Declaration) -> None:
    suggestion = suggest_priority(example_declaration, Impact(users_affected_percent=1))
    assert suggestion.priority == 4
    assert "no condition of a higher priority is met" in suggestion.reason_en


def test_no_facts_suggest_the_default_and_say_so(
    borger_dk: Declaration, example_declaration: Declaration
) -> None:
    # Nothing was said of the impact: not "at most 5 % affected", which nobody said.
    suggestion = suggest_priority(borger_dk, Impact())
    assert suggestion.priority == 3  # priority_suggestion.default_priority
    assert suggestion.reason_en == "priority 3 (Medium): no impact facts were given"
    assert suggestion.reason_da == (
        "prioritet 3 (Mellem): der er ikke oplyst noget om påvirkningen"
    )
    assert suggest_priority(example_declaration, Impact()).priority == 4


def test_none_of_the_users_is_a_fact(borger_dk: Declaration) -> None:
    suggestion = suggest_priority(borger_dk, Impact(users_affected_percent=0))
    assert suggestion.priority == 4
    assert "at most 5 % of users affected" in suggestion.reason_en


def test_an_unknown_share_meets_no_bound_on_it(borger_dk: Declaration) -> None:
    # Only a work-around is known: priority 4 needs a share over 5 % or at most 5 %.
    suggestion = suggest_priority(borger_dk, Impact(workaround=True))
    assert suggestion.priority == 3
    assert "no condition of a higher priority is met" in suggestion.reason_en
