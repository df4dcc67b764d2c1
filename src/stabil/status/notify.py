"""Who is told of a message, and what they get: e-mails and webhooks, written to the outbox.

Recipients come from the declaration in force: the contacts its `communication` section names
for the message's type (a contact's functional mailbox; for a contact with `subscribers: true`,
the confirmed subscribers of the service), then every webhook of the service that asked for the
event. Each notification's dedupe key names the message, the event and the recipient, so work
that is repeated never notifies anyone twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.declaration import Declaration
from stabil.declaration.communication import Contact
from stabil.outbox.links import app_url
from stabil.outbox.service import enqueue_email, enqueue_webhook
from stabil.status.models import Message, MessageEntry
from stabil.status.present import message_out
from stabil.status.states import EntryKind
from stabil.subscriptions.models import Subscriber, WebhookRegistration
from stabil.subscriptions.service import WebhookEvent, active_subscribers


@dataclass(frozen=True, slots=True)
class Recipient:
    """An address to e-mail, the contact of the declaration it is there for, and for a
    subscriber the token that ends the subscription."""

    address: str
    contact: Contact
    unsubscribe_token: str | None = None


def notify_message(
    session: Session,
    message: Message,
    declaration: Declaration,
    *,
    event: WebhookEvent,
    seq: int,
    entry: MessageEntry | None,
    types: Iterable[str],
    now: dt.datetime,
) -> None:
    """Queue the notifications of event `seq` of `message`: e-mails for an entry, webhooks."""
    subject_key = str(message.id)
    if entry is not None:
        for recipient in recipients(session, declaration, message.service_id, types):
            subject, body = compose_email(message, declaration, entry, recipient)
            enqueue_email(
                session,
                recipient=recipient.address,
                subject=subject,
                body=body,
                subject_kind="message",
                subject_key=subject_key,
                dedupe_key=f"message:{message.id}:{seq}:email:{recipient.address}",
                extra=_mail_extra(recipient),
            )
    hooks = webhooks_for(session, message.service_id, event)
    if not hooks:
        return
    payload = {"event": event.value, "message": message_out(message, None).model_dump(mode="json")}
    for hook in hooks:
        enqueue_webhook(
            session,
            url=hook.url,
            secret=hook.secret,
            event=event.value,
            payload=payload,
            subject_kind="message",
            subject_key=subject_key,
            dedupe_key=f"message:{message.id}:{seq}:webhook:{hook.id}",
        )


def recipients(
    session: Session, declaration: Declaration, service_id: int, types: Iterable[str]
) -> list[Recipient]:
    """The e-mail recipients of messages of `types`, each address once, in declaration order."""
    communication = declaration.communication
    rules = {rule.type.value: rule for rule in communication.message_types} if communication else {}
    keys = dict.fromkeys(key for type_ in types if type_ in rules for key in rules[type_].notify)
    found: dict[str, Recipient] = {}
    subscribers: list[Subscriber] | None = None
    for key in keys:
        contact = declaration.contact(key)
        if contact.mailbox:
            found.setdefault(contact.mailbox.lower(), Recipient(contact.mailbox.lower(), contact))
        if contact.subscribers:
            if subscribers is None:
                subscribers = active_subscribers(session, service_id)
            for item in subscribers:
                found.setdefault(item.email, Recipient(item.email, contact, item.unsubscribe_token))
    return list(found.values())


def webhooks_for(
    session: Session, service_id: int, event: WebhookEvent
) -> list[WebhookRegistration]:
    hooks = session.scalars(
        select(WebhookRegistration)
        .where(WebhookRegistration.service_id == service_id)
        .order_by(WebhookRegistration.id)
    )
    # Filtered here: JSON containment is spelled differently on every database.
    return [hook for hook in hooks if event.value in hook.events]


def unsubscribe_url(token: str) -> str:
    return app_url(f"/status/unsubscribe/{token}")


def _mail_extra(recipient: Recipient) -> dict[str, str]:
    if recipient.unsubscribe_token is None:
        return {}
    return {"unsubscribe_url": unsubscribe_url(recipient.unsubscribe_token)}


SUBJECT_SUFFIX = {
    EntryKind.posted: "",
    EntryKind.updated: " (opdateret)",
    EntryKind.resolved: " (løst)",
}
WHEN = {
    EntryKind.posted: ("Offentliggjort", "Posted"),
    EntryKind.updated: ("Opdateret", "Updated"),
    EntryKind.resolved: ("Løst", "Resolved"),
}


def compose_email(
    message: Message, declaration: Declaration, entry: MessageEntry, recipient: Recipient
) -> tuple[str, str]:
    """Subject and plain-text body: Danish, then English when the entry has English text."""
    kind = EntryKind(entry.kind)
    service_da = declaration.metadata.name.da
    subject = f"[{service_da}] Driftsstatus: {message.title}{SUBJECT_SUFFIX[kind]}"
    zone = declaration.time.zone
    danish = _section(message, declaration, entry, "da", zone)
    parts = [danish]
    if entry.body_en:
        parts.append("--- English ---\n\n" + _section(message, declaration, entry, "en", zone))
    parts.append("-- \n" + _footer(declaration, recipient))
    return subject, "\n\n".join(parts) + "\n"


# No linked incident keys: a subscriber may be anyone, and may not see those incidents.
LABELS = {
    "da": ("Berørte dele", "Berørte brugere", "Årsag", "Forventet horisont"),
    "en": ("Affected parts", "Users affected", "Cause", "Expected horizon"),
}


def _section(
    message: Message, declaration: Declaration, entry: MessageEntry, language: str, zone: ZoneInfo
) -> str:
    english = language == "en"
    title = (message.title_en or message.title) if english else message.title
    type_name = _type_name(declaration, entry.type, language)
    when = WHEN[EntryKind(entry.kind)][1 if english else 0]
    body = (entry.body_en or entry.body) if english else entry.body
    parts_label, users_label, cause_label, horizon_label = LABELS[language]
    horizon = [message.horizon or ""]
    if message.horizon_at is not None:
        horizon.append(_local(message.horizon_at, zone, language))
    facts = [
        (parts_label, ", ".join(message.affected)),
        (users_label, message.affected_users or ""),
        (cause_label, message.cause or ""),
        (horizon_label, ", ".join(item for item in horizon if item)),
    ]
    lines = [title, f"{type_name} · {when} {_local(entry.at, zone, language)}", "", body, ""]
    lines += [f"{label}: {value}" for label, value in facts if value]
    return "\n".join(lines).rstrip()


def _type_name(declaration: Declaration, type_: str, language: str) -> str:
    communication = declaration.communication
    for rule in communication.message_types if communication else []:
        if rule.type.value == type_:
            return rule.name.get(language)
    return type_


def _local(instant: dt.datetime, zone: ZoneInfo, language: str) -> str:
    # Readers act on local wall time; the zone's rules give the right offset on DST days.
    local = instant.astimezone(zone)
    if language == "da":
        return f"{local:%d.%m.%Y} kl. {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M} ({zone.key})"


def _footer(declaration: Declaration, recipient: Recipient) -> str:
    service_da = declaration.metadata.name.da
    service_en = declaration.metadata.name.get("en")
    if recipient.unsubscribe_token is not None:
        url = unsubscribe_url(recipient.unsubscribe_token)
        return (
            f"Du modtager denne mail, fordi {recipient.address} abonnerer på driftsstatus for "
            f"{service_da}. Afmeld: {url}\n"
            f"You receive this e-mail because {recipient.address} subscribes to the operational "
            f"status of {service_en}. Unsubscribe: {url}"
        )
    contact = recipient.contact
    return (
        f'Du modtager denne mail som kontakten "{contact.name.da}" i servicedeklarationen for '
        f"{service_da}. Ændr modtagerne i servicedeklarationen for at stoppe dem.\n"
        f'You receive this e-mail as the contact "{contact.name.get("en")}" of the service '
        f"declaration of {service_en}. Change the recipients in the declaration to stop them."
    )
