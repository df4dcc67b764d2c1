"""Posting, updating, resolving and finding operational messages (R10.3, R14.1).

Functions take a session and never commit. Each change appends an immutable event; each text
told to the users (the posting, an update, the resolution) is also an entry of the message's
timeline, and puts its notifications in the outbox in the same transaction. Every change asks
for the service's public site to be published again (R10.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.catalog.publishing import request_publish
from stabil.catalog.service import declaration_of, version_named
from stabil.db.queries import count_and_page, one_by_id
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.declaration.communication import MessageType
from stabil.desk.access import visible
from stabil.desk.links import incidents_named
from stabil.desk.messages import note_status_message
from stabil.desk.models import Incident
from stabil.errors import Invalid, Names, NotFound
from stabil.records.history import append_event
from stabil.status.access import check_can_write, check_step
from stabil.status.models import Message, MessageEntry, MessageIncident
from stabil.status.notify import notify_message
from stabil.status.states import EntryKind, MessageAction, MessageState
from stabil.subscriptions.service import WebhookEvent

RESOLVED_TEXT = ("Løst.", "Resolved.")

# Facts of a message an update may change; the first three can never be empty.
FACTS = (
    "type",
    "affected",
    "title",
    "title_en",
    "affected_users",
    "cause",
    "horizon",
    "horizon_at",
)
REQUIRED_FACTS = frozenset({"type", "affected", "title"})


@dataclass(frozen=True, slots=True)
class NewMessage:
    service: str
    type: MessageType
    affected: Sequence[str]
    title: str
    body: str
    title_en: str | None = None
    body_en: str | None = None
    affected_users: str | None = None
    cause: str | None = None
    horizon: str | None = None
    horizon_at: dt.datetime | None = None
    incidents: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class MessageUpdate:
    """New text for the timeline, with the facts that change (a key set to None clears it)."""

    body: str
    body_en: str | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    incidents: Sequence[str] = ()


def post_message(
    session: Session, actor: User, new: NewMessage, now: dt.datetime | None = None
) -> Message:
    """Publish a message under the declaration in force, and notify its recipients."""
    check_can_write(actor)
    now = now or now_utc()
    declaration, service = _declaration(session, new.service, now)
    _check_type(declaration, new.type)
    incidents = incidents_named(session, actor, service, new.incidents)
    message = Message(
        service_id=service.id,
        type=new.type.value,
        state=MessageState.open.value,
        title=new.title,
        title_en=new.title_en,
        body=new.body,
        body_en=new.body_en,
        affected=_parts(new.affected),
        affected_users=new.affected_users,
        cause=new.cause,
        horizon=new.horizon,
        horizon_at=new.horizon_at,
        posted_at=now,
        posted_by_id=actor.id,
        revision=0,
        updated_at=now,
    )
    message.service = service
    message.links = [MessageIncident(incident=item, linked_at=now) for item in incidents]
    session.add(message)
    session.flush()  # the id names the message in events, notifications and dedupe keys
    entry = _add_entry(message, EntryKind.posted, now, new.body, new.body_en, actor)
    _tell_incidents(session, message, incidents, [entry], actor, now)
    after = {**snapshot(message), "body": new.body, "body_en": new.body_en}
    seq = append_event(
        session, message, kind="posted", actor=actor, recorded_at=now, after=after
    ).seq
    notify_message(
        session,
        message,
        declaration,
        event=WebhookEvent.posted,
        seq=seq,
        entry=entry,
        types=[message.type],
        now=now,
    )
    request_publish(session, message.service, now)
    return message


def update_message(
    session: Session,
    actor: User | None,
    message: Message,
    update: MessageUpdate,
    now: dt.datetime | None = None,
) -> None:
    """Tell more: a new entry of the timeline, and the facts that changed with it."""
    check_can_write(actor)
    check_step(actor, message, MessageAction.update)
    now = now or now_utc()
    declaration, service = _declaration(session, message.service.key, now)
    # The system (None) links no incidents: it tells only what the declaration schedules.
    named = incidents_named(session, actor, service, update.incidents) if actor else []
    before, after = _apply_changes(message, declaration, update.changes)
    linked = [link.incident for link in message.links]
    added = [item for item in named if item not in linked]
    message.links.extend(MessageIncident(incident=item, linked_at=now) for item in added)
    if added:
        after["incidents_linked"] = [item.key for item in added]
    entry = _add_entry(message, EntryKind.updated, now, update.body, update.body_en, actor)
    _tell_incidents(session, message, linked, [entry], actor, now)
    # Linked now: the message's earlier entries were about the incident too.
    _tell_incidents(session, message, added, message.entries, actor, now)
    after.update(entry=entry.seq, body=update.body, body_en=update.body_en)
    seq = append_event(
        session, message, kind="updated", actor=actor, recorded_at=now, before=before, after=after
    ).seq
    notify_message(
        session,
        message,
        declaration,
        event=WebhookEvent.updated,
        seq=seq,
        entry=entry,
        types=[message.type],
        now=now,
    )
    request_publish(session, message.service, now)


def resolve_message(
    session: Session,
    actor: User | None,
    message: Message,
    *,
    body: str | None = None,
    body_en: str | None = None,
    restored: bool = True,
    now: dt.datetime | None = None,
) -> None:
    """The situation is over (R9.6): told to the recipients of its type and, when the service
    is back (`restored`), of `restored` messages too; a cancelled window's is not."""
    check_can_write(actor)
    target = check_step(actor, message, MessageAction.resolve)
    now = now or now_utc()
    declaration, _service = _declaration(session, message.service.key, now)
    if body is None:
        body, body_en = RESOLVED_TEXT[0], body_en or RESOLVED_TEXT[1]
    before = {"state": message.state}
    message.state = target.value
    message.resolved_at = now
    entry = _add_entry(message, EntryKind.resolved, now, body, body_en, actor)
    linked = [link.incident for link in message.links]
    _tell_incidents(session, message, linked, [entry], actor, now)
    after = {"state": message.state, "entry": entry.seq, "body": body, "body_en": body_en}
    seq = append_event(
        session, message, kind="resolved", actor=actor, recorded_at=now, before=before, after=after
    ).seq
    notify_message(
        session,
        message,
        declaration,
        event=WebhookEvent.resolved,
        seq=seq,
        entry=entry,
        types=[message.type, *([MessageType.restored.value] if restored else [])],
        now=now,
    )
    request_publish(session, message.service, now)


