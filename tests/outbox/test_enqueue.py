"""Notifications are written in the caller's transaction, once per dedupe key."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.service import enqueue_email, enqueue_webhook


def test_an_email_is_queued_with_a_fixed_message_id(session: Session) -> None:
    later = dt.datetime(2026, 4, 13, 6, 30, tzinfo=dt.UTC)
    new_id = enqueue_email(
        session,
        recipient="drift@borger.dk",
        subject="Brud på reaktionstid",
        body="BDK-2026-0001",
        subject_kind="incident",
        subject_key="BDK-2026-0001",
        deliver_after=later,
    )
    item = session.get(OutboxItem, new_id)
    assert item is not None
    assert (item.channel, item.state, item.attempts) == ("email", DeliveryState.pending, 0)
    assert item.deliver_after == later
    assert item.message_id.startswith("<")
    assert item.message_id.endswith("@localhost>")


def test_a_dedupe_key_is_queued_once(session: Session) -> None:
    kwargs = {
        "recipient": "drift@borger.dk",
        "subject": "s",
        "body": "b",
        "subject_kind": "incident",
        "subject_key": "BDK-2026-0001",
        "dedupe_key": "escalation:1:reaction:breach:drift",
    }
    first = enqueue_email(session, **kwargs)  # type: ignore[arg-type]
    second = enqueue_email(session, **kwargs)  # type: ignore[arg-type]
    assert first is not None
    assert second is None
    assert len(session.scalars(select(OutboxItem)).all()) == 1


def test_a_webhook_keeps_its_payload_and_secret(session: Session) -> None:
    new_id = enqueue_webhook(
        session,
        url="https://hooks.example.org/stabil",
        secret="s3cret",
        event="message.posted",
        payload={"id": 7},
        subject_kind="message",
        subject_key="7",
    )
    item = session.get(OutboxItem, new_id)
    assert item is not None
    assert (item.channel, item.recipient, item.subject) == (
        "webhook",
        "https://hooks.example.org/stabil",
        "message.posted",
    )
    assert (item.payload, item.signing_key) == ({"id": 7}, "s3cret")


def test_a_subject_is_kept_on_one_line(session: Session) -> None:
    new_id = enqueue_email(
        session,
        recipient="drift@borger.dk",
        subject="Brud\r\nBcc: evil@example.org",
        body="b",
        subject_kind="incident",
        subject_key="BDK-2026-0001",
    )
    item = session.get(OutboxItem, new_id)
    assert item is not None
    assert item.subject == "Brud Bcc: evil@example.org"
