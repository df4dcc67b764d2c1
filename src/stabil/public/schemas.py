"""The documented JSON of a service's status, `/status/{service}.json`: Stabil's own shape.

It says everything the status page shows, in both languages, for programs that watch the
service: its state and its parts', the open messages with their timeline (R9.3, R9.5), the
ongoing and coming windows (R12.2), this month's uptime against the targets (R3) and the last
90 days per part. Every instant carries the offset of the declaration's zone, so the local
wall time can be read off directly. `schema_version` rises only when a field changes meaning
or goes away; new fields may appear within a version.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from stabil.declaration.communication import MessageType
from stabil.public.snapshot import PublicState
from stabil.status.states import EntryKind, MessageState
from stabil.windows.states import WindowState

SCHEMA_VERSION = 1


class Out(BaseModel):
    # Extra keys refused, so that a test that reads the file back finds any drift.
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Out):
    da: str = Field(description="Danish.")
    en: str | None = Field(description="English, or null where there is none (Danish stands in).")


class LocalUrl(Out):
    da: str = Field(description="The Danish page or feed.")
    en: str = Field(description="The English page or feed.")


class Links(Out):
    page: LocalUrl = Field(description="The status page.")
    feed: LocalUrl = Field(description="The Atom feed of every message and update.")
    calendar: str = Field(description="The service windows as iCalendar (RFC 5545).")
    statuspage: LocalUrl = Field(
        description="The same status in the shape of Atlassian Statuspage's public API v2: "
        "the folder of summary.json, status.json, components.json, incidents.json and "
        "scheduled-maintenances.json."
    )


class PartOut(Out):
    key: str = Field(description="The part's key in the service declaration.")
    name: LocalText = Field(description="The part's name.")
    state: PublicState = Field(description="The part's state, from watch and active messages.")
    since: AwareDatetime | None = Field(description="When it entered the state, where known.")
    counts: bool = Field(
        description="Whether its downtime is downtime of the service (R3.3); a part that does "
        "not count is watched and reported only."
    )
    feed: LocalUrl = Field(description="The Atom feed of the messages that concern this part.")


class UpdateOut(Out):
    id: int = Field(description="The entry's id: stable, and unique across the service.")
    kind: EntryKind = Field(description="What the entry told: the posting, an update, the end.")
    at: AwareDatetime = Field(description="When the users were told.")
    type: MessageType = Field(description="The message's type at that time.")
    body: LocalText = Field(description="What the users were told.")


class MessageOut(Out):
    id: int = Field(description="The message's id: stable, and unique across the service.")
    url: LocalUrl = Field(description="The message's own page.")
    type: MessageType = Field(description="A message type of the declaration (R10.3).")
    type_name: LocalText = Field(description="The type's name, as the declaration has it.")
    state: MessageState = Field(description="open while there is news, then resolved, closed.")
    title: LocalText = Field(description="The message's title.")
    affected: list[str] = Field(description="The affected areas, as the operators wrote them.")
    parts: list[str] = Field(
        description="Keys of the parts that `affected` names; empty: the whole service."
    )
    affected_users: str | None = Field(description="Who and how many are affected (R9.3).")
    cause: str | None = Field(description="The cause, once it is known.")
    horizon: str | None = Field(description="The expected horizon, in words (R9.3).")
    horizon_at: AwareDatetime | None = Field(description="The expected horizon, an instant.")
    posted_at: AwareDatetime = Field(description="When it was first posted.")
    updated_at: AwareDatetime = Field(description="When it last changed.")
    resolved_at: AwareDatetime | None = Field(description="When it was resolved, if it is.")
    updates: list[UpdateOut] = Field(description="The timeline, oldest first (R9.5).")


class WindowOut(Out):
    id: int = Field(description="The window's id: stable, and unique across the service.")
    kind: str = Field(description="A window kind of the declaration (R13.1).")
    kind_name: LocalText = Field(description="The kind's name, as the declaration has it.")
    title: LocalText = Field(description="The window's title.")
    description: LocalText | None = Field(description="What the window means to the users.")
    state: WindowState = Field(description="announced, in_progress; completed or cancelled.")
    start: AwareDatetime = Field(description="When the window begins.")
    end: AwareDatetime = Field(description="When the window ends at the latest.")
    updated_at: AwareDatetime = Field(description="When the window last changed.")


class PeriodOut(Out):
    period: str = Field(description="The service period's calendar: primary, secondary (R3).")
    name: LocalText = Field(description="The service period's name.")
    uptime_percent: float | None = Field(description="Null when nothing was measured.")
    target_percent: float | None = Field(description="The declaration's target, if it has one.")
    met: bool | None = Field(description="Whether the uptime meets the target so far.")
    downtime_seconds: int = Field(description="The downtime that counts, this month so far.")
    budget_seconds: int | None = Field(description="The downtime the target allows this month.")
    budget_left_seconds: int | None = Field(description="What is left of it; negative: overrun.")


class UptimeOut(Out):
    month: str = Field(description="The local calendar month, YYYY-MM.", pattern=r"^\d{4}-\d{2}$")
    periods: list[PeriodOut] = Field(description="One per service period of the declaration.")


class DayOut(Out):
    day: dt.date = Field(description="A local calendar day.")
    state: PublicState = Field(description="The worst state of the day; unknown: not measured.")
    downtime_seconds: int = Field(description="The time the part was down that day.")
    degraded_seconds: int = Field(description="The time the part was slow that day.")


class HistoryOut(Out):
    key: str = Field(description="The part's key.")
    name: LocalText = Field(description="The part's name.")
    uptime_percent: float | None = Field(description="Over the days shown; null: not measured.")
    days: list[DayOut] = Field(description="The last 90 local days, oldest first, today last.")


class StatusDocument(Out):
    """The status of one service as the status page shows it, at `generated_at`."""

    schema_version: Literal[1] = Field(description="The version of this shape.")
    service: str = Field(description="The service's key, as in its address.")
    name: LocalText = Field(description="The service's name.")
    zone: str = Field(description="The declaration's time zone; every instant is local to it.")
    declaration_version: str = Field(description="The version of the declaration in force.")
    generated_at: AwareDatetime = Field(description="The instant the facts were read.")
    state: PublicState = Field(
        description="The worst state of the parts that count and of whole-service messages."
    )
    links: Links = Field(description="Where the same status is found in other forms.")
    parts: list[PartOut] = Field(description="The declaration's parts, in its order.")
    active: list[MessageOut] = Field(description="The open messages, newest first.")
    windows: list[WindowOut] = Field(description="Ongoing and coming windows, soonest first.")
    uptime: UptimeOut = Field(description="This month's uptime per service period (R3).")
    history: list[HistoryOut] = Field(description="The last 90 days per part.")
