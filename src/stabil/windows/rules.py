"""Whether a proposed service window keeps the declaration's rules (R13, R12.2, R3.3).

Pure: no database, no I/O. `check` returns every rule the window breaks, each with its code
(other tools depend on the codes), the declaration's source, a message in Danish and English
and, where one exists, what would be allowed instead. An empty list: the window is compliant.

Times are instants (aware datetimes); lengths are elapsed time, so 00:00-07:00 on the night
the clocks go back lasts 8 hours. Notice is counted in calendar days of local time, and the
quota per calendar year of local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.declaration.operations import ServiceWindows, WindowKind

W = TypeVar("W", "Proposal", "Planned")


class Rule(StrEnum):
    kind = "kind"
    length = "length"
    hours = "hours"
    service_period = "service_period"
    notice = "notice"
    quota = "quota"
    overlap = "overlap"
    order = "order"


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: str
    start: dt.datetime
    end: dt.datetime
    announced: dt.datetime | None = None  # not yet: checked as if announced now


@dataclass(frozen=True, slots=True)
class Planned:
    """Another window of the same service that is not cancelled."""

    kind: str
    start: dt.datetime
    end: dt.datetime
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    rule: Rule
    source: str
    message: dict[str, str]  # by language: da, en
    allowed: dict[str, Any] = field(default_factory=dict)


def check(
    declaration: Declaration,
    proposal: Proposal,
    *,
    others: Sequence[Planned] = (),
    used: int | None = None,
    now: dt.datetime,
) -> list[Violation]:
    """Every rule `proposal` breaks. `others`: the service's other windows that are not
    cancelled; `used`, when given, counts the windows of the kind in the year instead."""
    # In UTC: Python subtracts and compares two times of one zone by their wall clocks, which
    # would make the autumn night 7 hours long.
    proposal, others = _in_utc(proposal), [_in_utc(other) for other in others]
    now = now.astimezone(dt.UTC)
    windows = declaration.service_windows
    kinds = {kind.key: kind for kind in windows.kinds} if windows else {}
    found: list[Violation] = []
    if proposal.end <= proposal.start:
        found.append(_order(windows, proposal))
    kind = kinds.get(proposal.kind)
    if windows is None or kind is None:
        found.append(_unknown_kind(windows, proposal, sorted(kinds)))
    if found:
        return found
    assert windows is not None
    assert kind is not None
    checks = (
        _length(declaration, kind, proposal),
        _hours(declaration, kind, proposal),
        _service_period(declaration, windows, proposal),
        _notice(declaration, kind, proposal, now),
        _quota(declaration, kind, proposal, others, used),
        _overlap(windows, proposal, others),
    )
    return [violation for violation in checks if violation is not None]


def _in_utc(window: W) -> W:
    start, end = window.start.astimezone(dt.UTC), window.end.astimezone(dt.UTC)
    if isinstance(window, Proposal) and window.announced is not None:
        return replace(window, start=start, end=end, announced=window.announced.astimezone(dt.UTC))
    return replace(window, start=start, end=end)


def _source(item: WindowKind | ServiceWindows | None) -> str:
    return ", ".join(item.source) if item is not None else ""


def _order(windows: ServiceWindows | None, proposal: Proposal) -> Violation:
    return Violation(
        Rule.order,
        _source(windows),
        {
            "da": "Vinduet skal slutte efter, at det begynder.",
            "en": "The window must end after it starts.",
        },
    )


def _unknown_kind(
    windows: ServiceWindows | None, proposal: Proposal, known: list[str]
) -> Violation:
    listed = ", ".join(known) or "-"
    return Violation(
        Rule.kind,
        _source(windows),
        {
            "da": f"Deklarationen har ingen vinduestype »{proposal.kind}«; den har: {listed}.",
            "en": f"The declaration has no window kind {proposal.kind!r}; it has: {listed}.",
        },
        {"kinds": known},
    )


def _length(declaration: Declaration, kind: WindowKind, proposal: Proposal) -> Violation | None:
    minutes = (proposal.end - proposal.start).total_seconds() / 60
    if minutes <= kind.max_minutes:
        return None
    latest = proposal.start + dt.timedelta(minutes=kind.max_minutes)
    return Violation(
        Rule.length,
        _source(kind),
        {
            "da": f"Vinduet varer {_minutes(minutes)} minutter; »{kind.name.get('da')}« "
            f"må højst vare {kind.max_minutes}.",
            "en": f"The window lasts {_minutes(minutes)} minutes; '{kind.name.get('en')}' "
            f"may last at most {kind.max_minutes}.",
        },
        {"max_minutes": kind.max_minutes, "latest_end": _iso(declaration, latest)},
    )


def _hours(declaration: Declaration, kind: WindowKind, proposal: Proposal) -> Violation | None:
    """Wholly inside one range of the kind's calendar: its open time covers the window."""
    clock = clock_for(declaration)
    length = (proposal.end - proposal.start).total_seconds()
    if clock.elapsed(kind.allowed_in, proposal.start, proposal.end) >= length:
        return None
    calendar = declaration.time.calendars.get(kind.allowed_in)
    named = {
        language: calendar.name.get(language) if calendar and calendar.name else kind.allowed_in
        for language in ("da", "en")
    }
    allowed = {"calendar": kind.allowed_in}
    if not clock.is_open(kind.allowed_in, proposal.start):
        allowed["next_range_starts"] = _iso(
            declaration, clock.next_open(kind.allowed_in, proposal.start)
        )
    return Violation(
        Rule.hours,
        _source(kind),
        {
            "da": f"Vinduet ligger ikke helt inden for ét tidsrum af »{named['da']}«.",
            "en": f"The window does not lie wholly inside one range of {named['en']!r}.",
        },
        allowed,
    )


