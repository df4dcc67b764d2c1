"""A new report goes at once where the declaration routes it, by the hours (R5.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.desk.models import Incident, IncidentEvent
from stabil.desk.reporting import routes_for
from stabil.outbox.models import OutboxItem
from tests.cast import Cast, Member, headers
from tests.escalation.conftest import mails
from tests.outbox.delivery_helpers import Clock, smtp_settings, worker
from tests.outbox.servers import smtp_server

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.usefixtures("services")
SUPPORT, OPERATIONS, ON_CALL = "1881@borger.dk", "drift@borger.dk", "vagt@digst.dk"


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def report(
    client: TestClient, member: Member, moment: dt.datetime, **changes: Any
) -> dict[str, Any]:
    body = {
        "service": "borger-dk",
        "title": "Borger.dk er nede",
        "impact": {"users_affected_percent": 100},
        **changes,
    }
    with time_machine.travel(moment, tick=False):
        response = client.post("/api/v1/incidents", json=body, headers=headers(member))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def routed(session: Session, key: str) -> list[OutboxItem]:
    return mails(session, f"report:{key}:")


def routed_event(session: Session, key: str) -> IncidentEvent:
    return session.scalars(
        select(IncidentEvent)
        .join(Incident)
        .where(Incident.key == key, IncidentEvent.kind == "report_routed")
    ).one()


@pytest.mark.parametrize(
    ("moment", "on_call"),
    [
        (local(2026, 4, 14, 8, 29, 59), True),  # Tuesday, just before primary service time
        (local(2026, 4, 14, 8, 30), False),  # primary service time begins (R2.5)
        (local(2026, 4, 14, 16, 29, 59), False),
        (local(2026, 4, 14, 16, 30), True),  # secondary service time again
        (local(2026, 4, 18, 23), True),  # Saturday night
    ],
    ids=["tue-08:29:59", "tue-08:30", "tue-16:29:59", "tue-16:30", "sat-23:00"],
)
def test_a_suspected_major_incident_goes_out_at_once_by_the_hours_r5_3(
    client: TestClient, session: Session, cast: Cast, moment: dt.datetime, on_call: bool
) -> None:
    # Every fault report goes to 1st and 2nd level support; a suspected major incident also
    # to operations in working hours (primary) and to the on-call duty outside them.
    incident = report(client, cast.operator, moment)
    assert incident["priority"] == 1
    expected = [SUPPORT, OPERATIONS, *([ON_CALL] if on_call else [])]
    rows = routed(session, incident["key"])
    assert [row.recipient for row in rows] == expected
    assert {row.deliver_after for row in rows} == {moment}
    assert {row.subject for row in rows} == {
        f"[{incident['key']}] Mistanke om major incident · Suspected major incident: "
        "Borger.dk er nede"
    }
    event = routed_event(session, incident["key"])
    assert event.after["notified"] == expected
    assert event.after["major"] is True
    assert event.actor_id is None
    assert event.recorded_at == moment


def test_a_fault_report_goes_to_support_only(
    client: TestClient, session: Session, cast: Cast
) -> None:
    # Priority 3 on Saturday night: not a suspected major incident, so no on-call duty.
    moment = local(2026, 4, 18, 23)
    impact = {"users_affected_percent": 2, "central_function": True}
    incident = report(client, cast.authority, moment, title="Stavefejl", impact=impact)
    assert incident["priority"] == 3
    rows = routed(session, incident["key"])
    assert [(row.recipient, row.deliver_after) for row in rows] == [
        (SUPPORT, moment),
        (OPERATIONS, moment),
    ]
    assert rows[0].subject == f"[{incident['key']}] Ny fejlmelding · New fault report: Stavefejl"
    assert routed_event(session, incident["key"]).after["routes"] == ["Fault reports"]


def test_the_mail_is_danish_first_in_local_time(
    client: TestClient, session: Session, cast: Cast
) -> None:
    # 16:30 in April is 14:30 UTC; people read local time.
    incident = report(client, cast.authority, local(2026, 4, 14, 16, 30), reporter="Aarhus IT")
    body = routed(session, incident["key"])[0].body
    danish, english = body.split("-- English --")
    assert danish.startswith("Mistanke om major incident\n")
    assert "Mistanke om major incident uden for arbejdstiden" in danish
    assert "Registreret: 14.04.2026 kl. 16:30" in danish
    assert "Ramte brugere: 100 %" in danish
    assert "Forslag: prioritet 1 (Kritisk): mere end 20 % af brugerne er ramt" in danish
    assert "Meldt af: Aarhus IT, Aarhus Kommune" in danish
    assert "Suspected major incident outside working hours" in english
    assert "Registered: 2026-04-14T16:30:00+02:00" in english
    assert "14:30" not in body


def test_a_refused_report_notifies_nobody(client: TestClient, session: Session, cast: Cast) -> None:
    body = {"service": "borger-dk", "title": "Borger.dk er nede", "priority": 4}
    with time_machine.travel(local(2026, 4, 14, 10), tick=False):
        refused = client.post("/api/v1/incidents", json=body, headers=headers(cast.operator))
    assert refused.status_code == 422
    assert session.scalar(select(func.count()).select_from(OutboxItem)) == 0


def test_the_on_call_duty_gets_it_over_smtp(
    client: TestClient, session: Session, cast: Cast, tmp_path: Path
) -> None:
    moment = local(2026, 4, 18, 23)
    incident = report(client, cast.operator, moment)
    with smtp_server() as server:
        worker(session, smtp_settings(tmp_path, server.port), Clock(moment)).run_once()
    by_recipient = {str(message["To"]): message for message in server.received}
    assert set(by_recipient) == {SUPPORT, OPERATIONS, ON_CALL}
    message = by_recipient[ON_CALL]
    assert str(message["Subject"]).startswith(f"[{incident['key']}] Mistanke om major incident")
    assert "Registreret: 18.04.2026 kl. 23:00" in message.get_content()


@pytest.mark.parametrize(
    ("moment", "priority", "contacts"),
    [
        (local(2026, 4, 14, 10), 1, ["servicedesk", "duty_manager", "service_owner"]),
        (local(2026, 4, 18, 23), 1, ["servicedesk", "duty_manager"]),
        (local(2026, 4, 14, 10), 2, ["servicedesk"]),
    ],
)
def test_routes_of_the_example_declaration(
    example_declaration: Declaration, moment: dt.datetime, priority: int, contacts: list[str]
) -> None:
    clock = clock_for(example_declaration)
    routes = routes_for(example_declaration, clock, priority, moment)
    assert [key for route in routes for key in route.to] == contacts
