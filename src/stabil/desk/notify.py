"""Who hears about an incident, and what they read: Danish first, English below."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.declaration import Declaration
from stabil.declaration.operations import WORKING_PARTY
from stabil.desk.models import Incident
from stabil.outbox.links import finding_lines
from stabil.outbox.service import Email
from stabil.subscriptions.service import subscriber_emails

STATE_DA = {
    "registered": "registreret",
    "handed_over": "overdraget",
    "resolved": "løst",
    "closed": "lukket",
    "cancelled": "annulleret",
}
TIMER_DA = {"reaction": "reaktionstid", "resolution": "løsningstid"}


def recipients(
    session: Session,
    declaration: Declaration,
    keys: Iterable[str],
    incident: Incident,
    *,
    subscribers: bool = False,
) -> list[str]:
    """E-mail addresses for contact keys, in order, each once.

    `working_party` is the active users of the organisation the incident is handed to (none
    before hand-over); a contact with `subscribers: true` is the service's subscribers, which
    only notices meant for the authorities (`subscribers=True`) reach.
    """
    found: list[str] = []
    for key in keys:
        if key == WORKING_PARTY:
            found += _party_addresses(session, incident)
            continue
        contact = declaration.contact(key)
        if contact.mailbox:
            found.append(str(contact.mailbox))
        if contact.subscribers and subscribers:
            found += _subscriber_addresses(session, incident.service_id)
    return list(dict.fromkeys(address.lower() for address in found))


def _party_addresses(session: Session, incident: Incident) -> list[str]:
    if incident.party_id is None:
        return []
    return list(
        session.scalars(
            select(User.email)
            .where(User.organisation_id == incident.party_id, User.active)
            .order_by(User.email)
        )
    )


def _subscriber_addresses(session: Session, service_id: int) -> list[str]:
    return subscriber_emails(session, service_id)


def local_text(instant: dt.datetime, declaration: Declaration) -> str:
    """`14.04.2026 kl. 10:15` in the declaration's time zone, as Danish texts write it."""
    return instant.astimezone(declaration.time.zone).strftime("%d.%m.%Y kl. %H:%M")


def minutes_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} t {minutes % 60:02d} min"


def finding_incident(incident: Incident) -> tuple[str, str]:
    """Where the reader finds the incident, in Danish and in English."""
    return finding_lines(incident.key, f"/api/v1/incidents/{incident.key}")


def incident_lines(incident: Incident, declaration: Declaration) -> tuple[list[str], list[str]]:
    """The facts every notice about an incident starts with, in Danish and in English."""
    priority = declaration.priority(incident.priority)
    major = incident.priority in declaration.major_priorities()
    party = incident.party.key if incident.party else "-"
    danish = [
        f"Hændelse {incident.key}: {incident.title}",
        f"Prioritet: {priority.level} {priority.name.da}" + (" (major incident)" if major else ""),
        f"Status: {STATE_DA.get(incident.state, incident.state)}; hos: {party}",
        f"Registreret: {local_text(incident.registered_at, declaration)}",
    ]
    english = [
        f"Incident {incident.key}: {incident.title}",
        f"Priority: {priority.level} {priority.name.get('en')}" + (" (major)" if major else ""),
        f"State: {incident.state}; with: {party}",
        f"Registered: {incident.registered_at.astimezone(declaration.time.zone).isoformat()}",
    ]
    return danish, english


def compose(danish: list[str], english: list[str], incident: Incident) -> str:
    """A notice's body: the Danish text, then the English, each saying where to find it."""
    finding_da, finding_en = finding_incident(incident)
    return "\n".join([*danish, "", finding_da, "", "-- English --", *english, "", finding_en, ""])


def incident_mails(
    incident: Incident,
    addresses: Iterable[str],
    subject: str,
    body: str,
    *,
    dedupe: str,
    deliver_after: dt.datetime | None = None,
) -> list[Email]:
    """The same notice about `incident` to each address; `dedupe` plus the address is the
    key under which each is queued once, however often the caller runs."""
    return [
        Email(
            recipient=address,
            subject=subject,
            body=body,
            subject_kind="incident",
            subject_key=incident.key,
            deliver_after=deliver_after,
            dedupe_key=f"{dedupe}:{address}",
        )
        for address in addresses
    ]
