"""Tables of who listens to a service: subscribed addresses and webhook registrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.catalog.models import Service
from stabil.db.base import Base
from stabil.db.types import now_utc


class Subscriber(Base):
    """An address told of the messages of one service that it chose (R10.2).

    Admins add confirmed subscribers; a self-service sign-up is kept pending until the
    address answers the mailed link, which is signed over `confirm_token` (a nonce, cleared
    once used). `unsubscribe_token` is the subscriber's secret: the manage and unsubscribe
    links of every e-mail carry it. Only what the sending needs is kept: the address, its
    choices, its language and when it was last mailed on request.
    """

    __tablename__ = "status_subscribers"
    __table_args__ = (UniqueConstraint("service_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    email: Mapped[str] = mapped_column(String(254), comment="Stored lower-cased.")
    confirmed: Mapped[bool] = mapped_column(Boolean)
    confirm_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    confirmed_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parts: Mapped[list[str]] = mapped_column(
        JSON,
        default=list,
        server_default=text("'[]'"),
        comment="Keys of the declaration's parts it hears of; empty: all of them.",
    )
    types: Mapped[list[str]] = mapped_column(
        JSON,
        default=list,
        server_default=text("'[]'"),
        comment="Message types it hears of; empty: all of them.",
    )
    language: Mapped[str] = mapped_column(
        String(2), default="da", server_default="da", comment="da or en: its pages and mails."
    )
    mailed_at: Mapped[dt.datetime | None] = mapped_column(
        index=True,
        comment="When a sign-up last had a link mailed to it: one mail per rate window.",
    )

    service: Mapped[Service] = relationship()


class WebhookRegistration(Base):
    """A URL that receives a signed JSON POST for the chosen events of one service."""

    __tablename__ = "status_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(
        String(200), comment="Signs each body (HMAC-SHA256); kept, since every delivery needs it."
    )
    events: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service: Mapped[Service] = relationship()
