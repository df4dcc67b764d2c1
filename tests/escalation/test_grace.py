"""What was already due when an incident was registered waits a short grace (R8, R14).

The documented example: detected 09:55, registered 10:10, the hand-over recorded a second
later `at` 10:10. A priority 1 reaction target is 15 minutes, so the timer was due at the
moment of registration; the hand-over makes it met, and no breach may have gone out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.desk import transitions
from stabil.desk.models import Escalation, Incident, IncidentEvent
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.settings import get_settings
from tests.cast import Cast, headers
from tests.escalation.conftest import mails, run_until

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.usefixtures("services")
DETECTED = dt.datetime(2026, 4, 14, 9, 55, tzinfo=CPH)
REGISTERED = dt.datetime(2026, 4, 14, 10, 10, tzinfo=CPH)


def later(**delta: float) -> dt.datetime:
    return REGISTERED + dt.timedelta(**delta)


def after_the_fact(session: Session, cast: Cast, detected: dt.datetime = DETECTED) -> Incident:
    new = NewIncident(
        "borger-dk", "Borger.dk er nede", "", Impact(users_affected_percent=100), detected
    )
    return open_incident(session, cast.operator.user, new, now=REGISTERED)


def escalations(session: Session) -> list[tuple[str, str, dt.datetime]]:
    rows = session.scalars(select(Escalation).order_by(Escalation.id))
    return [(row.rule, row.stage, row.reached_at) for row in rows]


def test_the_documented_example_sends_no_breach(session: Session, cast: Cast) -> None:
    incident = after_the_fact(session, cast)
    run_until(session, REGISTERED)  # the worker runs between the two entries
    run_until(session, later(seconds=1))
    transitions.hand_over(
        session,
        cast.operator.user,
        incident,
        party="supplier-a",
        at=REGISTERED,
        now=later(seconds=1),
    )
    run_until(session, later(minutes=30))
    assert escalations(session) == []
    assert mails(session) == []
    reaction = next(timer for timer in incident.timers if timer.kind == "reaction")
    assert (reaction.met, reaction.completed_seconds) == (True, 15 * 60)


def test_without_the_hand_over_the_breach_follows_the_grace(session: Session, cast: Cast) -> None:
    after_the_fact(session, cast)
    assert run_until(session, later(seconds=119)) == 0
    run_until(session, later(seconds=120))
    # Recorded with the moments the thresholds were reached, not when the grace ended.
    assert escalations(session) == [
        ("functional_critical", "warning", dt.datetime(2026, 4, 14, 10, 6, 15, tzinfo=CPH)),
        ("functional_critical", "breach", REGISTERED),
        ("hierarchical_critical", "breach", REGISTERED),
    ]
    breach = [m for m in mails(session) if "overskredet" in m.subject]
    assert [(m.recipient, m.deliver_after) for m in breach] == [
        ("drift@borger.dk", later(minutes=2)),
        ("eskalation@digst.dk", later(minutes=2)),
        ("vagt@digst.dk", later(minutes=2)),
    ]


def test_a_threshold_after_registration_needs_no_grace(session: Session, cast: Cast) -> None:
    # Detected 10:00, registered 10:10: the 75 % warning (10:11:15) lies ahead and comes on
    # time; the grace is only for what had come already.
    after_the_fact(session, cast, detected=dt.datetime(2026, 4, 14, 10, tzinfo=CPH))
    run_until(session, dt.datetime(2026, 4, 14, 10, 11, 15, tzinfo=CPH))
    assert [stage for _, stage, _ in escalations(session)] == ["warning"]


@pytest.fixture
def no_grace(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STABIL_ESCALATION_GRACE_SECONDS", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("no_grace")
def test_a_grace_of_zero_escalates_at_once(session: Session, cast: Cast) -> None:
    after_the_fact(session, cast)
    run_until(session, REGISTERED)
    assert len(escalations(session)) == 3


def test_an_overdue_first_status_message_waits_the_grace_r14(session: Session, cast: Cast) -> None:
    # Detected 08:00 in measurement period 1: the first message was due at 09:00 (R14.2),
    # long before the registration at 10:10. The miss is told after the grace, once.
    incident = after_the_fact(session, cast, detected=dt.datetime(2026, 4, 14, 8, tzinfo=CPH))
    run_until(session, later(seconds=119))
    missed = select(IncidentEvent).where(
        IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "orientation_missed"
    )
    assert session.scalars(missed).all() == []
    run_until(session, later(seconds=120))
    assert len(session.scalars(missed).all()) == 1


def test_the_documented_example_through_the_api(
    client: TestClient, session: Session, cast: Cast
) -> None:
    body = {
        "service": "borger-dk",
        "title": "Borger.dk er nede",
        "detected_at": DETECTED.isoformat(),
        "impact": {"users_affected_percent": 100},
    }
    with time_machine.travel(REGISTERED, tick=False) as clock:
        created = client.post("/api/v1/incidents", json=body, headers=headers(cast.operator))
        key = created.json()["key"]
        run_until(session, REGISTERED)
        clock.shift(1)
        step = {"to": "handed_over", "party": "supplier-a", "at": REGISTERED.isoformat()}
        handed = client.post(
            f"/api/v1/incidents/{key}/transitions", json=step, headers=headers(cast.operator)
        )
        assert handed.status_code == 200, handed.text
    run_until(session, later(hours=1))
    assert handed.json()["timers"]["reaction"]["met"] is True
    assert mails(session) == []
