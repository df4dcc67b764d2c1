"""Who is told of a message, and what they get: e-mails and webhooks, written to the outbox.

Recipients come from the declaration in force: the contacts its `communication` section names
for the message's type (a contact's functional mailbox; for a contact with `subscribers: true`,
the confirmed subscribers of the service who chose the type and a part the message is about,
R10.2), then every webhook of the service that asked for the event. Each notification's dedupe
key names the message, the event and the recipient, so work that is repeated never notifies
anyone twice. The mails are written in a few statements however many subscribers there are;
a subscriber's carries its manage link and a one-click unsubscribe (RFC 8058).
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
from stabil.outbox.service import Email, enqueue_emails, enqueue_webhook
from stabil.status.models import Message, MessageEntry
from stabil.status.parts import parts_named
from stabil.status.present import message_out
from stabil.status.states import EntryKind
from stabil.subscriptions.mails import manage_url, unsubscribe_url
from stabil.subscriptions.models import WebhookRegistration
from stabil.subscriptions.service import Listener, WebhookEvent, listeners


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
        parts = parts_named(declaration, message.affected)
        found = recipients(session, declaration, message.service_id, types, parts)
        subject, sections = (
            _subject(message, declaration, entry),
            _sections(message, declaration, entry),
        )
        enqueue_emails(
            session,
            [
                Email(
                    recipient=recipient.address,
                    subject=subject,
                    body=_body(sections, declaration, recipient),
                    subject_kind="message",
                    subject_key=subject_key,
                    dedupe_key=f"message:{message.id}:{seq}:email:{recipient.address}",
                    extra=_mail_extra(recipient),
                )
                for recipient in found
            ],
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
    session: Session,
    declaration: Declaration,
    service_id: int,
    types: Iterable[str],
    parts: Iterable[str] = (),
) -> list[Recipient]:
    """The e-mail recipients of a message of `types` about `parts` (none: the whole service),
    each address once, in declaration order."""
    types, parts = list(types), list(parts)
    communication = declaration.communication
    rules = {rule.type.value: rule for rule in communication.message_types} if communication else {}
    keys = dict.fromkeys(key for type_ in types if type_ in rules for key in rules[type_].notify)
    found: dict[str, Recipient] = {}
    subscribers: list[Listener] | None = None
    for key in keys:
        contact = declaration.contact(key)
        if contact.mailbox:
            found.setdefault(contact.mailbox.lower(), Recipient(contact.mailbox.lower(), contact))
        if contact.subscribers:
            if subscribers is None:
                every = listeners(session, service_id)
                subscribers = [item for item in every if item.hears_of(types, parts)]
            for item in subscribers:
                found.setdefault(item.email, Recipient(item.email, contact, item.secret))
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


def _mail_extra(recipient: Recipient) -> dict[str, str]:
    """For a subscriber, the links the delivery puts in the List-Unsubscribe headers."""
    if recipient.unsubscribe_token is None:
        return {}
    url = unsubscribe_url(recipient.unsubscribe_token)
    return {
        "unsubscribe_url": url,
        "list_unsubscribe": url,
        "manage_url": manage_url(recipient.unsubscribe_token),
    }


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
    sections = _sections(message, declaration, entry)
    return _subject(message, declaration, entry), _body(sections, declaration, recipient)


def _subject(message: Message, declaration: Declaration, entry: MessageEntry) -> str:
    suffix = SUBJECT_SUFFIX[EntryKind(entry.kind)]
    return f"[{declaration.metadata.name.da}] Driftsstatus: {message.title}{suffix}"


def _sections(message: Message, declaration: Declaration, entry: MessageEntry) -> list[str]:
    """What every recipient reads alike: written once, however many there are."""
    zone = declaration.time.zone
    sections = [_section(message, declaration, entry, "da", zone)]
    if entry.body_en:
        english = _section(message, declaration, entry, "en", zone)
        sections.append("--- English ---\n\n" + english)
    return sections


def _body(sections: list[str], declaration: Declaration, recipient: Recipient) -> str:
    return "\n\n".join([*sections, "-- \n" + _footer(declaration, recipient)]) + "\n"


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
        manage = manage_url(recipient.unsubscribe_token)
        # Each address stands on a line of its own: a mail program links it whole.
        return (
            f"Du modtager denne mail, fordi {recipient.address} abonnerer på driftsstatus for "
            f"{service_da}.\nVælg, hvilke meddelelser du får: {manage}\nAfmeld: {url}\n\n"
            f"You receive this e-mail because {recipient.address} subscribes to the operational "
            f"status of {service_en}.\nChoose which messages you get: {manage}\n"
            f"Unsubscribe: {url}"
        )
    contact = recipient.contact
    return (
        f'Du modtager denne mail som kontakten "{contact.name.da}" i servicedeklarationen for '
        f"{service_da}. Ændr modtagerne i servicedeklarationen for at stoppe dem.\n"
        f'You receive this e-mail as the contact "{contact.name.get("en")}" of the service '
        f"declaration of {service_en}. Change the recipients in the declaration to stop them."
    )
