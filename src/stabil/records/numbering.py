"""Human keys: a service's records are numbered per year, e.g. BDK-2026-0042."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from stabil.db.upsert import next_number
from stabil.declaration import Declaration
from stabil.records.models import YearSequence


@dataclass(frozen=True, slots=True)
class Numbered:
    key: str
    year: int
    number: int


def next_key(
    session: Session,
    sequence: type[YearSequence],
    *,
    service_id: int,
    declaration: Declaration,
    now: dt.datetime,
    kind: str = "",
) -> Numbered:
    """The next key of the service in the year of `now`, e.g. PRB-BDK-2026-0001 for `kind`
    PRB; none is ever handed out twice, however many ask at once.

    The year is the service's local year: a record made just after midnight on New Year's
    night in Copenhagen belongs to the new year, although it is still the old one in UTC.
    """
    year = now.astimezone(declaration.time.zone).year
    number = next_number(session, sequence, service_id, year)
    prefix = f"{kind}-" if kind else ""
    return Numbered(
        f"{prefix}{declaration.metadata.incident_prefix}-{year}-{number:04d}", year, number
    )
