"""The major-incident process: orientation (R14), the downtime step (R9.4), the restored
message (R9.6) and the post-review report (R9.7, R9.8)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.declaration.communication import MessageType
from stabil.desk import transitions
from stabil.desk.kpi import start_time
from stabil.desk.models import Incident, IncidentEvent
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.status.service import NewMessage, post_message
from stabil.subscriptions.service import add_subscriber
from tests.cast import Cast, headers
from tests.escalation.conftest import mails, run_until

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.usefixtures("services")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def major(
    session: Session, cast: Cast, detected: dt.datetime, service: str = "borger-dk"
) -> Incident:
    new = NewIncident(service, "Borger.dk er nede", "", Impact(users_affected_percent=90))
    return open_incident(session, cast.operator.user, new, now=detected)


def message(
    session: Session, cast: Cast, incident: Incident, at: dt.datetime, kind: str = "unavailable"
) -> None:
    new = NewMessage(
        service="borger-dk",
        type=MessageType(kind),
        affected=["Log-in"],
        title="Log-in nede",
        body="Vi arbejder på sagen.",
        incidents=[incident.key],
    )
    post_message(session, cast.operator.user, new, now=at)


def kinds(session: Session, incident: Incident, *wanted: str) -> list[tuple[str, dt.datetime]]:
    events = session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident.id, IncidentEvent.kind.in_(wanted))
        .order_by(IncidentEvent.seq)
    )
    return [(event.kind, event.effective_at) for event in events]


def test_orientation_follows_the_messages_r14(session: Session, cast: Cast) -> None:
    # Detected Tuesday 10:00, in measurement period 1: the first message is due 11:00 (R14.2),
    # with a reminder at 10:45. A message at 10:50 moves the next one to 11:50 (R14.4); when
    # none comes, 11:50 is a miss, escalated, and the next is due 12:50.
    incident = major(session, cast, local(2026, 4, 14, 10))
    run_until(session, local(2026, 4, 14, 10, 45))
    assert kinds(session, incident, "orientation_reminder") == [
        ("orientation_reminder", local(2026, 4, 14, 10, 45))
    ]
    assert [m.recipient for m in mails(session, "orientation_reminder")] == ["drift@borger.dk"]
    message(session, cast, incident, local(2026, 4, 14, 10, 50))
    run_until(session, local(2026, 4, 14, 11, 49))
    assert kinds(session, incident, "orientation_missed") == []
    assert len(kinds(session, incident, "orientation_reminder")) == 2  # 11:35, before 11:50
    run_until(session, local(2026, 4, 14, 11, 50))
    missed = session.scalars(
        select(IncidentEvent).where(IncidentEvent.kind == "orientation_missed")
    ).one()
    assert dt.datetime.fromisoformat(missed.after["due"]) == local(2026, 4, 14, 11, 50)
    assert [m.recipient for m in mails(session, "orientation_missed")] == ["eskalation@digst.dk"]
    run_until(session, local(2026, 4, 14, 12, 50))
    assert len(kinds(session, incident, "orientation_missed")) == 2


def test_orientation_outside_period_1_is_due_at_eight_r14_3(session: Session, cast: Cast) -> None:
    # Saturday 21:00 is period 2: the first message is due at 08:00 on Sunday.
    incident = major(session, cast, local(2026, 4, 18, 21))
    run_until(session, local(2026, 4, 19, 7, 44))
    assert kinds(session, incident, "orientation_reminder", "orientation_missed") == []
    run_until(session, local(2026, 4, 19, 7, 45))
    run_until(session, local(2026, 4, 19, 8))
    assert kinds(session, incident, "orientation_reminder", "orientation_missed") == [
        ("orientation_reminder", local(2026, 4, 19, 7, 45)),
        ("orientation_missed", local(2026, 4, 19, 8)),
    ]


def test_the_downtime_step_after_an_hour_r9_4(session: Session, cast: Cast) -> None:
    incident = major(session, cast, local(2026, 4, 14, 10))
    message(session, cast, incident, local(2026, 4, 14, 10, 10))
    run_until(session, local(2026, 4, 14, 10, 59))
    assert kinds(session, incident, "downtime_step") == []
    run_until(session, local(2026, 4, 14, 11))
    assert kinds(session, incident, "downtime_step") == [("downtime_step", local(2026, 4, 14, 11))]
    prompts = mails(session, "downtime_step")
    assert [m.recipient for m in prompts] == ["drift@borger.dk", "eskalation@digst.dk"]
    assert "Indkald til telefonmøde" in prompts[0].body


def test_no_downtime_step_when_resolved_within_the_hour(session: Session, cast: Cast) -> None:
    incident = major(session, cast, local(2026, 4, 14, 10))
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", now=local(2026, 4, 14, 10, 5)
    )
    transitions.resolve(session, cast.operator.user, incident, now=local(2026, 4, 14, 10, 40))
    run_until(session, local(2026, 4, 14, 12))
    assert kinds(session, incident, "downtime_step", "orientation_missed") == []


@pytest.mark.parametrize("posted", [True, False])
def test_a_restored_message_is_due_after_resolution_r9_6(
    session: Session, cast: Cast, posted: bool
) -> None:
    incident = major(session, cast, local(2026, 4, 14, 10))
    message(session, cast, incident, local(2026, 4, 14, 10, 10))
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", now=local(2026, 4, 14, 10, 15)
    )
    transitions.resolve(session, cast.operator.user, incident, now=local(2026, 4, 14, 10, 30))
    if posted:
        message(session, cast, incident, local(2026, 4, 14, 10, 45), kind="restored")
    run_until(session, local(2026, 4, 14, 11, 30))
    expected = [] if posted else [("restored_message_due", local(2026, 4, 14, 11, 30))]
    assert kinds(session, incident, "restored_message_due") == expected


def test_post_review_report_r9_7(session: Session, cast: Cast, client: TestClient) -> None:
    incident = major(session, cast, local(2026, 4, 14, 10))
    add_subscriber(session, "borger-dk", "it@aarhus.dk")
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", now=local(2026, 4, 14, 10, 5)
    )
    transitions.resolve(session, cast.operator.user, incident, now=local(2026, 4, 14, 12))
    session.commit()
    # Due 14 days after resolution; a reminder 3 days before; overdue after.
    run_until(session, local(2026, 4, 25, 12))
    assert kinds(session, incident, "review_reminder") == [
        ("review_reminder", local(2026, 4, 25, 12))
    ]
    run_until(session, local(2026, 4, 28, 12, 1))
    assert [k for k, _ in kinds(session, incident, "review_overdue")] == ["review_overdue"]
    session.commit()
    url = f"/api/v1/incidents/{incident.key}/review"
    with time_machine.travel(local(2026, 4, 29, 9), tick=False):
        draft = client.get(url, headers=headers(cast.operator)).json()
        assert draft["overdue"] is True
        assert draft["saved"] is False
        assert "## Tidslinje / Timeline" in draft["report"]
        assert client.post(f"{url}/submit", headers=headers(cast.operator)).status_code == 422
        report = {
            "report": draft["report"] + "Årsag: certifikat udløbet.",
            "actions": [{"text": "Overvåg certifikater", "owner": "Drift"}],
        }
        assert client.put(url, json=report, headers=headers(cast.supplier)).status_code == 403
        saved = client.put(url, json=report, headers=headers(cast.operator))
        assert saved.status_code == 200, saved.text
        sent = client.post(f"{url}/submit", headers=headers(cast.operator))
        assert sent.status_code == 200
        assert sent.json()["submitted_at"] is not None
        assert client.put(url, json=report, headers=headers(cast.operator)).status_code == 409
    reports = mails(session, "review:")
    assert [m.recipient for m in reports] == ["it@aarhus.dk"]
    assert "certifikat udløbet" in reports[0].body


def test_review_agenda_cli_r9_8(
    session: Session, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stabil.desk.review import review_agenda

    first = major(session, cast, local(2026, 4, 14, 10))
    major(session, cast, local(2026, 4, 20, 10))
    transitions.hand_over(
        session, cast.operator.user, first, party="supplier-a", now=local(2026, 4, 14, 10, 5)
    )
    transitions.resolve(session, cast.operator.user, first, now=local(2026, 4, 14, 12))
    agenda = review_agenda(session, local(2026, 4, 1), now=local(2026, 5, 1))
    assert [(item.key, item.review) for item in agenda] == [
        ("BDK-2026-0001", "overdue"),
        ("BDK-2026-0002", "not due"),
    ]
    assert (
        review_agenda(session, local(2026, 4, 15), now=local(2026, 5, 1))[0].key == "BDK-2026-0002"
    )


def test_start_time_average_r4(session: Session, cast: Cast) -> None:
    # Two P1 incidents in April handed over after 10 and 20 minutes of primary time: 15 on
    # average, the goal (R4.1). A third still waits; a P2 does not count.
    for minutes, day in ((10, 14), (20, 15)):
        incident = major(session, cast, local(2026, 4, day, 10))
        transitions.hand_over(
            session,
            cast.operator.user,
            incident,
            party="supplier-a",
            now=local(2026, 4, day, 10, minutes),
        )
    major(session, cast, local(2026, 4, 16, 10))
    result = start_time(session, "borger-dk", "2026-04", cast.viewer.user)
    assert (result.started, result.waiting, result.average_minutes) == (2, 1, 15.0)
    assert result.met is True
    assert start_time(session, "borger-dk", "2026-05", cast.viewer.user).average_minutes is None


def test_major_status_and_start_time_api(session: Session, cast: Cast, client: TestClient) -> None:
    incident = major(session, cast, local(2026, 4, 14, 10))
    message(session, cast, incident, local(2026, 4, 14, 10, 20))
    session.commit()
    with time_machine.travel(local(2026, 4, 14, 11, 30), tick=False):
        status = client.get(f"/api/v1/incidents/{incident.key}/major", headers=headers(cast.viewer))
        assert status.status_code == 200
        orientation = status.json()["orientation"]
        due = dt.datetime.fromisoformat(orientation["next_message_due"])
        assert due == local(2026, 4, 14, 11, 20)  # an hour after the message (R14.4)
        assert orientation["overdue"] is True
        assert status.json()["review"] is None
        url = "/api/v1/services/borger-dk/start-time?month=2026-04"
        figures = client.get(url, headers=headers(cast.viewer)).json()
        assert (figures["started"], figures["waiting"], figures["goal_minutes"]) == (0, 1, 15)
        bad = client.get(
            "/api/v1/services/borger-dk/start-time?month=April", headers=headers(cast.viewer)
        )
        assert bad.status_code == 422


def test_a_backlog_of_missed_messages_is_one_miss(session: Session, cast: Cast) -> None:
    # Entered a week late (or found by a worker that was down): one reminder and one miss
    # for the backlog; the next message is due an hour after the miss was found.
    incident = major(session, cast, local(2026, 4, 14, 10))
    run_until(session, local(2026, 4, 21, 10))
    found = kinds(session, incident, "orientation_reminder", "orientation_missed")
    assert [kind for kind, _ in found] == ["orientation_reminder", "orientation_missed"]
    run_until(session, local(2026, 4, 21, 10, 59))
    assert len(kinds(session, incident, "orientation_missed")) == 1
    run_until(session, local(2026, 4, 21, 11))
    assert len(kinds(session, incident, "orientation_missed")) == 2
