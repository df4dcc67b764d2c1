"""How many subscribe, per part and per message type: what admins see instead of a list.

A subscriber who chose no part hears of every part, so it counts at each; likewise for types.
Pending addresses (not yet confirmed) are counted apart and at no part. The choices are
JSON lists, which the databases compare differently, so they are counted here, from one
statement that reads only the two lists of each confirmed row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.models import DeclarationVersion
from stabil.catalog.service import declaration_of, versions_in_force
from stabil.declaration.base import Text
from stabil.errors import NotFound
from stabil.subscriptions.choices import Choice, offer_of
from stabil.subscriptions.models import Subscriber


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    name: Text
    subscribers: int


@dataclass(frozen=True, slots=True)
class ServiceCounts:
    service: str
    name: Text
    confirmed: int
    pending: int
    parts: list[Count]  # in the declaration's order
    types: list[Count]


def subscriber_counts(
    session: Session, now: dt.datetime, service_key: str | None = None
) -> list[ServiceCounts]:
    """The counts of every service by key, or of the one named (an unknown key: none); two
    statements, however many services and subscribers there are."""
    versions = [
        version
        for version in versions_in_force(session, now.date())
        if service_key is None or version.service.key == service_key
    ]
    wanted = [version.service_id for version in versions]
    rows = session.execute(
        select(
            Subscriber.service_id, Subscriber.confirmed, Subscriber.parts, Subscriber.types
        ).where(Subscriber.service_id.in_(wanted))
    ).all()
    by_service: dict[int, list[tuple[bool, list[str], list[str]]]] = {}
    for service_id, confirmed, parts, types in rows:
        by_service.setdefault(service_id, []).append((confirmed, list(parts), list(types)))
    return [_counted(version, by_service.get(version.service_id, [])) for version in versions]


def _counted(
    version: DeclarationVersion, rows: list[tuple[bool, list[str], list[str]]]
) -> ServiceCounts:
    declaration = declaration_of(version)
    confirmed = [(parts, types) for ok, parts, types in rows if ok]
    offer = offer_of(declaration)
    return ServiceCounts(
        service=version.service.key,
        name=declaration.metadata.name,
        confirmed=len(confirmed),
        pending=len(rows) - len(confirmed),
        parts=_per_choice(offer.parts, [parts for parts, _ in confirmed]),
        types=_per_choice(offer.types, [types for _, types in confirmed]),
    )


def _per_choice(offered: list[Choice], chosen: list[list[str]]) -> list[Count]:
    everything = sum(1 for keys in chosen if not keys)
    some = Counter(key for keys in chosen for key in set(keys))
    return [Count(item.key, item.name, everything + some[item.key]) for item in offered]


def counts_of(session: Session, service_key: str, now: dt.datetime) -> ServiceCounts:
    for counts in subscriber_counts(session, now, service_key):
        return counts
    raise NotFound("no service is named {key!r}", key=service_key)
