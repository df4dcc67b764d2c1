"""Messages, subscribers and webhooks as the API, webhooks and status pages show them."""

from __future__ import annotations

from stabil.declaration.communication import MessageType
from stabil.status.models import (
    Message,
    MessageEntry,
    MessageEvent,
    Subscriber,
    WebhookRegistration,
)
from stabil.status.schemas import (
    EntryOut,
    MessageEventOut,
    MessageOut,
    SubscriberOut,
    WebhookOut,
)
from stabil.status.states import EntryKind, MessageState, WebhookEvent, allowed_actions


def entry_out(entry: MessageEntry) -> EntryOut:
    return EntryOut(
        seq=entry.seq,
        kind=EntryKind(entry.kind),
        at=entry.at,
        type=MessageType(entry.type),
        body=entry.body,
        body_en=entry.body_en,
    )


def message_out(message: Message) -> MessageOut:
    state = MessageState(message.state)
    return MessageOut(
        id=message.id,
        service=message.service.key,
        type=MessageType(message.type),
        state=state,
        title=message.title,
        title_en=message.title_en,
        body=message.body,
        body_en=message.body_en,
        affected=list(message.affected),
        affected_users=message.affected_users,
        cause=message.cause,
        horizon=message.horizon,
        horizon_at=message.horizon_at,
        incidents=sorted(link.incident.key for link in message.links),
        posted_at=message.posted_at,
        updated_at=message.updated_at,
        resolved_at=message.resolved_at,
        closed_at=message.closed_at,
        timeline=[entry_out(entry) for entry in message.entries],
        allowed_actions=list(allowed_actions(state)),
        revision=message.revision,
    )


def message_event_out(event: MessageEvent) -> MessageEventOut:
    return MessageEventOut(
        seq=event.seq,
        kind=event.kind,
        actor=event.actor.email if event.actor else None,
        recorded_at=event.recorded_at,
        before=event.before,
        after=event.after,
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
