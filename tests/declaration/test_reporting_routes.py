"""`incident_management.reporting`: which reports each route takes, and in which hours (R5.3)."""

from __future__ import annotations

from stabil.declaration import Declaration, parse_declaration
from stabil.declaration.operations import ReportScope
from tests.declaration.test_bad_input import broken, line_of, the_problem


def test_borger_dk_routes_reports_and_suspected_majors(borger_dk: Declaration) -> None:
    assert borger_dk.incident_management is not None
    routes = [
        (route.reports, route.to, route.hours) for route in borger_dk.incident_management.reporting
    ]
    assert routes == [
        (ReportScope.all, ["support_1st_level", "operations"], None),
        (ReportScope.major, ["operations"], "primary"),
        (ReportScope.major, ["on_call"], "secondary"),
    ]


def test_a_route_without_reports_takes_every_report() -> None:
    text = broken("      reports: major\n      to: [on_call]\n", "      to: [on_call]\n")
    management = parse_declaration(text).incident_management
    assert management is not None
    assert management.reporting[2].reports is ReportScope.all


def test_an_unknown_kind_of_report_is_named() -> None:
    text = broken(
        "      reports: major\n      to: [on_call]", "      reports: majors\n      to: [on_call]"
    )
    problem = the_problem(text)
    assert "incident_management.reporting[2].reports" in str(problem)
    assert "'majors' is not allowed (did you mean 'major'?)" in problem.message
    assert problem.position.line == line_of(text, "reports: majors")
