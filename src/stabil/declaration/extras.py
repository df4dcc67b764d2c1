"""Optional parts that other declarations use: response times and penalties."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from stabil.declaration.base import Key, Sourced, Text
from stabil.declaration.priorities import MeasurementPeriod, Percent


class ResponseTimeTarget(Sourced):
    """A web-service response-time target: a percentile, or a share under a threshold."""

    key: Key
    name: Text
    operations: list[str] = Field(default_factory=list, description="Empty means all calls.")
    threshold_ms: Annotated[int, Field(gt=0)]
    percentile: Percent | None = Field(
        default=None, description="This percentile of response times is under the threshold."
    )
    fulfilment_percent: Percent | None = Field(
        default=None, description="This share of calls is answered under the threshold."
    )
    period: MeasurementPeriod = MeasurementPeriod.month
    calendar: Key = Field(default="always", description="Calls counted in this calendar.")

    @model_validator(mode="after")
    def _one_measure(self) -> ResponseTimeTarget:
        if (self.percentile is None) == (self.fulfilment_percent is None):
            raise ValueError("give exactly one of `percentile` or `fulfilment_percent`")
        return self


class PenaltyMeasure(StrEnum):
    availability = "availability"
    timer_goal = "timer_goal"
    response_time = "response_time"


class PenaltyRule(Sourced):
    """Penalty points (bodspoint) for a missed goal, per measurement period."""

    measure: PenaltyMeasure
    applies_to: Key = Field(description="Calendar, timer or response-time target key.")
    points: Annotated[int, Field(gt=0)]
    per_started_percent: Annotated[float, Field(gt=0)] | None = Field(
        default=None, description="Points again for each started share this far below target."
    )
    max_points: Annotated[int, Field(gt=0)] | None = None


class Penalties(Sourced):
    rules: Annotated[list[PenaltyRule], Field(min_length=1)]
    point_value: Text | None = Field(default=None, description="What a point is worth.")
    cap: Text | None = None
    max_points: Annotated[int, Field(gt=0)] | None = Field(
        default=None, description="The most points a measurement period can cost, all rules."
    )
