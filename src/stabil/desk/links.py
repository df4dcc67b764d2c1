"""Incident keys that other records list (problems, messages, their events), and which of
them a reader may see: a key the reader may not see is left out, as if it were not there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.desk.access import SEE_ALL, visible
from stabil.desk.models import Incident

# Facts of an event that list incident keys.
INCIDENT_LISTS = ("incidents", "incidents_linked")


def visible_keys(session: Session, reader: User, keys: Iterable[str]) -> set[str]:
    """Which of these incident keys the reader may see."""
    wanted = set(keys)
    if not wanted or reader.role in SEE_ALL:
        return wanted
    found = session.scalars(select(Incident.key).where(Incident.key.in_(wanted), visible(reader)))
    return set(found)


def keys_shown_in(session: Session, reader: User, facts: Iterable[dict[str, Any]]) -> set[str]:
    """The incident keys the facts list that the reader may see, asked in one query."""
    listed = {
        key
        for item in facts
        for name in INCIDENT_LISTS
        if isinstance(item.get(name), list)
        for key in item[name]
    }
    return visible_keys(session, reader, listed)


def without_hidden_incidents(facts: dict[str, Any], shown: set[str]) -> dict[str, Any]:
    """The facts, with the lists of incident keys cut to those in `shown`."""
    return {
        name: [key for key in value if key in shown]
        if name in INCIDENT_LISTS and isinstance(value, list)
        else value
        for name, value in facts.items()
    }