def _service_period(
    declaration: Declaration, windows: ServiceWindows, proposal: Proposal
) -> Violation | None:
    period = windows.in_service_period
    if period is None:
        return None
    clock = clock_for(declaration)
    length = (proposal.end - proposal.start).total_seconds()
    if clock.elapsed(period, proposal.start, proposal.end) >= length:
        return None
    calendar = declaration.time.calendars.get(period)
    named = {
        language: calendar.name.get(language) if calendar and calendar.name else period
        for language in ("da", "en")
    }
    return Violation(
        Rule.service_period,
        _source(windows),
        {
            "da": f"Vinduet skal ligge helt i »{named['da']}«; en del af det gør ikke.",
            "en": f"The window must lie wholly in '{named['en']}'; part of it does not.",
        },
        {"service_period": period},
    )


def earliest_start(
    declaration: Declaration, kind: WindowKind, announced: dt.datetime
) -> dt.datetime:
    """The announcement plus the kind's notice in calendar days of local time: announced on a
    Tuesday at 14:00 with 3 days' notice, Friday 14:00 local time, whatever daylight saving
    does in between (R13.1)."""
    local = announced.astimezone(declaration.time.zone)
    later = local + dt.timedelta(days=kind.notice_days)  # wall-clock arithmetic in the zone
    # A local time that does not exist that day (the spring gap) is read as the instant the
    # clocks would have shown it at: through UTC, it lands just after the gap.
    return later.astimezone(dt.UTC).astimezone(declaration.time.zone)


def _notice(
    declaration: Declaration, kind: WindowKind, proposal: Proposal, now: dt.datetime
) -> Violation | None:
    announced = proposal.announced or now
    earliest = earliest_start(declaration, kind, announced)
    if proposal.start >= earliest:
        return None
    return Violation(
        Rule.notice,
        _source(kind),
        {
            "da": f"»{kind.name.get('da')}« skal varsles {kind.notice_days} dage før; "
            f"varslet {_local(declaration, announced)} kan den tidligst begynde "
            f"{_local(declaration, earliest)}.",
            "en": f"'{kind.name.get('en')}' needs {kind.notice_days} days' notice; announced "
            f"{_local(declaration, announced)}, it may start at "
            f"{_local(declaration, earliest)} at the earliest.",
        },
        {"notice_days": kind.notice_days, "earliest_start": _iso(declaration, earliest)},
    )


def year_of(declaration: Declaration, instant: dt.datetime) -> int:
    return instant.astimezone(declaration.time.zone).year


def _quota(
    declaration: Declaration,
    kind: WindowKind,
    proposal: Proposal,
    others: Sequence[Planned],
    used: int | None,
) -> Violation | None:
    if kind.per_year is None:
        return None
    year = year_of(declaration, proposal.start)
    if used is None:
        used = sum(
            1
            for other in others
            if other.kind == kind.key and year_of(declaration, other.start) == year
        )
    if used < kind.per_year:
        return None
    next_year = dt.datetime(year + 1, 1, 1, tzinfo=declaration.time.zone)
    return Violation(
        Rule.quota,
        _source(kind),
        {
            "da": f"Der er allerede {used} af typen »{kind.name.get('da')}« i {year}; "
            f"der må højst være {kind.per_year} om året.",
            "en": f"There are already {used} windows of the kind '{kind.name.get('en')}' in "
            f"{year}; at most {kind.per_year} a year are allowed.",
        },
        {"per_year": kind.per_year, "used": used, "next_year_starts": _iso(declaration, next_year)},
    )


def _overlap(
    windows: ServiceWindows, proposal: Proposal, others: Sequence[Planned]
) -> Violation | None:
    overlapping = [
        other for other in others if other.start < proposal.end and proposal.start < other.end
    ]
    if not overlapping:
        return None
    ids = [other.id for other in overlapping if other.id is not None]
    return Violation(
        Rule.overlap,
        _source(windows),
        {
            "da": "Vinduet overlapper et andet vindue for samme tjeneste."
            if len(overlapping) == 1
            else f"Vinduet overlapper {len(overlapping)} andre vinduer for samme tjeneste.",
            "en": f"The window overlaps {len(overlapping)} other window"
            f"{'' if len(overlapping) == 1 else 's'} of the same service.",
        },
        {"windows": ids},
    )


def _minutes(value: float) -> str:
    return f"{value:g}"


def _iso(declaration: Declaration, instant: dt.datetime) -> str:
    """An instant in the declaration's local time, with its offset: 2026-04-17T00:00:00+02:00."""
    return instant.astimezone(declaration.time.zone).isoformat()


def _local(declaration: Declaration, instant: dt.datetime) -> str:
    return instant.astimezone(declaration.time.zone).strftime("%Y-%m-%d %H:%M")
