"""Every link in every mail opens for whoever gets the mail: no link into the API (401)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.desk import transitions
from stabil.desk.review import save_review, submit_review
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.outbox.models import Channel, OutboxItem
from stabil.settings import get_settings
from stabil.subscriptions.service import add_subscriber
from tests.cast import Cast, headers
from tests.escalation.conftest import run_until

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.usefixtures("services")
URL = re.compile(r"https?://\S+")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def every_kind_of_mail(client: TestClient, session: Session, cast: Cast) -> None:
    """A major incident's life: its report, escalations, a correction, reminders, the review,
    and an operational message to a subscriber."""
    operator = cast.operator.user
    add_subscriber(session, "borger-dk", "it@aarhus.example")
    new = NewIncident(
        "borger-dk",
        "Borger.dk er nede",
        "",
        Impact(users_affected_percent=100),
        local(2026, 4, 14, 9, 55),
    )
    incident = open_incident(session, operator, new, now=local(2026, 4, 14, 10, 10))
    run_until(session, local(2026, 4, 14, 10, 12))
    transitions.hand_over(
        session,
        operator,
        incident,
        party="supplier-a",
        at=local(2026, 4, 14, 10, 10),
        now=local(2026, 4, 14, 10, 20),
    )
    run_until(session, local(2026, 4, 14, 11))
    transitions.resolve(session, operator, incident, now=local(2026, 4, 14, 11))
    run_until(session, local(2026, 4, 14, 12))
    save_review(session, operator, incident, report="Tidslinje ...", actions=[])
    submit_review(session, operator, incident)
    session.commit()
    message = {
        "service": "borger-dk",
        "type": "unavailable",
        "affected": ["Log-in"],
        "title": "Log-in virker ikke",
        "body": "Borgere kan ikke logge ind.",
        "incidents": [incident.key],
    }
    with time_machine.travel(local(2026, 4, 14, 12), tick=False):
        posted = client.post("/api/v1/messages", json=message, headers=headers(cast.operator))
    assert posted.status_code == 201, posted.text


def test_every_link_in_a_mail_opens_without_credentials(
    client: TestClient, session: Session, cast: Cast
) -> None:
    every_kind_of_mail(client, session, cast)
    rows = session.scalars(select(OutboxItem).where(OutboxItem.channel == Channel.email.value))
    links: dict[str, set[str]] = {}
    for row in rows:
        kind = (row.dedupe_key or "").split(":")[0]
        for link in URL.findall(row.body):
            links.setdefault(kind, set()).add(link)
    # Each kind of mail the project writes is here, and each names a link.
    assert set(links) >= {
        "report",
        "esc",
        "correction",
        "orientation_reminder",
        "downtime_step",
        "restored_message_due",
        "review",
        "message",
    }
    public = get_settings().public_url.rstrip("/")
    client.cookies.clear()
    for kind, found in links.items():
        for link in found:
            assert link.startswith(public + "/"), (kind, link)
            assert "/api/" not in link, (kind, link)
            answer = client.get(link.removeprefix(public))
            assert answer.status_code == 200, (kind, link, answer.status_code)
