"""Messages, subscribers and webhooks as the API, webhooks and status pages show them."""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.declaration.communication import MessageType
from stabil.desk.access import can_see
from stabil.status.access import transitions_for
from stabil.status.models import Message, MessageEntry
from stabil.status.schemas import (
    ChoiceCount,
    EntryOut,
    MessageOut,
    SubscriberCountsOut,
    SubscriberOut,
    WebhookOut,
)
from stabil.status.states import EntryKind, MessageState
from stabil.subscriptions.counts import Count, ServiceCounts
from stabil.subscriptions.models import Subscriber, WebhookRegistration
from stabil.subscriptions.service import WebhookEvent


def entry_out(entry: MessageEntry) -> EntryOut:
    return EntryOut(
        seq=entry.seq,
        kind=EntryKind(entry.kind),
        at=entry.at,
        type=MessageType(entry.type),
        body=entry.body,
        body_en=entry.body_en,
    )


def message_out(message: Message, reader: User | None) -> MessageOut:
    """The message as `reader` sees it: the linked incidents it may see, and the actions it
    may take. None is a webhook's receiver: registered by an admin, it is told every linked
    incident, and acts on nothing."""
    incidents = [link.incident for link in message.links]
    if reader is not None:
        incidents = [item for item in incidents if can_see(reader, item)]
    return MessageOut(
        id=message.id,
        service=message.service.key,
        type=MessageType(message.type),
        state=MessageState(message.state),
        title=message.title,
        title_en=message.title_en,
        body=message.body,
        body_en=message.body_en,
        affected=list(message.affected),
        affected_users=message.affected_users,
        cause=message.cause,
        horizon=message.horizon,
        horizon_at=message.horizon_at,
        incidents=sorted(item.key for item in incidents),
        posted_at=message.posted_at,
        updated_at=message.updated_at,
        resolved_at=message.resolved_at,
        closed_at=message.closed_at,
        timeline=[entry_out(entry) for entry in message.entries],
        allowed_transitions=transitions_for(reader, message),
        revision=message.revision,
    )


def subscriber_out(subscriber: Subscriber) -> SubscriberOut:
    return SubscriberOut(
        id=subscriber.id,
        service=subscriber.service.key,
        email=subscriber.email,
        confirmed=subscriber.confirmed,
        created_at=subscriber.created_at,
    )


def webhook_out(hook: WebhookRegistration) -> WebhookOut:
    return WebhookOut(
        id=hook.id,
        service=hook.service.key,
        url=hook.url,
        events=[WebhookEvent(item) for item in hook.events],
        created_at=hook.created_at,
    )


def counts_out(counts: ServiceCounts) -> SubscriberCountsOut:
    return SubscriberCountsOut(
        service=counts.service,
        confirmed=counts.confirmed,
        pending=counts.pending,
        parts=[_count_out(item) for item in counts.parts],
        types=[_count_out(item) for item in counts.types],
    )


def _count_out(count: Count) -> ChoiceCount:
    return ChoiceCount(
        key=count.key, name=count.name.da, name_en=count.name.en, subscribers=count.subscribers
    )
