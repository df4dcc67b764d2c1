"""Priorities, the timers they run and the targets and goals for them (R4, R6, R7)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from stabil.declaration.base import Key, Model, Sourced, Text

Percent = Annotated[float, Field(ge=0, le=100)]


class PriorityKind(StrEnum):
    incident = "incident"
    service_request = "service_request"  # counted apart, never in incident KPIs


class Condition(Sourced):
    """Facts that together suggest a priority (R6.5); every fact given must hold."""

    users_affected_percent_over: Percent | None = None
    users_affected_percent_at_most: Percent | None = None
    security_breach: bool | None = None
    legal_breach: bool | None = None
    workaround: bool | None = None
    central_function: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        facts = self.model_dump(exclude={"source"}, exclude_none=True)
        if not facts:
            raise ValueError(
                "a condition names at least one fact (e.g. users_affected_percent_over: 20)"
            )
        return self


class TargetUnit(StrEnum):
    minutes = "minutes"
    hours = "hours"
    working_days = "working_days"


class Target(Sourced):
    """How much time of a calendar a timer may use (R7.1, R7.3)."""

    value: Annotated[float, Field(gt=0)]
    unit: TargetUnit
    calendar: Key = Field(description="The calendar the time is counted in, e.g. primary.")


class Priority(Sourced):
    level: Annotated[int, Field(ge=1, le=9)]
    name: Text
    kind: PriorityKind = PriorityKind.incident
    major: bool = Field(default=False, description="Incidents of this priority are major (R9).")
    definition: Text
    examples: list[Text] = Field(default_factory=list)
    suggested_when: list[Condition] = Field(
        default_factory=list, description="Any one of these conditions suggests this priority."
    )
    targets: dict[Key, Target] = Field(description="Target per timer, e.g. reaction, resolution.")


class TimerStart(StrEnum):
    detected = "detected"
    registered = "registered"


class TimerStop(StrEnum):
    handed_over = "handed_over"
    resolved = "resolved"
    closed = "closed"


class OnReopen(StrEnum):
    continue_ = "continue"
    restart = "restart"


class Timer(Sourced):
    """What starts and stops a timer (R7.2, R7.4)."""

    name: Text
    definition: Text | None = None
    starts: TimerStart
    stops: Annotated[list[TimerStop], Field(min_length=1)]
    on_reopen: OnReopen = OnReopen.continue_


class SuggestionRules(Sourced):
    """How a priority is suggested from facts, and who decides (R6.5)."""

    default_priority: int = Field(description="Suggested when no condition matches.")
    override_requires_reason: bool = True


class MeasurementPeriod(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class TimerGoal(Sourced):
    """A share of incidents whose timer must be met (R7.5, R7.6)."""

    timer: Key
    met_percent: Percent
    priorities: Annotated[list[int], Field(min_length=1)]
    pooled: bool = Field(
        description="True: one share over all the priorities; false: a share per priority."
    )
    period: MeasurementPeriod = MeasurementPeriod.month


class AverageGoal(Sourced):
    """An average elapsed time of a timer, e.g. the start time on critical faults (R4)."""

    name: Text
    timer: Key
    priorities: Annotated[list[int], Field(min_length=1)]
    average_minutes: Annotated[float, Field(gt=0)]
    period: MeasurementPeriod = MeasurementPeriod.month


class Goals(Model):
    timers: list[TimerGoal] = Field(default_factory=list)
    averages: list[AverageGoal] = Field(default_factory=list)
