"""Whose e-mail address a reader may see; everyone else sees a neutral label instead.

The agency's desk (admins, operators) and its readers (viewers) see every address: they work
with all parties. A supplier or an authority sees the addresses of its own organisation's
people only. Suppliers are outside organisations too: they reach the desk through the
declaration's functional contacts, so they need no staff member's personal address, and
personal data goes to nobody who does not need it.
"""

from __future__ import annotations

from typing import Any

from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL

# Facts of an event that list the addresses notified.
ADDRESS_LISTS = ("notified", "sent_to")


def sees_addresses(reader: User) -> bool:
    """Whether the reader may see every person's and mailbox's address."""
    return reader.role in SEE_ALL


def person_label(person: User | None, reader: User) -> str | None:
    """The person's address if the reader may see it, else the organisation's name or role."""
    if person is None:
        return None
    own = reader.id == person.id or reader.belongs_to(person.organisation_id)
    if own or sees_addresses(reader):
        return person.email
    if person.organisation is not None:
        return person.organisation.name
    return person.role.value


def without_addresses(facts: dict[str, Any], reader: User) -> dict[str, Any]:
    """The facts, with each list of addresses told as how many, unless the reader may see them."""
    if sees_addresses(reader) or not any(name in facts for name in ADDRESS_LISTS):
        return facts
    return {
        name: len(value) if name in ADDRESS_LISTS and isinstance(value, list) else value
        for name, value in facts.items()
    }