def close_message(
    session: Session, actor: User, message: Message, now: dt.datetime | None = None
) -> None:
    """Archive a resolved message: no e-mail, but webhooks learn it is no longer current."""
    check_can_write(actor)
    target = check_step(actor, message, MessageAction.close)
    now = now or now_utc()
    declaration, _service = _declaration(session, message.service.key, now)
    before = {"state": message.state}
    message.state = target.value
    message.closed_at = now
    after = {"state": message.state}
    seq = append_event(
        session, message, kind="closed", actor=actor, recorded_at=now, before=before, after=after
    ).seq
    notify_message(
        session,
        message,
        declaration,
        event=WebhookEvent.closed,
        seq=seq,
        entry=None,
        types=[],
        now=now,
    )
    request_publish(session, message.service, now)


def snapshot(message: Message) -> dict[str, Any]:
    """The facts of a message as recorded in its `posted` event."""
    return {
        "service": message.service.key,
        "type": message.type,
        "state": message.state,
        "title": message.title,
        "title_en": message.title_en,
        "affected": list(message.affected),
        "affected_users": message.affected_users,
        "cause": message.cause,
        "horizon": message.horizon,
        "horizon_at": _json(message.horizon_at),
        "incidents": sorted(link.incident.key for link in message.links),
    }


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _declaration(session: Session, key: str, now: dt.datetime) -> tuple[Declaration, Service]:
    stored = version_named(session, key, now.date())
    return declaration_of(stored), stored.service


def _check_type(declaration: Declaration, type_: MessageType | str) -> None:
    if declaration.communication is None:
        raise Invalid(
            "service",
            "the declaration of {service} has no status channel (communication), "
            "so it has no operational messages",
            service=declaration.key,
        )
    declared = [item.value for item in declaration.message_types()]
    if MessageType(type_).value not in declared:
        raise Invalid(
            "type",
            "{type} is not a message type of {service} (declared: {declared})",
            type=MessageType(type_).value,
            service=declaration.key,
            declared=Names(declared),
        )


