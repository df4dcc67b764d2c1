"""A compliance report as data: the JSON contract other tools read, and what every format
(HTML, PDF, XLSX, CSV) renders. Keys are part of the contract; add, never rename.

A share's `percent` is None when its `total` is 0, and its `goal_met` then None too: an empty
period proves nothing either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stabil.watch.schemas import PeriodOut


class Contract(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class Share(Contract):
    """How many of the decided timers were met, against the goal (R7.5, R7.6)."""

    met: int
    total: int
    percent: float | None
    goal_percent: float
    goal_met: bool | None


class GoalFigure(Contract):
    """One `goals.timers` entry of the declaration over its own measurement period."""

    timer: str
    priorities: list[int]
    pooled: bool
    period: str = Field(description="week, month, quarter or year")
    from_: dt.datetime = Field(alias="from")
    to: dt.datetime
    overall: Share | None = Field(description="The pooled share; None for a per-priority goal.")
    by_priority: dict[str, Share] = Field(description="The share of each priority.")


class StartTimeFigure(Contract):
    """The average service time of the goal's timer (R4.1)."""

    count: int
    average_minutes: float | None
    goal_minutes: float | None
    goal_met: bool | None
    waiting: int = Field(default=0, description="Handed over after the period, not yet counted.")


class Orientation(Contract):
    """Messages of the orientation duty due in the period, on time and late (R14)."""

    first_on_time: int
    first_total: int
    updates_on_time: int
    updates_total: int


class WindowKindFigure(Contract):
    """Service windows of one kind: in the period, and used and left of the year's quota (R13)."""

    name: str
    in_period: int
    used_in_year: int
    quota: int | None
    left: int | None
    non_compliant: int


class ReviewState(Contract):
    due_at: dt.datetime | None
    submitted_at: dt.datetime | None
    state: str = Field(description="submitted, draft or missing")
    on_time: bool | None


class MajorFigure(Contract):
    """A major incident of the period with its post-review report (R9.7)."""

    incident: str
    title: str
    priority: int
    detected_at: dt.datetime
    resolved_at: dt.datetime | None
    review: ReviewState


class ReleaseFigure(Contract):
    """A release planned or made in the period, with the notice it gave (R11)."""

    version: str
    state: str
    planned_date: dt.date
    released_at: dt.datetime | None
    interface_change: bool
    announced_at: dt.datetime | None
    notice_months: int = Field(description="The notice the declaration asks for, in months.")
    earliest_date: dt.date | None = Field(description="The earliest date that notice allows.")
    notice_met: bool
    shorter_notice_reason: str | None


class IncidentRow(Contract):
    """An incident detected in the period."""

    incident: str
    title: str
    priority: int
    state: str
    detected_at: dt.datetime


class MessageRow(Contract):
    """An operational message posted in the period (R10.3)."""

    id: int
    type: str
    title: str
    state: str
    posted_at: dt.datetime
    resolved_at: dt.datetime | None


class PenaltyLine(Contract):
    measure: str
    applies_to: str
    missed: bool | None
    shortfall_percent: float | None
    points: int


class Penalties(Contract):
    """Penalty points (bodspoint) by the declaration's rules, capped as it says."""

    lines: list[PenaltyLine]
    points_before_cap: int
    cap: int | None
    points: int


class ResponseTimeFigure(Contract):
    key: str
    name: str
    calls: int
    measured: float | None = Field(
        description="The share under the threshold, or the percentile in ms."
    )
    goal: float
    goal_met: bool | None


class TrendPoint(Contract):
    period: str
    reaction_percent: float | None
    resolution_percent: dict[str, float | None]
    availability_percent: dict[str, float | None]
    start_time_minutes: float | None


class Report(Contract):
    kind: str = Field(description="week or month")
    period: str = Field(description="2026-11 or 2026-W46")
    service: str
    service_name: str
    from_: dt.datetime = Field(alias="from")
    to: dt.datetime
    generated_at: dt.datetime
    declaration_version: str
    zone: str
    reaction: Share | dict[str, Share] | None
    resolution: Share | dict[str, Share] | None
    goals: list[GoalFigure]
    start_time: StartTimeFigure | None
    availability: dict[str, PeriodOut]
    orientation: Orientation
    windows: dict[str, WindowKindFigure]
    majors: list[MajorFigure]
    review_meetings: list[dict[str, Any]] = Field(default_factory=list)
    releases: list[ReleaseFigure]
    escalations: dict[str, int] = Field(description="Escalations sent, by kind and stage.")
    backlog: dict[str, dict[str, int]] = Field(
        description="Open incidents at the period's end by priority: count and age buckets."
    )
    response_times: list[ResponseTimeFigure]
    penalties: Penalties | None
    trends: list[TrendPoint] = Field(default_factory=list)
    incidents: list[IncidentRow] = Field(
        default_factory=list, description="The incidents detected in the period, cancelled too."
    )
    messages: list[MessageRow] = Field(
        default_factory=list, description="The operational messages posted in the period."
    )
    evidence: dict[str, list[dict[str, Any]]]

    def contract(self) -> dict[str, Any]:
        """The JSON as other tools read it (keys by alias: `from`, not `from_`)."""
        return self.model_dump(mode="json", by_alias=True)
