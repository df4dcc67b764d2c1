"""The shipped declarations are valid and encode every rule of the Borger.dk declaration."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from stabil.declaration import Declaration, load_declaration
from stabil.declaration.hours import MinuteRange
from tests.conftest import BORGER_DK, DECLARATIONS

# Every numbered rule of the Borger.dk declaration, R1.1 to R17.1.
RULES = {
    "R1": 3,
    "R2": 5,
    "R3": 3,
    "R4": 1,
    "R5": 3,
    "R6": 5,
    "R7": 6,
    "R8": 1,
    "R9": 8,
    "R10": 3,
    "R11": 1,
    "R12": 2,
    "R13": 2,
    "R14": 5,
    "R15": 1,
    "R16": 5,
    "R17": 1,
}
ALL_RULES = {f"{rule}.{item}" for rule, count in RULES.items() for item in range(1, count + 1)}


def _sources(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source":
                found.update([value] if isinstance(value, str) else value)
            else:
                found |= _sources(value)
    elif isinstance(node, list):
        for item in node:
            found |= _sources(item)
    return found


def test_rule_list_has_every_numbered_item() -> None:
    assert len(ALL_RULES) == 55
    assert {"R1.1", "R7.6", "R9.8", "R14.5", "R16.5", "R17.1"} <= ALL_RULES


def test_borger_dk_cites_every_rule_and_nothing_else() -> None:
    sources = _sources(yaml.safe_load(BORGER_DK.read_text(encoding="utf-8")))
    assert ALL_RULES - sources == set(), "rules without a `source` in borger-dk.yaml"
    assert sources - ALL_RULES == set(), "sources that name no rule"


@pytest.mark.parametrize("path", sorted(DECLARATIONS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_declarations_load(path: Any) -> None:
    declaration = load_declaration(path)
    assert declaration.schema_version == 1
    assert declaration.week_patterns


def test_borger_dk_service_periods(borger_dk: Declaration) -> None:
    # R2.2, R2.3, R2.5: Mon-Fri 08:30-16:30 is primary, all else secondary, half-open.
    assert borger_dk.time.service_periods.periods == ["primary", "secondary"]
    primary, secondary = borger_dk.week_patterns["primary"], borger_dk.week_patterns["secondary"]
    for weekday in range(5):
        assert primary.ranges(weekday) == (MinuteRange(8 * 60 + 30, 16 * 60 + 30),)
        assert secondary.ranges(weekday) == (
            MinuteRange(0, 8 * 60 + 30),
            MinuteRange(16 * 60 + 30, 24 * 60),
        )
    for weekday in range(5, 7):
        assert primary.ranges(weekday) == ()
        assert secondary.ranges(weekday) == (MinuteRange(0, 24 * 60),)
    # R2.4: a weekday holiday is secondary service time, like a weekend.
    assert primary.ranges(0, holiday=True) == ()
    assert secondary.ranges(0, holiday=True) == (MinuteRange(0, 24 * 60),)


def test_borger_dk_targets(borger_dk: Declaration) -> None:
    # R7.1: the reaction and resolution table, counted in primary service time.
    expected = {
        1: ((15, "minutes"), (240, "minutes")),
        2: ((240, "minutes"), (480, "minutes")),
        3: ((2, "working_days"), (10, "working_days")),
        4: ((4, "working_days"), (30, "working_days")),
    }
    for level, (reaction, resolution) in expected.items():
        for timer, (value, unit) in (("reaction", reaction), ("resolution", resolution)):
            target = borger_dk.target(level, timer)
            assert (target.value, target.unit.value, target.calendar) == (value, unit, "primary")
    assert borger_dk.major_priorities() == {1}
    assert borger_dk.time.working_days is not None
    assert borger_dk.time.working_days.day_minutes == 480  # R7.3


def test_borger_dk_goals_and_windows(borger_dk: Declaration) -> None:
    reaction, resolution = borger_dk.goals.timers
    assert (reaction.timer, reaction.met_percent, reaction.pooled) == ("reaction", 90, True)
    assert (resolution.timer, resolution.met_percent, resolution.pooled) == (
        "resolution",
        95,
        False,
    )
    assert borger_dk.goals.averages[0].average_minutes == 15  # R4.1
    assert borger_dk.service_windows is not None
    kinds = {kind.key: kind for kind in borger_dk.service_windows.kinds}
    table = {k: (v.max_minutes, v.per_year, v.notice_days, v.planned) for k, v in kinds.items()}
    assert table == {
        "short": (120, 4, 3, True),
        "medium": (240, 4, 7, True),
        "long": (420, 4, 21, True),
        "unplanned": (120, 4, 7, False),
    }
    assert borger_dk.week_patterns["window_weekend_nights"].ranges(0) == ()
    assert borger_dk.week_patterns["window_weekend_nights"].ranges(5) == (MinuteRange(0, 420),)


def test_contacts_are_roles_with_functional_mailboxes(borger_dk: Declaration) -> None:
    # R16.5: no personal names or phone numbers; every contact has a role.
    text = BORGER_DK.read_text(encoding="utf-8")
    for number in ("70101881", "40821728", "4072 8919", "7230 1801"):
        assert number not in text
    for name in ("Mejer-Warnich", "Carsten Olsen", "Helle Junge", "Henrik Engel"):
        assert name not in text
    assert all(contact.role.da for contact in borger_dk.contacts)


def test_example_declaration_has_a_different_shape(example_declaration: Declaration) -> None:
    declaration = example_declaration
    assert declaration.metadata.example
    assert len(declaration.priorities) == 5
    assert declaration.priority(5).kind.value == "service_request"
    assert declaration.target(1, "reaction").calendar == "always"  # 24x7 clock
    assert declaration.response_times
    assert declaration.penalties
