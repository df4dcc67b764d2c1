"""A back-dated entry that shows an escalation was never due withdraws it, and says so (R8).

Registered 10:10 (detected 09:55), a priority 1 incident waits out the grace; at 10:12 the
worker records the reaction breach (due 10:10) and the 75 % warning (10:06:15) and mails
them. At 10:20 the hand-over is recorded `at` 10:10: 15 of 15 minutes, met. The breach is
withdrawn; the warning stands, as 75 % had been used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.desk import transitions
from stabil.desk.corrections import standing_escalations
from stabil.desk.models import Escalation, Incident, IncidentEvent
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from tests.cast import Cast, headers
from tests.escalation.conftest import mails, run_until
from tests.outbox.delivery_helpers import Clock, smtp_settings, worker
from tests.outbox.servers import smtp_server

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.usefixtures("services")
REGISTERED = dt.datetime(2026, 4, 14, 10, 10, tzinfo=CPH)
ESCALATED = REGISTERED + dt.timedelta(minutes=2)
CORRECTED = REGISTERED + dt.timedelta(minutes=10)


def escalated_incident(session: Session, cast: Cast) -> Incident:
    detected = dt.datetime(2026, 4, 14, 9, 55, tzinfo=CPH)
    new = NewIncident(
        "borger-dk", "Borger.dk er nede", "", Impact(users_affected_percent=100), detected
    )
    incident = open_incident(session, cast.operator.user, new, now=REGISTERED)
    run_until(session, ESCALATED)
    return incident


def hand_over_at(session: Session, cast: Cast, incident: Incident, at: dt.datetime) -> None:
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", at=at, now=CORRECTED
    )


def states(session: Session) -> list[tuple[str, str, dt.datetime | None]]:
    rows = session.scalars(select(Escalation).order_by(Escalation.id))
    return [(row.rule, row.stage, row.withdrawn_at) for row in rows]


def events(session: Session, kind: str) -> list[IncidentEvent]:
    return list(
        session.scalars(
            select(IncidentEvent).where(IncidentEvent.kind == kind).order_by(IncidentEvent.seq)
        )
    )


def test_a_back_dated_hand_over_withdraws_the_breach(session: Session, cast: Cast) -> None:
    incident = escalated_incident(session, cast)
    hand_over_at(session, cast, incident, REGISTERED)
    assert states(session) == [
        ("functional_critical", "warning", None),
        ("functional_critical", "breach", CORRECTED),
        ("hierarchical_critical", "breach", CORRECTED),
    ]
    assert [(row.rule, row.stage) for row in standing_escalations(session, incident)] == [
        ("functional_critical", "warning")
    ]
    breaches = [e for e in events(session, "escalated") if e.after["stage"] == "breach"]
    escalated = {event.after["rule"]: event for event in breaches}
    withdrawn = events(session, "escalation_withdrawn")
    assert [(e.after["rule"], e.after["stage"]) for e in withdrawn] == [
        ("functional_critical", "breach"),
        ("hierarchical_critical", "breach"),
    ]
    for event in withdrawn:  # the same recipients as the breach
        assert event.after["notified"] == escalated[event.after["rule"]].after["notified"]
        assert event.recorded_at == CORRECTED
    corrections = mails(session, "correction:")
    assert [(m.recipient, m.deliver_after) for m in corrections] == [
        ("drift@borger.dk", CORRECTED),
        ("eskalation@digst.dk", CORRECTED),
        ("vagt@digst.dk", CORRECTED),
    ]
    assert corrections[0].subject == (
        f"[{incident.key}] Rettelse: Reaktionstiden blev ikke overskredet · "
        "Correction: the reaction time was not breached"
    )
    danish, english = corrections[0].body.split("-- English --")
    assert "Eskalationen fra 14.04.2026 kl. 10:12" in danish
    assert "brugt 15 min af målet på 15 min" in danish
    assert "withdrawn" in english


def test_a_hand_over_before_the_warning_withdraws_it_too(session: Session, cast: Cast) -> None:
    # At 10:05 only 10 of 15 minutes had been used: not even the 75 % warning was due.
    incident = escalated_incident(session, cast)
    hand_over_at(session, cast, incident, dt.datetime(2026, 4, 14, 10, 5, tzinfo=CPH))
    assert [withdrawn for _, _, withdrawn in states(session)] == [CORRECTED] * 3
    assert standing_escalations(session, incident) == []
    warning = [m for m in mails(session, "correction:") if "75 %" in m.subject]
    assert [m.recipient for m in warning] == ["drift@borger.dk"]


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 4, 14, 10, 11, tzinfo=CPH),  # back-dated, but after the target
        None,  # recorded as it happens
    ],
)
def test_a_hand_over_after_the_target_leaves_the_breach(
    session: Session, cast: Cast, at: dt.datetime | None
) -> None:
    incident = escalated_incident(session, cast)
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", at=at, now=CORRECTED
    )
    assert [withdrawn for _, _, withdrawn in states(session)] == [None] * 3
    assert events(session, "escalation_withdrawn") == []
    assert mails(session, "correction:") == []


def test_the_same_readers_get_the_breach_and_its_correction_over_smtp(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    incident = escalated_incident(session, cast)
    with smtp_server() as server:
        config = smtp_settings(tmp_path, server.port)
        worker(session, config, Clock(ESCALATED)).run_once()
        breached = sorted(
            str(m["To"]) for m in server.received if "overskredet" in str(m["Subject"])
        )
        hand_over_at(session, cast, incident, REGISTERED)
        worker(session, config, Clock(CORRECTED)).run_once()
    corrected = sorted(str(m["To"]) for m in server.received if "Rettelse" in str(m["Subject"]))
    assert breached == ["drift@borger.dk", "eskalation@digst.dk", "vagt@digst.dk"]
    assert corrected == breached
    correction = next(m for m in server.received if "Rettelse" in str(m["Subject"]))
    text = correction.get_content()
    assert text.index("Rettelse") < text.index("Correction")


def test_the_timeline_shows_the_withdrawal(
    client: TestClient, session: Session, cast: Cast
) -> None:
    incident = escalated_incident(session, cast)
    hand_over_at(session, cast, incident, REGISTERED)
    session.commit()
    timeline = client.get(
        f"/api/v1/incidents/{incident.key}/events", headers=headers(cast.viewer)
    ).json()
    kinds = [event["kind"] for event in timeline]
    assert kinds.count("escalated") == 3
    assert kinds[-2:] == ["escalation_withdrawn", "escalation_withdrawn"]
