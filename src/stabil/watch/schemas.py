"""The JSON shapes of watch: monitors, what other systems report, outages and uptime (R3)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from stabil.schemas import Choice, FromText, Instant, Key, Name, Printable, ShortText, Strict
from stabil.watch.states import MonitorKind, Source, State

# Numbers the database's 32-bit integers hold; the service functions say what is sensible.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200), Printable]
Labels = Annotated[dict[Label, Label], Field(max_length=20)]


class MonitorIn(Strict):
    key: Key = Field(description="Lower-case letters, digits, - and _; e.g. borger-dk-login.")
    service: Key
    kind: Choice[MonitorKind]
    name: Name = ""
    part: Key | None = Field(default=None, description="A part the declaration names.")
    target: Annotated[str, StringConstraints(max_length=2048), Printable] | None = Field(
        default=None, description="http: an http(s) URL; tcp: host:port; none for the others."
    )
    expected_status: Annotated[list[Annotated[int, Field(ge=0, le=999)]], Field(max_length=20)] = (
        Field(default_factory=list, description="Status codes that are up; none: any below 400.")
    )
    body_text: Annotated[str, StringConstraints(max_length=500), Printable] | None = None
    body_regex: Annotated[str, StringConstraints(max_length=500), Printable] | None = None
    degraded_ms: Count | None = Field(
        default=None, description="Answers slower than this are degraded (not downtime)."
    )
    tls_warn_days: Count | None = 14
    interval_seconds: Count = 60
    timeout_seconds: Annotated[float, Field(ge=0, le=86_400, allow_inf_nan=False)] = 10.0
    fail_after: Count = 3
    recover_after: Count = 2
    grace_seconds: Count = Field(default=60, description="Heartbeat: how late a call may be.")
    labels: Labels = Field(
        default_factory=dict,
        description="External: the alert labels that name this monitor; all must match.",
    )


class MonitorOut(BaseModel):
    key: str
    name: str
    service: str
    part: str | None
    kind: MonitorKind
    target: str | None
    expected_status: list[int]
    body_text: str | None
    body_regex: str | None
    degraded_ms: int | None
    tls_warn_days: int | None
    interval_seconds: int
    timeout_seconds: float
    fail_after: int
    recover_after: int
    grace_seconds: int
    labels: dict[str, str]
    state: State
    state_since: dt.datetime = Field(description="Start of the interval still running.")
    state_source: Source
    state_evidence: dict[str, Any]
    last_heartbeat_at: dt.datetime | None
    incident: str | None = Field(description="The incident the current outage opened or joined.")
    created_at: dt.datetime
    removed_at: dt.datetime | None
    revision: int


class MonitorAdded(MonitorOut):
    token: str | None = Field(
        description="A heartbeat's token, shown only in this answer: the system calls "
        "POST /api/v1/heartbeats/{token}. None for the other kinds."
    )


class MonitorPage(BaseModel):
    items: list[MonitorOut]
    total: int
    limit: int
    offset: int


class EventIn(Strict):
    """A state told by another monitoring system, of an external monitor."""

    monitor: Key
    state: Choice[State] = Field(description="up, degraded or down.")
    at: Instant | None = Field(default=None, description="Since when; default now, never later.")
    evidence: Annotated[dict[str, Any], Field(max_length=50)] = Field(default_factory=dict)
    message: ShortText | None = None


class ReportedOut(BaseModel):
    monitor: str
    state: State
    since: dt.datetime
    changed: bool = Field(description="False when the monitor was in this state already.")


def _alert_end(value: dt.datetime) -> dt.datetime | None:
    # A firing alert's endsAt is Go's zero time, 0001-01-01: no time at all.
    if value.year < 1970:
        return None
    if value.year >= 9999:
        raise ValueError("lies after 9998-12-31 (give the real time, with its offset)")
    return value


class AlertIn(BaseModel):
    """One alert of Alertmanager's webhook (version 4); fields it may add are ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: Instant  # noqa: N815 (Alertmanager's names)
    endsAt: Annotated[AwareDatetime, FromText, AfterValidator(_alert_end)] | None = None  # noqa: N815
    generatorURL: str = ""  # noqa: N815
    fingerprint: Annotated[str, StringConstraints(max_length=200)] = ""


class AlertmanagerIn(BaseModel):
    """Alertmanager's webhook payload, version 4; fields it may add are ignored, but the
    types of those it has are strict, as in every request body."""

    model_config = ConfigDict(extra="ignore", strict=True)

    version: Literal["4"]
    status: Literal["firing", "resolved"]
    receiver: str = ""
    alerts: Annotated[list[AlertIn], Field(max_length=1000)]
    groupLabels: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    commonLabels: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    commonAnnotations: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    externalURL: str = ""  # noqa: N815
    groupKey: str = ""  # noqa: N815
    truncatedAlerts: int = 0  # noqa: N815


class MatchOut(BaseModel):
    fingerprint: str
    status: Literal["firing", "resolved"]
    monitors: list[str] = Field(description="The external monitors whose labels it carries.")


class ChangeOut(BaseModel):
    monitor: str
    state: State
    since: dt.datetime


class AlertmanagerOut(BaseModel):
    alerts: list[MatchOut]
    changes: list[ChangeOut] = Field(description="The monitors whose state changed.")


class OutageIn(Strict):
    service: Key
    part: Key | None = Field(default=None, description="A part the declaration names.")
    start: Instant
    end: Instant = Field(description="After start, and not in the future.")
    state: Choice[State] = Field(description="down or degraded.")
    reason: ShortText = Field(description="Why it is entered: it is kept with the entry.")


class IntervalOut(BaseModel):
    """One row of the log: `[start, end)` in one state, cut at midnight UTC when stored."""

    id: int
    service: str
    part: str | None
    monitor: str | None
    start: dt.datetime
    end: dt.datetime
    state: State
    source: Source
    evidence: dict[str, Any]
    reason: str | None
    recorded_at: dt.datetime
    recorded_by: str | None = Field(description="Who entered it; none for what Stabil saw.")


class IntervalPage(BaseModel):
    items: list[IntervalOut]
    total: int
    limit: int
    offset: int


class PeriodOut(BaseModel):
    period_seconds: int = Field(description="Time of the service period measured so far.")
    excluded_seconds: int = Field(description="In windows that excuse downtime (R3.3).")
    unknown_seconds: int = Field(description="No monitor knew the state; left out of the figure.")
    downtime_seconds: int
    degraded_seconds: int = Field(description="Slow but answering: beside the figure, not in it.")
    uptime_percent: float | None = Field(description="None when nothing was measured.")
    target_percent: float | None
    met: bool | None
    budget_seconds: int | None = Field(description="The downtime the target allows.")
    budget_left_seconds: int | None


class UptimeOutageOut(BaseModel):
    start: dt.datetime
    end: dt.datetime | None = Field(description="None: still going on.")
    state: State
    part: str | None
    source: Source
    excused: bool = Field(description="Wholly inside a window that excuses downtime.")
    monitor: str | None
    counts: bool = Field(description="Whether its part counts as downtime of the service.")
    evidence: dict[str, Any] | None = Field(
        description="What showed it; shown to admins, operators and viewers only."
    )
    reason: str | None


class ExcusedOut(BaseModel):
    id: int
    title: str
    start: dt.datetime
    end: dt.datetime


class UptimeOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    service: str
    from_: dt.datetime = Field(alias="from")
    to: dt.datetime
    declaration_version: str
    periods: dict[str, PeriodOut]
    outages: list[UptimeOutageOut]
    excused: list[ExcusedOut] = Field(description="The windows that excuse downtime.")
