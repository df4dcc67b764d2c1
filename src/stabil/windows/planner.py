"""What the plan form shows while it is filled in: the rules a proposed window would break,
and the next starts at which a window of its kind and length would break none (R13).

The verdict is the one `service.plan_window` would give at this moment: the same declaration
in force, the same other windows of the service, announced now; nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of, version_named
from stabil.declaration import Declaration
from stabil.windows.rules import Proposal, Violation, check
from stabil.windows.service import holding
from stabil.windows.slots import UnknownKind, kind_of, slots

SLOTS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Slot:
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class Preview:
    declaration: Declaration
    violations: list[Violation]  # empty also when the times are not given yet
    slots: list[Slot]  # none for a kind the declaration does not have


def preview(
    session: Session,
    service: str,
    kind: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    now: dt.datetime,
) -> Preview:
    """The verdict on a window of `kind` from `start` to `end` (either None: not given yet),
    and the next allowed slots of the kind, as long as the window (or the kind's longest)."""
    stored = version_named(session, service, now.date())
    declaration = declaration_of(stored)
    others = holding(session, stored.service_id)
    violations = []
    if start is not None and end is not None:
        violations = check(declaration, Proposal(kind, start, end), others=others, now=now)
    try:
        longest = kind_of(declaration, kind).max_minutes
    except UnknownKind:
        return Preview(declaration, violations, [])
    minutes = _minutes(start, end, longest)
    found = slots(
        declaration,
        kind,
        after=now,
        now=now,
        minutes=minutes,
        others=others,
        limit=SLOTS_SHOWN,
    )
    length = dt.timedelta(minutes=minutes)
    # In UTC: adding to a time of the zone adds wall-clock time, an hour off on DST nights.
    starts = [item.astimezone(dt.UTC) for item in found]
    return Preview(declaration, violations, [Slot(start, start + length) for start in starts])


def _minutes(start: dt.datetime | None, end: dt.datetime | None, longest: int) -> int:
    """The proposed window's length in whole minutes (rounded up), when it is one the kind
    allows; else the kind's longest."""
    if start is None or end is None:
        return longest
    minutes = math.ceil((end - start).total_seconds() / 60)
    return minutes if 0 < minutes <= longest else longest
