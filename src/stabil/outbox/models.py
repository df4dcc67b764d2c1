"""The outbox table: one row per notification to one recipient over one channel."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stabil.db.base import Base
from stabil.db.types import now_utc


class Channel(StrEnum):
    email = "email"
    webhook = "webhook"


class DeliveryState(StrEnum):
    pending = "pending"
    sent = "sent"
    parked = "parked"  # kept failing: visible, retryable, never dropped


class OutboxItem(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_deliver_after", "state", "deliver_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(2000), comment="E-mail address or URL.")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, comment="Plain text of an e-mail.")
    payload: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, comment="JSON body of a webhook; extra data of an e-mail."
    )
    signing_key: Mapped[str | None] = mapped_column(
        String(200), comment="Secret a webhook's body is signed with (HMAC-SHA256)."
    )
    message_id: Mapped[str] = mapped_column(
        String(200), unique=True, comment="Fixed when written, so a re-sent mail keeps it."
    )
    dedupe_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    subject_kind: Mapped[str] = mapped_column(String(32), comment="incident, message, ...")
    subject_key: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.pending.value)
    deliver_after: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(
        comment="A worker is delivering it until then; after that another may try again."
    )
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
