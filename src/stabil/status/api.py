"""JSON routes of operational messages, subscribers and webhooks; each calls one service function.

Every user may read messages (they are public information); admins and operators post and
change them; only admins manage subscribers and webhooks.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from stabil.accounts.auth import CurrentUser, require_roles
from stabil.accounts.models import Role, User
from stabil.db.types import now_utc
from stabil.declaration.communication import MessageType
from stabil.desk.links import keys_shown_in
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.schemas import Text
from stabil.status.present import counts_out, message_out, subscriber_out, webhook_out
from stabil.status.schemas import (
    MessageIn,
    MessageOut,
    MessagePage,
    MessageUpdateIn,
    ResolveIn,
    SubscriberCountsOut,
    SubscriberIn,
    SubscriberOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)
from stabil.status.service import (
    MessageFilter,
    MessageUpdate,
    NewMessage,
    close_message,
    get_message,
    list_messages,
    post_message,
    resolve_message,
    update_message,
)
from stabil.status.states import MessageState
from stabil.subscriptions import service as subscriptions
from stabil.subscriptions.counts import counts_of
from stabil.web.deps import SessionDep
from stabil.web.idempotency import IdempotencyKey, once
from stabil.web.openapi import CONFLICT, TRANSITION_CONFLICT
from stabil.web.params import Limit, Offset, RowId

router = APIRouter(tags=["operational messages"])
AdminUser = Annotated[User, Depends(require_roles(Role.admin))]


@router.post("/messages", status_code=201, summary="Post an operational message")
def create(
    body: MessageIn,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> MessageOut:
    def act() -> MessageOut:
        new = NewMessage(
            **body.model_dump(exclude={"affected", "incidents"}),
            affected=body.affected,
            incidents=body.incidents,
        )
        return message_out(post_message(session, user, new), user)

    return once(
        session,
        user,
        idempotency_key,
        namespace="status",
        route="POST /messages",
        body=body,
        response=response,
        model=MessageOut,
        act=act,
    )


@router.get("/messages", summary="List operational messages, newest first")
def index(
    user: CurrentUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    state: MessageState | None = None,
    type: MessageType | None = None,
    incident: Annotated[Text | None, Query(max_length=64)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> MessagePage:
    filters = MessageFilter(service, state, type, incident)
    items, total = list_messages(session, user, filters, limit=limit, offset=offset)
    return MessagePage(
        items=[message_out(item, user) for item in items], total=total, limit=limit, offset=offset
    )


@router.get("/messages/{message_id}", summary="One operational message with its timeline")
def show(message_id: RowId, user: CurrentUser, session: SessionDep) -> MessageOut:
    return message_out(get_message(session, message_id), user)


@router.post(
    "/messages/{message_id}/updates",
    summary="Post an update to an open message",
    responses=TRANSITION_CONFLICT,
)
def post_update(
    message_id: RowId,
    body: MessageUpdateIn,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> MessageOut:
    def act() -> MessageOut:
        message = get_message(session, message_id, for_update=True)
        changes: dict[str, Any] = body.model_dump(
            exclude_unset=True, exclude={"body", "body_en", "incidents"}
        )
        update = MessageUpdate(body.body, body.body_en, changes, body.incidents)
        update_message(session, user, message, update)
        return message_out(message, user)

    return once(
        session,
        user,
        idempotency_key,
        namespace="status",
        route=f"POST /messages/{message_id}/updates",
        body=body,
        response=response,
        model=MessageOut,
        act=act,
    )


@router.post(
    "/messages/{message_id}/resolve",
    summary="Announce that the situation is over",
    responses=TRANSITION_CONFLICT,
)
def resolve(
    message_id: RowId, user: CurrentUser, session: SessionDep, body: ResolveIn | None = None
) -> MessageOut:
    message = get_message(session, message_id, for_update=True)
    text = body or ResolveIn()
    resolve_message(session, user, message, body=text.body, body_en=text.body_en)
    return message_out(message, user)


@router.post(
    "/messages/{message_id}/close",
    summary="Archive a resolved message",
    responses=TRANSITION_CONFLICT,
)
def close(message_id: RowId, user: CurrentUser, session: SessionDep) -> MessageOut:
    message = get_message(session, message_id, for_update=True)
    close_message(session, user, message)
    return message_out(message, user)


@router.get("/messages/{message_id}/events", summary="The message's history, oldest first")
def events(message_id: RowId, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    rows = events_of(session, get_message(session, message_id))
    shown = keys_shown_in(session, user, rows)
    return [event_out(row, user, incidents_shown=shown) for row in rows]


@router.get("/subscribers", summary="Subscribers to operational messages (admins only)")
def subscriber_index(
    _admin: AdminUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
) -> list[SubscriberOut]:
    return [subscriber_out(item) for item in subscriptions.list_subscribers(session, service)]


@router.get(
    "/services/{key}/subscribers/counts",
    summary="How many subscribe, per part and per message type (admins only)",
)
def subscriber_counts(key: str, _admin: AdminUser, session: SessionDep) -> SubscriberCountsOut:
    """Counts only: the addresses are personal data, listed to admins by `GET /subscribers`."""
    return counts_out(counts_of(session, key, now_utc()))


@router.post(
    "/subscribers",
    status_code=201,
    summary="Subscribe an address (admins only)",
    responses=CONFLICT,
)
def subscriber_create(body: SubscriberIn, admin: AdminUser, session: SessionDep) -> SubscriberOut:
    subscriber = subscriptions.add_subscriber(session, body.service, body.email, actor=admin)
    return subscriber_out(subscriber)


@router.delete("/subscribers/{subscriber_id}", status_code=204, summary="Remove a subscriber")
def subscriber_delete(subscriber_id: RowId, _admin: AdminUser, session: SessionDep) -> Response:
    subscriptions.remove_subscriber(session, subscriber_id)
    return Response(status_code=204)


@router.get("/webhooks", summary="Webhook registrations (admins only)")
def webhook_index(
    _admin: AdminUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
) -> list[WebhookOut]:
    return [webhook_out(item) for item in subscriptions.list_webhooks(session, service)]


@router.post("/webhooks", status_code=201, summary="Register a webhook (admins only)")
def webhook_create(body: WebhookIn, admin: AdminUser, session: SessionDep) -> WebhookCreated:
    hook, secret = subscriptions.add_webhook(
        session, body.service, body.url, events=body.events, secret=body.secret, actor=admin
    )
    return WebhookCreated(**webhook_out(hook).model_dump(), secret=secret)


@router.delete("/webhooks/{webhook_id}", status_code=204, summary="Remove a webhook")
def webhook_delete(webhook_id: RowId, _admin: AdminUser, session: SessionDep) -> Response:
    subscriptions.remove_webhook(session, webhook_id)
    return Response(status_code=204)
