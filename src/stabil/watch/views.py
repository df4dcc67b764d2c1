"""What the watch pages show, shaped for them: the log's rows with the pieces of one interval
joined, names of parts and service periods in both languages, the evidence of a state in
words, the figures of a month in whole seconds, and an operational message drafted from an
outage (R3, R9.3).

Pure: the pages read the database and pass what they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from stabil.accounts.models import User
from stabil.declaration import Declaration
from stabil.declaration.communication import MessageType
from stabil.desk.notify import local_text
from stabil.texts import N_
from stabil.watch.availability import Outage, Uptime, counts
from stabil.watch.models import Monitor, StateInterval
from stabil.watch.states import State
from stabil.watch.uptime import PeriodFigures, whole_seconds
from stabil.windows.views import Named, named

COMPOSER = "/desk/messages/new"
# The facts of a state's evidence a reader knows by name; others are shown as they came.
EVIDENCE_NAMES = {
    "status_code": N_("HTTP status"),
    "latency_ms": N_("Response time (ms)"),
    "error": N_("Error"),
    "alertname": N_("Alert"),
    "summary": N_("Summary"),
    "event": N_("Event"),
    "warning": N_("Warning"),
    "last_call": N_("Last call"),
    "tls_expires": N_("The TLS certificate expires"),
    "redirect": N_("Sent on to"),
}


# The log


@dataclass(slots=True)
class LogRow:
    """An interval of the log as a reader reads it: the pieces stored per day as one."""

    start: dt.datetime
    end: dt.datetime
    state: str
    source: str
    service_id: int
    part: str | None
    monitor: Monitor | None
    evidence: dict[str, Any]
    reason: str | None
    recorded_at: dt.datetime
    recorded_by: User | None

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def joined(rows: Iterable[StateInterval]) -> list[LogRow]:
    """`rows`, newest first, with the pieces of one logged interval joined again: written
    together, alike in all but their times, each ending where the next begins."""
    shown: list[LogRow] = []
    earliest: dict[tuple[Any, ...], LogRow] = {}
    for row in rows:
        key = (
            row.service_id,
            row.monitor_id,
            row.part,
            row.state,
            row.source,
            row.reason,
            row.recorded_at,
        )
        later = earliest.get(key)
        if later is not None and later.start == row.end:
            later.start = row.start
            continue
        earliest[key] = item = LogRow(
            start=row.start,
            end=row.end,
            state=row.state,
            source=row.source,
            service_id=row.service_id,
            part=row.part,
            monitor=row.monitor,
            evidence=dict(row.evidence or {}),
            reason=row.reason,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
        )
        shown.append(item)
    return shown


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact of the evidence: its name's message id, and its value as text, or as a
    template and its values for the page to translate (see probes.said)."""

    name: str
    text: str
    template: str | None = None
    values: Mapping[str, Any] | None = None


# Facts that say the same as another, or only serve to translate one.
_NOT_SHOWN = {"problem", "values", "warning_days"}
# Instants among the facts, shown in local time like every time on a page.
_INSTANTS = {"since", "last_call", "tls_expires"}


def evidence_items(evidence: Mapping[str, Any], zone: str) -> list[Fact]:
    """The evidence as facts: a known one by its message id, others by their key."""
    facts = []
    for name, value in evidence.items():
        if name in _NOT_SHOWN or value in (None, "", [], {}):
            continue
        label = EVIDENCE_NAMES.get(name, name)
        if name == "error" and evidence.get("problem"):
            values = {key: _shown(key, item, zone) for key, item in evidence["values"].items()}
            facts.append(Fact(label, str(value), evidence["problem"], values))
        elif name == "warning" and "warning_days" in evidence:
            facts.append(Fact(label, str(value), TLS_WARNING, {"days": evidence["warning_days"]}))
        else:
            facts.append(Fact(label, _shown(name, value, zone)))
    return facts


def reason_text(reason: Mapping[str, Any] | None, error: str | None) -> Fact | None:
    """A probe result's error as a fact to translate, when it kept its template."""
    if reason and reason.get("problem"):
        return Fact(EVIDENCE_NAMES["error"], error or "", reason["problem"], reason["values"])
    return Fact(EVIDENCE_NAMES["error"], error) if error else None


