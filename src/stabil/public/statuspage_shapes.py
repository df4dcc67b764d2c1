"""The objects of Atlassian Statuspage's public API v2, as far as Stabil fills them.

Clients, dashboards and aggregators written for Statuspage read `/api/v2/summary.json` and
its siblings; these models give them the keys and values they expect, in Statuspage's order.
Instants are written with milliseconds and the zone's offset, as Statuspage writes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer

Instant = Annotated[
    dt.datetime,
    PlainSerializer(lambda value: value.isoformat(timespec="milliseconds"), return_type=str),
]
ComponentStatus = Literal[
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"
]
# `maintenance` is what Statuspage itself answers while a window is under way.
Indicator = Literal["none", "minor", "major", "critical", "maintenance"]
Impact = Literal["none", "minor", "major", "critical", "maintenance"]
IncidentStatus = Literal["investigating", "identified", "monitoring", "resolved", "postmortem"]
MaintenanceStatus = Literal["scheduled", "in_progress", "verifying", "completed"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Page(Shape):
    id: str
    name: str
    url: str
    time_zone: str
    updated_at: Instant


class Status(Shape):
    indicator: Indicator
    description: str


class Component(Shape):
    id: str
    name: str
    status: ComponentStatus
    created_at: Instant
    updated_at: Instant
    position: int
    description: str | None
    showcase: bool
    start_date: dt.date | None
    group_id: str | None
    page_id: str
    group: bool
    only_show_if_degraded: bool


class IncidentUpdate(Shape):
    id: str
    status: IncidentStatus | MaintenanceStatus
    body: str
    incident_id: str
    created_at: Instant
    updated_at: Instant
    display_at: Instant
    affected_components: None = None  # Statuspage's before/after states; Stabil keeps none


class Incident(Shape):
    id: str
    name: str
    status: IncidentStatus
    created_at: Instant
    updated_at: Instant
    monitoring_at: Instant | None
    resolved_at: Instant | None
    impact: Impact
    shortlink: str
    started_at: Instant
    page_id: str
    incident_updates: list[IncidentUpdate]  # newest first
    components: list[Component]


class ScheduledMaintenance(Shape):
    id: str
    name: str
    status: MaintenanceStatus
    created_at: Instant
    updated_at: Instant
    monitoring_at: Instant | None
    resolved_at: Instant | None
    impact: Impact
    shortlink: str
    started_at: Instant
    page_id: str
    incident_updates: list[IncidentUpdate]
    components: list[Component]
    scheduled_for: Instant
    scheduled_until: Instant


class Summary(Shape):
    page: Page
    components: list[Component]
    incidents: list[Incident]  # unresolved
    scheduled_maintenances: list[ScheduledMaintenance]  # upcoming and in progress
    status: Status


class StatusOnly(Shape):
    page: Page
    status: Status


class Components(Shape):
    page: Page
    components: list[Component]


class Incidents(Shape):
    page: Page
    incidents: list[Incident]


class ScheduledMaintenances(Shape):
    page: Page
    scheduled_maintenances: list[ScheduledMaintenance]
