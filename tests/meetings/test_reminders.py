"""Reminders through the outbox: the participants 7 days and 1 day before with the agenda, the
owners of an action the day before it is due; each mail written once, however often the
worker runs, and none for a meeting cancelled or held."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.meetings.service import add_action, cancel_meeting, complete_action
from stabil.outbox.models import OutboxItem
from stabil.subscriptions.service import add_subscriber
from stabil.worker.runner import load_handlers
from tests.cast import Cast
from tests.escalation.conftest import run_until
from tests.meetings.conftest import NOW, REVIEW, held, local, planned

pytestmark = pytest.mark.usefixtures("services")
AUTHORITIES = ["authority@aarhus.example", "authority@odense.example"]


@pytest.fixture(autouse=True)
def _handlers() -> None:
    load_handlers()


def mails(session: Session, prefix: str = "meeting_reminder:") -> list[tuple[str, str]]:
    rows = session.scalars(
        select(OutboxItem).where(OutboxItem.dedupe_key.startswith(prefix)).order_by(OutboxItem.id)
    )
    return [(row.recipient, row.dedupe_key or "") for row in rows]


def test_the_participants_are_reminded_a_week_and_a_day_before_once_each(
    session: Session, cast: Cast
) -> None:
    meeting = planned(session, cast, local(5, 20), invitees=["Drift@Kommune.example"])
    run_until(session, local(5, 13, 9))
    assert mails(session) == []  # a week before is 10:00
    run_until(session, local(5, 13, 11))
    run_until(session, local(5, 13, 12))  # the worker again: nothing more
    recipients = [address for address, _ in mails(session)]
    assert recipients == [*AUTHORITIES, "drift@kommune.example"]
    run_until(session, local(5, 19, 11))
    run_until(session, local(5, 19, 11))
    keys = [key for _, key in mails(session)]
    assert len(keys) == 6
    assert len(set(keys)) == 6
    first = session.scalars(
        select(OutboxItem).where(OutboxItem.recipient == AUTHORITIES[0])
    ).first()
    assert first is not None
    assert first.subject == f"Påmindelse: {meeting.title}, 20.05.2026 kl. 10:00"
    assert "1. Godkendelse af referat fra sidste møde" in first.body
    assert "1. Approval of the last minutes" in first.body


def test_r9_8_the_review_meeting_reminds_the_authorities_network(
    session: Session, cast: Cast
) -> None:
    add_subscriber(session, "borger-dk", "it@aarhus.example")
    meeting = planned(session, cast, local(6, 3), REVIEW)
    run_until(session, local(6, 2, 11))
    assert mails(session) == [
        ("it@aarhus.example", f"meeting_reminder:{meeting.id}:7:it@aarhus.example"),
        ("it@aarhus.example", f"meeting_reminder:{meeting.id}:1:it@aarhus.example"),
    ]


def test_a_cancelled_meeting_reminds_nobody(session: Session, cast: Cast) -> None:
    meeting = planned(session, cast, local(5, 20))
    cancel_meeting(session, cast.operator.user, meeting, "Ingen dagsorden", now=NOW)
    run_until(session, local(5, 19, 11))
    assert mails(session) == []


def test_an_action_is_reminded_to_its_owner_the_day_before_it_is_due_once(
    session: Session, cast: Cast
) -> None:
    meeting = held(session, cast, local(2, 10))
    user = cast.operator.user
    add_action(session, user, meeting, "Test af failover", "aarhus", local(5, 1).date(), now=NOW)
    done = add_action(session, user, meeting, "Ny runbook", "odense", local(5, 1).date(), now=NOW)
    complete_action(session, user, done, now=NOW)
    run_until(session, local(4, 30, 7))
    assert mails(session, "meeting_action_due:") == []
    run_until(session, local(4, 30, 8))
    run_until(session, local(4, 30, 9))
    assert [address for address, _ in mails(session, "meeting_action_due:")] == [AUTHORITIES[0]]
    assert local(4, 30, 8).astimezone(dt.UTC).hour == 6  # 08:00 is summer time in Copenhagen
