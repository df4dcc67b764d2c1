"""When the compliance reports are mailed, to whom and in which formats (R17, and the
weekly KPI report and monthly operations follow-up that agencies pass around)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from stabil.declaration.base import Key, Model, Sourced
from stabil.declaration.time import TimeOfDay


class ReportFormat(StrEnum):
    pdf = "pdf"
    xlsx = "xlsx"
    html = "html"
    csv = "csv"
    json = "json"


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


class Delivery(Sourced):
    to: Annotated[list[Key], Field(min_length=1, description="Contact keys mailed the report.")]
    send_at: TimeOfDay = Field(default=dt.time(8), description="Local time of day it is sent.")
    formats: Annotated[list[ReportFormat], Field(min_length=1)] = Field(
        default_factory=lambda: [ReportFormat.pdf], description="Attached, one file each."
    )
    language: Literal["da", "en"] = "da"


class WeeklyDelivery(Delivery):
    """Last ISO week's report, on this weekday of the week after it."""

    weekday: Weekday = Weekday.mon


class MonthlyDelivery(Delivery):
    """Last month's report, on the first working day of the month after it (the calendar of
    `time.working_days`; its first day when the declaration has no working days)."""


class ReportDeliveries(Model):
    weekly: WeeklyDelivery | None = None
    monthly: MonthlyDelivery | None = None
