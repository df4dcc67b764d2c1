"""Broken declarations are rejected with every problem at once, located and explained."""

from __future__ import annotations

import pytest

from stabil.declaration import DeclarationInvalid, parse_declaration
from stabil.declaration.problems import LocatedProblem
from tests.conftest import BORGER_DK

ORIGINAL = BORGER_DK.read_text(encoding="utf-8")


def broken(old: str, new: str, *, count: int = 1) -> str:
    assert ORIGINAL.count(old) >= count, f"{old!r} is not in borger-dk.yaml"
    return ORIGINAL.replace(old, new, count)


def problems_of(text: str) -> list[LocatedProblem]:
    with pytest.raises(DeclarationInvalid) as caught:
        parse_declaration(text, "broken.yaml")
    return caught.value.problems


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def the_problem(text: str) -> LocatedProblem:
    found = problems_of(text)
    assert len(found) == 1, [str(item) for item in found]
    return found[0]


def test_malformed_yaml_gives_the_line() -> None:
    text = broken("  timezone: Europe/Copenhagen", "  timezone: [Europe/Copenhagen")
    problem = the_problem(text)
    assert str(problem).startswith("broken.yaml:")
    assert "malformed YAML" in problem.message
    assert problem.position.line >= line_of(text, "timezone: [Europe")


def test_a_document_that_is_no_mapping() -> None:
    problem = the_problem("- just\n- a list\n")
    assert "mapping of sections" in problem.message


def test_unknown_key_suggests_the_nearest() -> None:
    text = broken(
        '      hours: {weekdays: "08:30-16:30"}', '      hourz: {weekdays: "08:30-16:30"}'
    )
    found = problems_of(text)
    unknown = [item for item in found if "hourz" in item.message]
    assert len(unknown) == 1
    assert "did you mean 'hours'?" in unknown[0].message
    assert unknown[0].position.line == line_of(text, "hourz")
    assert str(unknown[0]).startswith(f"broken.yaml:{line_of(text, 'hourz')}:7: ")
    assert "time.calendars.primary.hourz" in str(unknown[0])


def test_wrong_type() -> None:
    text = broken("      per_year: 4\n", "      per_year: many\n")
    problem = the_problem(text)
    assert problem.message == "expected a whole number, got 'many'"
    assert problem.position.line == line_of(text, "per_year: many")


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("25:00", "has hour 25 (hours run 00-23; the latest time is 23:59)"),
        ("08:70", "has minute 70 (minutes run 00-59, e.g. 08:30)"),
        ("8.30", "is not a time of day (write HH:MM, e.g. 08:30)"),
    ],
)
def test_impossible_times(bad: str, expected: str) -> None:
    text = broken('hours: {weekdays: "08:30-16:30"}', f'hours: {{weekdays: "{bad}-16:30"}}')
    problem = the_problem(text)
    assert expected in problem.message
    assert problem.position.line == line_of(text, bad)
    assert "time.calendars.primary.hours.weekdays" in str(problem)


def test_end_before_start() -> None:
    text = broken('hours: {weekdays: "08:30-16:30"}', 'hours: {weekdays: "16:30-08:30"}')
    assert "ends before it starts" in the_problem(text).message


def test_overlapping_service_periods() -> None:
    text = broken(
        "      rest_of: [primary]\n      source: R2.3",
        '      hours: {all: "00:00-09:00"}\n      source: R2.3',
    )
    problem = the_problem(text)
    assert "primary and secondary overlap on Monday 08:30-09:00" in problem.message
    assert problem.path == ("time", "service_periods", "periods")


def test_service_periods_that_leave_time_unassigned() -> None:
    text = broken(
        "      rest_of: [primary]\n      source: R2.3", '      hours: {weekend: "00:00-24:00"}\n'
    )
    problem = the_problem(text)
    assert "no service period holds Monday 00:00-08:30" in problem.message
    assert "cover_all_time: false" in problem.message


def test_priority_without_targets() -> None:
    text = broken(
        "    targets:\n"
        "      reaction: {value: 240, unit: minutes, calendar: primary, source: R7.1}\n"
        "      resolution: {value: 480, unit: minutes, calendar: primary, source: R7.1}\n",
        "",
    )
    problem = the_problem(text)
    assert problem.path == ("priorities", 1, "targets")
    assert "missing" in problem.message


def test_priority_with_a_missing_timer_target() -> None:
    text = broken(
        "      resolution: {value: 480, unit: minutes, calendar: primary, source: R7.1}\n", ""
    )
    problem = the_problem(text)
    assert problem.message.startswith("priority 2 has no target for resolution")


def test_target_in_a_calendar_that_does_not_exist() -> None:
    text = broken(
        "reaction: {value: 15, unit: minutes, calendar: primary",
        "reaction: {value: 15, unit: minutes, calendar: primry",
    )
    problem = the_problem(text)
    assert problem.message == "no calendar is named 'primry' (did you mean 'primary'?)"
    assert problem.path == ("priorities", 0, "targets", "reaction", "calendar")
    assert problem.position.line == line_of(text, "primry")


def test_notice_longer_than_a_year() -> None:
    text = broken("      notice_days: 21\n", "      notice_days: 400\n")
    problem = the_problem(text)
    assert "longer than a year (at most 365 days)" in problem.message
    assert problem.path == ("service_windows", "kinds", 2)


def test_phone_number_in_a_contact() -> None:
    text = broken("name: {da: Vagttelefon, en: On-call phone}", 'name: {da: "Vagt 7230 1801"}')
    assert "phone number" in the_problem(text).message


def test_duplicate_key() -> None:
    text = broken(
        "  timezone: Europe/Copenhagen\n", "  timezone: Europe/Copenhagen\n  timezone: UTC\n"
    )
    problem = the_problem(text)
    assert "appears twice" in problem.message
    assert problem.position.line == line_of(text, "timezone: UTC")


def test_unknown_enum_value_suggests() -> None:
    text = broken("    starts: detected\n", "    starts: detect\n")
    assert "did you mean 'detected'?" in the_problem(text).message


def test_circular_calendars() -> None:
    text = broken("      rest_of: [orientation_period_1]", "      rest_of: [orientation_period_2]")
    assert "cannot be the rest of itself" in the_problem(text).message


def test_every_problem_at_once_in_file_order() -> None:
    text = broken("      per_year: 4\n", "      per_year: many\n", count=2)
    text = text.replace("  timezone: Europe/Copenhagen", "  timezone: Mars/Olympus")
    found = problems_of(text)
    assert len(found) == 3
    assert [item.position.line for item in found] == sorted(item.position.line for item in found)
    assert "is not a time zone (use an IANA name, e.g. Europe/Copenhagen)" in found[0].message


def test_version_without_history_entry() -> None:
    text = broken('  version: "1.0"\n', '  version: "1.1"\n')
    assert "has no entry in metadata.history" in the_problem(text).message
