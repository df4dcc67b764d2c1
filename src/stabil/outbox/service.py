"""Writing notifications into the outbox, in the caller's transaction.

A notification is written in the same transaction as the change that causes it: if the change
is rolled back, so is the notification, and once committed it is never lost. A `dedupe_key`
makes writing idempotent: a second write with the same key is ignored, so concurrent or
repeated work notifies once.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.db.upsert import insert_for
from stabil.outbox.models import Channel, DeliveryState, OutboxItem
from stabil.settings import get_settings


def one_line(subject: str) -> str:
    """A subject on one line, at most 300 characters: a line break would end the header."""
    return " ".join(subject.split())[:300]


def new_message_id() -> str:
    """A globally unique Message-ID, fixed before the first attempt to send."""
    return f"<{uuid.uuid4().hex}@{get_settings().mail_domain}>"


def enqueue_email(
    session: Session,
    *,
    recipient: str,
    subject: str,
    body: str,
    subject_kind: str,
    subject_key: str,
    deliver_after: dt.datetime | None = None,
    dedupe_key: str | None = None,
    extra: dict[str, Any] | None = None,
) -> int | None:
    """Queue an e-mail; the id of the new row, or None if `dedupe_key` was queued before."""
    return _insert(
        session,
        channel=Channel.email.value,
        recipient=recipient,
        subject=one_line(subject),
        body=body,
        payload=extra or {},
        signing_key=None,
        subject_kind=subject_kind,
        subject_key=subject_key,
        deliver_after=deliver_after,
        dedupe_key=dedupe_key,
    )


@dataclass(frozen=True, slots=True)
class Email:
    """One e-mail to queue with `enqueue_emails`."""

    recipient: str
    subject: str
    body: str
    subject_kind: str
    subject_key: str
    deliver_after: dt.datetime | None = None
    dedupe_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def attachment(filename: str, media_type: str, content: bytes) -> dict[str, str]:
    """A file to send with an e-mail, for its `extra["attachments"]` list: kept in the outbox
    row, so that a retry sends the very bytes written with the change."""
    return {
        "filename": filename,
        "media_type": media_type,
        "base64": base64.b64encode(content).decode("ascii"),
    }


def enqueue_emails(session: Session, emails: list[Email]) -> None:
    """Queue many e-mails in a few statements; those whose dedupe key exists are skipped."""
    now = now_utc()
    rows = [
        {
            "channel": Channel.email.value,
            "recipient": email.recipient,
            "subject": one_line(email.subject),
            "body": email.body,
            "payload": email.extra,
            "signing_key": None,
            "message_id": new_message_id(),
            "dedupe_key": email.dedupe_key,
            "subject_kind": email.subject_kind,
            "subject_key": email.subject_key,
            "state": DeliveryState.pending.value,
            "deliver_after": email.deliver_after or now,
            "attempts": 0,
            "created_at": now,
        }
        for email in emails
    ]
    if not rows:
        return
    table = cast(Table, OutboxItem.__table__)
    # One statement executed for many rows: compiled once, sent in batches.
    statement = insert_for(session)(table).on_conflict_do_nothing(
        index_elements=[table.c.dedupe_key]
    )
    session.execute(statement, rows)


def enqueue_webhook(
    session: Session,
    *,
    url: str,
    secret: str,
    event: str,
    payload: dict[str, Any],
    subject_kind: str,
    subject_key: str,
    deliver_after: dt.datetime | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue a JSON POST to `url`, to be signed with `secret`; None if deduplicated."""
    return _insert(
        session,
        channel=Channel.webhook.value,
        recipient=url,
        subject=event,
        body="",
        payload=payload,
        signing_key=secret,
        subject_kind=subject_kind,
        subject_key=subject_key,
        deliver_after=deliver_after,
        dedupe_key=dedupe_key,
    )


def _insert(session: Session, *, deliver_after: dt.datetime | None, **values: Any) -> int | None:
    now = now_utc()
    insert = insert_for(session)
    statement = (
        insert(OutboxItem)
        .values(
            **values,
            message_id=new_message_id(),
            state=DeliveryState.pending.value,
            deliver_after=deliver_after or now,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[OutboxItem.dedupe_key])
        .returning(OutboxItem.id)
    )
    return session.execute(statement).scalar_one_or_none()
