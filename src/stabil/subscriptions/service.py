"""Subscribers and webhook registrations: who, besides the declaration's contacts, is told.

Admins manage both (through the API or `stabil subscriber` and `stabil webhook`); the functions
take a session and never commit. Removing a subscriber deletes the address: nothing personal is
kept once someone stops listening.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.accounts.validation import AccountInvalid, normalise_email
from stabil.catalog.service import service_named
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.errors import Conflict, Invalid, NotFound
from stabil.subscriptions.models import Subscriber, WebhookRegistration


class WebhookEvent(StrEnum):
    """What a webhook may be told of: the steps of an operational message."""

    posted = "message.posted"
    updated = "message.updated"
    resolved = "message.resolved"
    closed = "message.closed"


SECRET_PREFIX = "whsec_"
SECRET_MIN, SECRET_MAX = 16, 200


def check_email(raw: str) -> str:
    """The address as stored: checked and lower-cased."""
    try:
        return normalise_email(raw)
    except AccountInvalid as error:
        # The accounts' message is the address, these words, then the validator's reason in
        # English; as values, a page can say the rest in its own language.
        address, _, reason = str(error).partition(NOT_AN_EMAIL)
        raise Invalid(
            "email",
            "{address} is not a valid email address: {reason}",
            address=address,
            reason=reason,
        ) from None


NOT_AN_EMAIL = " is not a valid email address: "


def add_subscriber(
    session: Session,
    service_key: str,
    email: str,
    *,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Subscriber:
    """Subscribe `email` to the service's messages; added by an admin, so already confirmed."""
    now = now or now_utc()
    service = service_named(session, service_key)
    address = check_email(email)
    subscriber = Subscriber(
        service_id=service.id,
        email=address,
        confirmed=True,
        confirm_token=None,
        unsubscribe_token=secrets.token_urlsafe(32),
        created_at=now,
        confirmed_at=now,
        created_by_id=actor.id if actor else None,
    )
    subscriber.service = service
    try:
        # A savepoint: a concurrent duplicate fails here alone, not the caller's transaction.
        with session.begin_nested():
            session.add(subscriber)
    except IntegrityError:
        raise Conflict(
            "{address} subscribes to {service} already", address=address, service=service.key
        ) from None
    return subscriber


def list_subscribers(session: Session, service_key: str | None = None) -> list[Subscriber]:
    statement = select(Subscriber).options(selectinload(Subscriber.service))
    if service_key is not None:
        statement = statement.where(Subscriber.service_id == service_named(session, service_key).id)
    return list(session.scalars(statement.order_by(Subscriber.service_id, Subscriber.email)))


def remove_subscriber(session: Session, subscriber_id: int) -> Subscriber:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound("no subscriber has id {id}", id=subscriber_id)
    session.delete(subscriber)
    return subscriber


def check_webhook_url(url: str) -> str:
    """An absolute http(s) address with a host, or a 422 that says what is wrong with it."""
    url = url.strip()
    if any(character.isspace() for character in url):
        raise Invalid("url", "contains white space (encode it, e.g. as %20)")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _port = parts.port  # a port that is not a number raises here
    except ValueError as error:
        raise Invalid("url", "is not a valid address: {reason}", reason=str(error)) from None
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme:
            raise Invalid(
                "url",
                "must be an http:// or https:// address, not no scheme (e.g. https://host/path)",
            )
        raise Invalid(
            "url",
            "must be an http:// or https:// address, not {scheme}: (e.g. https://host/path)",
            scheme=parts.scheme,
        )
    if not host:
        raise Invalid("url", "has no host (e.g. https://hooks.example.org/stabil)")
    return url


def check_secret(secret: str) -> None:
    if not SECRET_MIN <= len(secret) <= SECRET_MAX or "\x00" in secret:
        raise Invalid(
            "secret",
            "give {low} to {high} characters, or none to have one made",
            low=SECRET_MIN,
            high=SECRET_MAX,
        )


def add_webhook(
    session: Session,
    service_key: str,
    url: str,
    *,
    events: Sequence[WebhookEvent] | None = None,
    secret: str | None = None,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> tuple[WebhookRegistration, str]:
    """Register `url` for the service's `events` (default all); the secret is returned once."""
    service = service_named(session, service_key)
    chosen = list(dict.fromkeys(events)) if events else list(WebhookEvent)
    if secret is not None:
        check_secret(secret)
    secret = secret or SECRET_PREFIX + secrets.token_urlsafe(32)
    hook = WebhookRegistration(
        service_id=service.id,
        url=check_webhook_url(url),
        secret=secret,
        events=[event.value for event in chosen],
        created_at=now or now_utc(),
        created_by_id=actor.id if actor else None,
    )
    hook.service = service
    session.add(hook)
    session.flush()
    return hook, secret


def list_webhooks(session: Session, service_key: str | None = None) -> list[WebhookRegistration]:
    statement = select(WebhookRegistration).options(selectinload(WebhookRegistration.service))
    if service_key is not None:
        service = service_named(session, service_key)
        statement = statement.where(WebhookRegistration.service_id == service.id)
    return list(session.scalars(statement.order_by(WebhookRegistration.id)))


def remove_webhook(session: Session, hook_id: int) -> WebhookRegistration:
    hook = session.get(WebhookRegistration, hook_id)
    if hook is None:
        raise NotFound("no webhook has id {id}", id=hook_id)
    session.delete(hook)
    return hook


@dataclass(frozen=True, slots=True)
class Listener:
    """A confirmed subscriber as a notification needs it: whom, which link, what it chose."""

    email: str
    secret: str
    parts: list[str]  # [] = all
    types: list[str]  # [] = all

    def hears_of(self, types: Iterable[str], parts: Iterable[str]) -> bool:
        """Whether it chose one of `types` and a part of `parts` ([] = the whole service)."""
        wanted_parts, named = set(self.parts), set(parts)
        if wanted_parts and named and not wanted_parts & named:
            return False
        return not self.types or bool(set(self.types) & set(types))


def listeners(session: Session, service_id: int) -> list[Listener]:
    """The confirmed subscribers of a service by address, read as plain values in one
    statement: a message to 10,000 of them loads no 10,000 objects."""
    rows = session.execute(
        select(Subscriber.email, Subscriber.unsubscribe_token, Subscriber.parts, Subscriber.types)
        .where(Subscriber.service_id == service_id, Subscriber.confirmed)
        .order_by(Subscriber.email)
    )
    return [
        Listener(email, secret, list(parts), list(types)) for email, secret, parts, types in rows
    ]


def active_subscribers(session: Session, service_id: int) -> list[Subscriber]:
    return list(
        session.scalars(
            select(Subscriber)
            .where(Subscriber.service_id == service_id, Subscriber.confirmed)
            .order_by(Subscriber.email)
        )
    )


def contact_emails(
    session: Session, declaration: Declaration, keys: Iterable[str], service_id: int
) -> list[str]:
    """The addresses of the declaration's contacts `keys`: each one's mailbox, and the
    service's subscribers for a contact that stands for them (`subscribers: true`), in
    order, lower-cased, each once."""
    found: list[str] = []
    for key in keys:
        contact = declaration.contact(key)
        if contact.mailbox:
            found.append(str(contact.mailbox))
        if contact.subscribers:
            found += subscriber_emails(session, service_id)
    return list(dict.fromkeys(address.lower() for address in found))


def subscriber_emails(session: Session, service_id: int) -> list[str]:
    """The confirmed subscribers' addresses of a service, lower-cased, sorted."""
    return [item.email for item in active_subscribers(session, service_id)]
