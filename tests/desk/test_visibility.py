"""The SQL filter and the Python check of visibility agree, for every member of the cast.

Both come from one `Scope` per domain (stabil/access.py); these tests hold them together
over a population with varied reporters, parties, owners, links and states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.desk import access as desk_access
from stabil.desk import transitions
from stabil.desk.models import Incident
from stabil.desk.service import NewIncident, open_incident
from stabil.problems import access as problem_access
from stabil.problems.models import Problem
from stabil.problems.service import NewProblem, open_problem
from stabil.requests import access as request_access
from stabil.requests.models import ServiceRequest
from stabil.requests.service import NewRequest, submit_request, withdraw
from tests.cast import MEMBERS, Cast

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("services")


def _incidents(session: Session, cast: Cast) -> list[Incident]:
    """By each reporter, left with no party or handed to either supplier, in several states."""
    made = []
    for reporter in (cast.operator, cast.authority, cast.other_authority):
        for party in (None, "supplier-a", "supplier-b"):
            incident = open_incident(
                session, reporter.user, NewIncident("borger-dk", "Fejl", ""), now=NOW
            )
            if party:
                transitions.hand_over(session, cast.operator.user, incident, party=party, now=NOW)
            made.append(incident)
    transitions.resolve(session, cast.operator.user, made[-1], now=NOW)
    transitions.cancel(session, cast.operator.user, made[0], reason="Dublet", now=NOW)
    return made


def _problems(session: Session, cast: Cast, incidents: list[Incident]) -> None:
    """Owned by either supplier or none, linked to none, one or two incidents."""
    links: list[list[str]] = [
        [],
        [incidents[1].key],
        [incidents[4].key],
        [incidents[4].key, incidents[8].key],
    ]
    for owner in (None, "supplier-a", "supplier-b"):
        for keys in links:
            new = NewProblem("borger-dk", "Årsag", owner=owner, incidents=keys)
            open_problem(session, cast.operator.user, new, now=NOW)


def _requests(session: Session, cast: Cast) -> None:
    for member in (cast.operator, cast.authority, cast.other_authority):
        submit_request(session, member.user, NewRequest("borger-dk", "Adgang"), now=NOW)
    last = submit_request(session, cast.authority.user, NewRequest("borger-dk", "Råd"), now=NOW)
    withdraw(session, cast.authority.user, last, now=NOW)


Kind = tuple[Any, Callable[[User], ColumnElement[bool]], Callable[[User, Any], bool]]
KINDS: dict[str, Kind] = {
    "incidents": (Incident, desk_access.visible, desk_access.can_see),
    "problems": (Problem, problem_access.visible, problem_access.can_see),
    "requests": (ServiceRequest, request_access.visible, request_access.can_see),
}


@pytest.mark.parametrize("kind", KINDS)
def test_sql_filter_and_python_check_agree(session: Session, cast: Cast, kind: str) -> None:
    incidents = _incidents(session, cast)
    _problems(session, cast, incidents)
    _requests(session, cast)
    session.flush()
    model, visible, can_see = KINDS[kind]
    rows = list(session.scalars(select(model)))
    assert len(rows) >= 4
    seen_by: dict[str, set[str]] = {}
    for name in MEMBERS:
        user = getattr(cast, name).user
        in_sql = set(session.scalars(select(model.key).where(visible(user))))
        in_python = {row.key for row in rows if can_see(user, row)}
        assert in_sql == in_python, name
        seen_by[name] = in_sql
    everything = {row.key for row in rows}
    assert seen_by["admin"] == seen_by["viewer"] == everything
    # The rule is not all or nothing: each authority sees some, and not what the other sees.
    assert set() < seen_by["authority"] < everything
    assert seen_by["authority"] != seen_by["other_authority"]
