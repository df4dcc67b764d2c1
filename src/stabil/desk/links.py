"""Incident keys that other records name and list (problems, messages, their events), and which
of them a reader may see: a key the reader may not see is treated as if it were not there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL
from stabil.catalog.models import Service
from stabil.desk.access import can_see
from stabil.desk.models import Incident
from stabil.errors import Invalid
from stabil.records.models import Event
from stabil.records.present import incident_keys_in


def incidents_named(
    session: Session, actor: User, service: Service, keys: Sequence[str]
) -> list[Incident]:
    """The incidents named, each once, for a record of `service` to link to.

    A key the actor cannot see counts as unknown; an incident of another service is refused.
    """
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    rows = session.scalars(select(Incident).where(Incident.key.in_(wanted)))
    found = {item.key: item for item in rows if can_see(actor, item)}
    unknown = [key for key in wanted if key not in found]
    if unknown:
        raise Invalid("incidents", "no incident is named {keys}", keys=", ".join(unknown))
    elsewhere = [key for key in wanted if found[key].service_id != service.id]
    if elsewhere:
        raise Invalid(
            "incidents",
            "{keys} belong to another service than {service}",
            keys=", ".join(elsewhere),
            service=service.key,
        )
    return [found[key] for key in wanted]


def visible_keys(session: Session, reader: User, keys: Iterable[str]) -> set[str]:
    """Which of these incident keys the reader may see.

    Each key is found by its unique index and checked by the one scope rule, as in
    `incidents_named`: with the scope's filter in the query too, SQLite's planner walks the
    index of the party or the reporter instead, tens of thousands of rows for a few keys.
    """
    wanted = set(keys)
    if not wanted or reader.role in SEE_ALL:
        return wanted
    found = session.scalars(select(Incident).where(Incident.key.in_(wanted)))
    return {item.key for item in found if can_see(reader, item)}


def keys_shown_in(session: Session, reader: User, events: Iterable[Event]) -> set[str]:
    """The incident keys the events list that the reader may see, asked in one query."""
    facts = [part for event in events for part in (event.before, event.after)]
    return visible_keys(session, reader, incident_keys_in(facts))