def _parts(parts: Iterable[str]) -> list[str]:
    """The affected parts in the order given, each once."""
    unique = list(dict.fromkeys(part.strip() for part in parts if part.strip()))
    if not unique:
        raise Invalid("affected", "name at least one affected part of the service")
    return unique


def _apply_changes(
    message: Message, declaration: Declaration, changes: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check every change, then make them: a refused update leaves the message as it was."""
    values: dict[str, Any] = {}
    for name, raw in changes.items():
        if name not in FACTS:
            raise Invalid(
                name, "cannot be changed (changeable: {changeable})", changeable=Names(FACTS)
            )
        if raw is None and name in REQUIRED_FACTS:
            raise Invalid(name, "cannot be cleared (give a new value or leave it out)")
        if name == "type":
            _check_type(declaration, raw)
            values[name] = MessageType(raw).value
        elif name == "affected":
            values[name] = _parts(raw)
        else:
            values[name] = raw
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in values.items():
        if getattr(message, name) != value:
            before[name] = _json(getattr(message, name))
            after[name] = _json(value)
            setattr(message, name, value)
    return before, after


def _tell_incidents(
    session: Session,
    message: Message,
    incidents: Sequence[Incident],
    entries: Sequence[MessageEntry],
    actor: User | None,
    now: dt.datetime,
) -> None:
    """Record each entry on each incident's timeline, where the desk reads what was told."""
    for incident in _locked(session, incidents):
        for entry in entries:
            note_status_message(
                session,
                incident,
                message_id=message.id,
                at=entry.at,
                type=entry.type,
                actor=actor,
                now=now,
            )


def _locked(session: Session, incidents: Sequence[Incident]) -> list[Incident]:
    """The incidents, their rows held for update and read afresh: their revisions move on."""
    if not incidents:
        return []
    return list(
        session.scalars(
            select(Incident)
            .where(Incident.id.in_([item.id for item in incidents]))
            .order_by(Incident.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _add_entry(
    message: Message,
    kind: EntryKind,
    at: dt.datetime,
    body: str,
    body_en: str | None,
    actor: User | None,
) -> MessageEntry:
    entry = MessageEntry(
        seq=len(message.entries) + 1,
        kind=kind.value,
        at=at,
        type=message.type,
        body=body,
        body_en=body_en,
        author_id=actor.id if actor is not None else None,
    )
    message.entries.append(entry)
    return entry


def get_message(session: Session, message_id: int, *, for_update: bool = False) -> Message:
    """The message with `message_id`; every user may read messages (they are public)."""
    message = one_by_id(session, Message, message_id, for_update=for_update)
    if message is None:
        raise NotFound("no operational message has id {id}", id=message_id)
    return message


@dataclass(frozen=True, slots=True)
class MessageFilter:
    service: str | None = None
    state: MessageState | None = None
    type: MessageType | None = None
    incident: str | None = None


def list_messages(
    session: Session, reader: User, filters: MessageFilter, *, limit: int, offset: int
) -> tuple[list[Message], int]:
    """A page of messages, newest first, and how many match in all."""
    matching = (
        select(Message)
        .where(and_(true(), *_conditions(filters, reader)))
        .options(*LOAD_FOR_DISPLAY)
        .order_by(Message.posted_at.desc(), Message.id.desc())
    )
    return count_and_page(session, matching, limit=limit, offset=offset)


LOAD_FOR_DISPLAY = (
    selectinload(Message.service),
    selectinload(Message.links).selectinload(MessageIncident.incident),
    selectinload(Message.entries),
)


def _conditions(filters: MessageFilter, reader: User) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.service:
        conditions.append(Message.service.has(Service.key == filters.service))
    if filters.state:
        conditions.append(Message.state == filters.state.value)
    if filters.type:
        conditions.append(Message.type == filters.type.value)
    if filters.incident:
        # Only an incident the reader may see: messages are public, the links are not.
        named = and_(Incident.key == filters.incident, visible(reader))
        conditions.append(Message.links.any(MessageIncident.incident.has(named)))
    return conditions
