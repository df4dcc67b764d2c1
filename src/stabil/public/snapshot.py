"""What the public site shows of one service at one instant, gathered once per publication.

The pages, the feeds and the JSON are all rendered from a `ServiceStatus`; none of them
reads the database. Everything here is public: no incident keys, no names of staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class PublicState(StrEnum):
    """A part's or the service's state as the public reads it, best first."""

    operational = "operational"
    degraded = "degraded"  # slow (a monitor's degraded state, or a `slow` message)
    partial_outage = "partial_outage"  # some of it is unavailable
    major_outage = "major_outage"  # unavailable
    maintenance = "maintenance"  # in a service window
    unknown = "unknown"  # nothing watches it and no message speaks of it


# Worst first: a part's state is the worst of what speaks of it. A window in progress
# explains downtime, so an outage inside it still shows as maintenance.
SEVERITY = {
    PublicState.operational: 0,
    PublicState.unknown: 1,
    PublicState.degraded: 2,
    PublicState.partial_outage: 3,
    PublicState.major_outage: 4,
    PublicState.maintenance: 5,
}


@dataclass(frozen=True, slots=True)
class Texts:
    """A text in Danish and, where there is one, English (Danish stands in for it)."""

    da: str
    en: str | None = None

    def get(self, language: str) -> str:
        return (self.en or self.da) if language == "en" else self.da


@dataclass(frozen=True, slots=True)
class Named:
    """A key of the declaration with its name, e.g. a message type a visitor may choose."""

    key: str
    name: Texts


@dataclass(frozen=True, slots=True)
class PartStatus:
    key: str
    name: Texts
    state: PublicState
    since: dt.datetime | None  # when it entered the state, where known
    counts: bool  # whether its downtime is downtime of the service (R3.3)


@dataclass(frozen=True, slots=True)
class DayBar:
    """One local day of one part: its worst state and the time it spent down and degraded."""

    day: dt.date
    state: PublicState  # unknown: nothing was measured that day
    downtime_seconds: int
    degraded_seconds: int


@dataclass(frozen=True, slots=True)
class PartHistory:
    key: str
    name: Texts
    days: list[DayBar]  # the last 90 local days, oldest first, today last
    uptime_percent: float | None  # over those days; None when nothing was measured


@dataclass(frozen=True, slots=True)
class Update:
    """One entry of a message's timeline (R9.5): the posting, an update, the resolution."""

    id: int  # stable: the entry's id
    kind: str  # posted, updated, resolved
    at: dt.datetime
    type: str  # the message's type at that time
    body: Texts


@dataclass(frozen=True, slots=True)
class PublicMessage:
    id: int
    type: str  # a MessageType of the declaration
    type_name: Texts
    state: str  # open, resolved, closed
    title: Texts
    affected: list[str]  # as written by the desk
    parts: list[str]  # keys of the declaration's parts that `affected` names; [] = all of it
    affected_users: str | None  # who and how many (R9.3)
    cause: str | None
    horizon: str | None
    horizon_at: dt.datetime | None
    posted_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    updates: list[Update]  # oldest first

    @property
    def active(self) -> bool:
        return self.state == "open"


@dataclass(frozen=True, slots=True)
class PublicWindow:
    """An announced service window (R12.2, R13); public fields only."""

    id: int
    kind: str
    kind_name: Texts
    title: Texts
    description: Texts | None
    state: str  # announced, in_progress, completed, cancelled
    start: dt.datetime
    end: dt.datetime
    updated_at: dt.datetime
    affected: list[str] = field(default_factory=list)  # as written by the desk
    parts: list[str] = field(default_factory=list)  # the parts `affected` names; [] = all of it


@dataclass(frozen=True, slots=True)
class PeriodUptime:
    """This month's uptime in one service period against its target (R3)."""

    period: str  # the calendar's key: primary, secondary
    name: Texts
    uptime_percent: float | None
    target_percent: float | None
    met: bool | None
    downtime_seconds: int
    budget_seconds: int | None
    budget_left_seconds: int | None


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    key: str
    name: Texts
    zone: str  # the declaration's time zone: every time shown is local to it
    declaration_version: str
    generated_at: dt.datetime  # the instant the facts were read
    state: PublicState  # the worst state of the parts that count and of whole-service messages
    parts: list[PartStatus]
    active: list[PublicMessage]  # open messages, newest first
    windows: list[PublicWindow]  # ongoing and upcoming, soonest first
    uptime_month: str  # YYYY-MM, local
    uptime: list[PeriodUptime]
    history: list[PartHistory]
    messages: list[PublicMessage] = field(default_factory=list)  # every message, newest first
    past_windows: list[PublicWindow] = field(default_factory=list)  # ended, newest first
    message_types: list[Named] = field(default_factory=list)  # the declaration's, in its order
