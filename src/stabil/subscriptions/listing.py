"""Subscribers and webhooks a page at a time, for the administration pages.

Each page is a fixed number of statements whatever the number of rows: its count and its
slice, each row with its service loaded in the same statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, contains_eager

from stabil.catalog.models import Service
from stabil.catalog.service import service_named
from stabil.subscriptions.models import Subscriber, WebhookRegistration


@dataclass(frozen=True, slots=True)
class SubscriptionCounts:
    subscribers: int
    webhooks: int


def subscription_counts(session: Session) -> SubscriptionCounts:
    subscribers = select(func.count()).select_from(Subscriber).scalar_subquery()
    webhooks = select(func.count()).select_from(WebhookRegistration).scalar_subquery()
    row = session.execute(select(subscribers, webhooks)).one()
    return SubscriptionCounts(subscribers=row[0], webhooks=row[1])


def subscriber_page(
    session: Session, service_key: str | None, *, limit: int, offset: int
) -> tuple[list[Subscriber], int]:
    """Subscribers by service and address, of one service when a key is given (an unknown
    key is refused at `service`); and how many there are in all."""
    wanted = _of_service(session, Subscriber.service_id, service_key)
    total = session.scalar(select(func.count()).select_from(Subscriber).where(*wanted)) or 0
    subscribers = session.scalars(
        select(Subscriber)
        .join(Subscriber.service)
        .options(contains_eager(Subscriber.service))
        .where(*wanted)
        .order_by(Service.key, Subscriber.email)
        .limit(limit)
        .offset(offset)
    )
    return list(subscribers), total


def webhook_page(
    session: Session, service_key: str | None, *, limit: int, offset: int
) -> tuple[list[WebhookRegistration], int]:
    """Webhooks by service, the oldest first; and how many there are in all."""
    wanted = _of_service(session, WebhookRegistration.service_id, service_key)
    total = (
        session.scalar(select(func.count()).select_from(WebhookRegistration).where(*wanted)) or 0
    )
    hooks = session.scalars(
        select(WebhookRegistration)
        .join(WebhookRegistration.service)
        .options(contains_eager(WebhookRegistration.service))
        .where(*wanted)
        .order_by(Service.key, WebhookRegistration.id)
        .limit(limit)
        .offset(offset)
    )
    return list(hooks), total


def _of_service(
    session: Session, column: InstrumentedAttribute[int], service_key: str | None
) -> list[ColumnElement[bool]]:
    if service_key is None:
        return []
    return [column == service_named(session, service_key).id]