TLS_WARNING = N_("the TLS certificate expires in {days} days")


def _shown(name: str, value: Any, zone: str) -> str:
    if name in _INSTANTS and isinstance(value, str):
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    return str(value)


# Names


def part_names(declaration: Declaration) -> dict[str, Named]:
    return {part.key: named(part.name, part.key) for part in declaration.parts()}


def service_name(declaration: Declaration) -> Named:
    return named(declaration.metadata.name, declaration.key)


def period_names(declaration: Declaration) -> dict[str, Named]:
    calendars = declaration.time.calendars
    return {
        key: named(calendar.name if calendar else None, key)
        for key, calendar in ((key, calendars.get(key)) for key in _periods(declaration))
    }


def _periods(declaration: Declaration) -> list[str]:
    return list(declaration.time.service_periods.periods)


# The figures


@dataclass(frozen=True, slots=True)
class Figures:
    """One service period's figures in whole seconds, as the page writes them."""

    period: str
    name: Named
    length: int
    excluded: int
    unknown: int
    measured: int
    downtime: int
    degraded: int
    uptime_percent: float | None
    target_percent: float | None
    met: bool | None
    allowed: int | None
    left: int | None


def figures_of(declaration: Declaration, found: Uptime) -> list[Figures]:
    names = period_names(declaration)
    return [_figures(names.get(key, Named(key)), item) for key, item in found.periods.items()]


def _figures(name: Named, item: PeriodFigures) -> Figures:
    return Figures(
        period=item.period,
        name=name,
        length=whole_seconds(item.period_micros),
        excluded=whole_seconds(item.excluded_micros),
        unknown=whole_seconds(item.unknown_micros),
        measured=whole_seconds(item.measured_micros),
        downtime=whole_seconds(item.downtime_micros),
        degraded=whole_seconds(item.degraded_micros),
        uptime_percent=item.uptime_percent,
        target_percent=item.target_percent,
        met=item.met,
        allowed=item.budget_seconds,
        left=item.budget_left_seconds,
    )


def outage_seconds(outage: Outage, now: dt.datetime) -> float:
    return ((outage.end or now) - outage.start).total_seconds()


def month_text(first: dt.datetime, step: int) -> str:
    """`YYYY-MM` of the month `step` months from the one `first` starts."""
    index = first.year * 12 + first.month - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# An operational message from an outage


@dataclass(frozen=True, slots=True)
class Draft:
    """An operational message as the composer is opened with it, for the operator to post."""

    service: str
    type: MessageType
    affected: str
    title: str
    body: str
    body_en: str
    incidents: str = ""

    def url(self) -> str:
        values = {
            "service": self.service,
            "type": self.type.value,
            "affected": self.affected,
            "title": self.title,
            "body": self.body,
            "body_en": self.body_en,
            "incidents": self.incidents,
        }
        return f"{COMPOSER}?{urlencode({k: v for k, v in values.items() if v})}"


def outage_draft(
    declaration: Declaration,
    part: str | None,
    state: State,
    since: dt.datetime,
    incident: str | None = None,
) -> Draft:
    """What the users are told of an outage (R9.3): unavailable when the whole service is
    down or a part that counts is; a part that does not count, or a slow one, is partly."""
    whole = counts(declaration, part) and state is State.down
    kind = MessageType.unavailable if whole else MessageType.partially_unavailable
    what = part_names(declaration).get(part or "") or service_name(declaration)
    when = local_text(since, declaration)
    when_en = since.astimezone(declaration.time.zone).strftime("%d.%m.%Y at %H:%M")
    if state is State.down:
        title, title_en = f"{what.da} er utilgængelig", f"{what.said('en')} is unavailable"
    else:
        title, title_en = f"{what.da} svarer langsomt", f"{what.said('en')} responds slowly"
    return Draft(
        service=declaration.key,
        type=kind,
        affected=what.da,
        title=title,
        body=(
            f"{title} siden {when}. Vi arbejder på at løse fejlen og skriver her, når der er nyt."
        ),
        body_en=(
            f"{title_en} since {when_en}. We are working on it and will write here when there "
            "is news."
        ),
        incidents=incident or "",
    )
