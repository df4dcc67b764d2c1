"""Warnings and breaches of timers, recorded once and delivered in the level's hours (R8)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.desk import transitions
from stabil.desk.models import Escalation, Incident, IncidentEvent
from stabil.desk.service import NewIncident, change_priority, open_incident
from stabil.desk.suggestion import Impact
from tests.cast import Cast
from tests.escalation.conftest import mails, run_until

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.usefixtures("services")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def report(
    session: Session, cast: Cast, now: dt.datetime, *, service: str = "borger-dk", share: float = 30
) -> Incident:
    new = NewIncident(service, "Log-in fejler", "", Impact(users_affected_percent=share))
    return open_incident(session, cast.operator.user, new, now=now)


def escalations(session: Session) -> list[tuple[str, str, str]]:
    rows = session.scalars(select(Escalation).order_by(Escalation.id))
    return [(row.timer, row.rule, row.stage) for row in rows]


def test_warning_then_breach_each_once_r8(session: Session, cast: Cast) -> None:
    # P1 on Tuesday 10:00: reaction 15 min of primary time. The warning comes at 75 %
    # (11 min 15 s, 10:11:15) to operations; the breach at 10:15 functionally and to the
    # escalation list and the on-call duty, at once (hours: always).
    report(session, cast, local(2026, 4, 14, 10))
    assert run_until(session, local(2026, 4, 14, 10, 11, 14)) == 0
    assert run_until(session, local(2026, 4, 14, 10, 11, 15)) == 1
    assert escalations(session) == [("reaction", "functional_critical", "warning")]
    warning = mails(session)
    assert [(m.recipient, m.deliver_after) for m in warning] == [
        ("drift@borger.dk", local(2026, 4, 14, 10, 11, 15))
    ]
    assert warning[0].subject.startswith("[BDK-2026-0001] 75 % af reaktionstiden er brugt")
    run_until(session, local(2026, 4, 14, 10, 15))
    assert escalations(session)[1:] == [
        ("reaction", "functional_critical", "breach"),
        ("reaction", "hierarchical_critical", "breach"),
    ]
    breach = [m.recipient for m in mails(session)[1:]]
    assert breach == ["drift@borger.dk", "eskalation@digst.dk", "vagt@digst.dk"]
    assert run_until(session, local(2026, 4, 14, 10, 30)) == 0  # nothing twice
    events = session.scalars(select(IncidentEvent).where(IncidentEvent.kind == "escalated")).all()
    assert len(events) == 3
    assert events[1].after["notified"] == ["drift@borger.dk"]


def test_hand_over_in_time_cancels_the_reaction_escalations(session: Session, cast: Cast) -> None:
    incident = report(session, cast, local(2026, 4, 14, 10))
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", now=local(2026, 4, 14, 10, 5)
    )
    run_until(session, local(2026, 4, 14, 12))
    assert escalations(session) == []


def test_the_working_party_hears_of_its_incidents(session: Session, cast: Cast) -> None:
    # Handed to supplier-a at 10:05; the resolution warning at 75 % of 240 min is 13:00.
    incident = report(session, cast, local(2026, 4, 14, 10))
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", now=local(2026, 4, 14, 10, 5)
    )
    run_until(session, local(2026, 4, 14, 13))
    assert escalations(session) == [("resolution", "functional_critical", "warning")]
    assert [m.recipient for m in mails(session)] == [
        cast.supplier.user.email,
        "drift@borger.dk",
    ]


def test_a_breach_on_friday_evening_arrives_on_monday_morning(session: Session, cast: Cast) -> None:
    # P3 (2 working days = 960 min of primary time) detected Wednesday 15 April at 16:30:
    # Thursday and Friday give 480 each, so the reaction is due Friday 17 April at 16:30.
    # The worker runs at 19:00; the `functional` rule's hours are primary service time, so the
    # notices wait until Monday 20 April 08:30.
    new = NewIncident(
        "borger-dk", "Stavefejl", "", Impact(users_affected_percent=1, central_function=True)
    )
    open_incident(session, cast.operator.user, new, now=local(2026, 4, 15, 16, 30))
    run_until(session, local(2026, 4, 17, 19))
    breach = session.scalars(select(Escalation).where(Escalation.stage == "breach")).one()
    assert breach.reached_at == local(2026, 4, 17, 16, 30)
    assert breach.deliver_after == local(2026, 4, 20, 8, 30)
    assert {m.deliver_after for m in mails(session) if "overskredet" in m.subject} == {
        local(2026, 4, 20, 8, 30)
    }


def test_a_critical_breach_on_saturday_night_goes_to_on_call_at_once(
    session: Session, cast: Cast
) -> None:
    # The example SLA counts priority 1 around the clock: reaction 30 min. Reported Saturday
    # 23:00; warning at 50 % (23:15) and breach at 23:30 go to the duty manager at once.
    report(session, cast, local(2026, 4, 18, 23), service="example-webservice", share=60)
    run_until(session, local(2026, 4, 18, 23, 15))
    run_until(session, local(2026, 4, 18, 23, 30))
    assert escalations(session) == [
        ("reaction", "critical", "warning"),
        ("reaction", "critical", "breach"),
    ]
    assert [(m.recipient, m.deliver_after) for m in mails(session)] == [
        ("vagt@example.org", local(2026, 4, 18, 23, 15)),
        ("vagt@example.org", local(2026, 4, 18, 23, 30)),
    ]


def test_a_lower_priority_replans_the_escalations(session: Session, cast: Cast) -> None:
    # P1 at 10:00 becomes P2 at 10:05: reaction 240 min, due 14:00; warning at 75 % (13:00).
    incident = report(session, cast, local(2026, 4, 14, 10))
    change_priority(
        session, cast.operator.user, incident, 2, "Færre ramt", now=local(2026, 4, 14, 10, 5)
    )
    run_until(session, local(2026, 4, 14, 12, 59))
    assert escalations(session) == []
    run_until(session, local(2026, 4, 14, 13))
    assert escalations(session) == [("reaction", "functional", "warning")]


def test_the_worker_twice_at_once_records_once(session: Session, cast: Cast) -> None:
    report(session, cast, local(2026, 4, 14, 10))
    run_until(session, local(2026, 4, 14, 10, 20))
    run_until(session, local(2026, 4, 14, 10, 20))
    assert session.scalar(select(func.count()).select_from(Escalation)) == 3
