"""Whose e-mail address a reader may see; everyone else sees a neutral label instead.

The agency's desk (admins, operators) and its readers (viewers) see every address: they work
with all parties. A supplier or an authority sees the addresses of its own organisation's
people only. Suppliers are outside organisations too: they reach the desk through the
declaration's functional contacts, so they need no staff member's personal address, and
personal data goes to nobody who does not need it.
"""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.accounts.roles import Role

SEES_ADDRESSES = frozenset({Role.admin, Role.operator, Role.viewer})


def sees_addresses(reader: User) -> bool:
    """Whether the reader may see every person's and mailbox's address."""
    return reader.role in SEES_ADDRESSES


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
