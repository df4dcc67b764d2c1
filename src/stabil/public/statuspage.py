"""A service's status in the shape of Atlassian Statuspage's public API v2.

Messages about the service (every type but service windows and releases) are incidents;
service windows are scheduled maintenances; the declaration's parts are components. Ids are
Stabil's own, as stable strings: the service's key, a part's key, `message-12`,
`message-12-update-40`, `window-3`. docs/status.md names the mapping and where it differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from stabil.declaration.communication import MessageType
from stabil.public.site import language_prefix
from stabil.public.snapshot import (
    PartStatus,
    PublicMessage,
    PublicState,
    PublicWindow,
    ServiceStatus,
    Update,
)
from stabil.public.statuspage_shapes import (
    Component,
    Components,
    ComponentStatus,
    Impact,
    Incident,
    Incidents,
    IncidentStatus,
    IncidentUpdate,
    Indicator,
    MaintenanceStatus,
    Page,
    ScheduledMaintenance,
    ScheduledMaintenances,
    Shape,
    Status,
    StatusOnly,
    Summary,
)
from stabil.status.states import EntryKind, MessageState
from stabil.windows.states import WindowState

LIMIT = 50  # Statuspage lists the 50 newest incidents and maintenances
NOT_INCIDENTS = frozenset({MessageType.service_window, MessageType.release})

COMPONENT_STATUS: dict[PublicState, ComponentStatus] = {
    PublicState.operational: "operational",
    # Statuspage has no "unknown": like a component nobody has flagged, it reads operational.
    PublicState.unknown: "operational",
    PublicState.degraded: "degraded_performance",
    PublicState.partial_outage: "partial_outage",
    PublicState.major_outage: "major_outage",
    PublicState.maintenance: "under_maintenance",
}
INDICATOR: dict[PublicState, Indicator] = {
    PublicState.operational: "none",
    PublicState.unknown: "none",
    PublicState.degraded: "minor",
    PublicState.partial_outage: "major",
    PublicState.major_outage: "critical",
    PublicState.maintenance: "maintenance",
}
DESCRIPTION: dict[Indicator, tuple[str, str]] = {
    "none": ("Alt kører normalt", "All Systems Operational"),
    "minor": ("Forstyrrelser i driften", "Minor Service Outage"),
    "major": ("Delvist nedbrud", "Partial System Outage"),
    "critical": ("Nedbrud", "Major System Outage"),
    "maintenance": ("Servicevindue i gang", "Service Under Maintenance"),
}
IMPACT: dict[MessageType, Impact] = {
    MessageType.unavailable: "critical",
    MessageType.partially_unavailable: "major",
    MessageType.slow: "minor",
    MessageType.major_update: "critical",  # a major incident (R9)
    MessageType.restored: "none",  # the service is back (R9.6)
    MessageType.service_window: "maintenance",
    MessageType.release: "none",
}
MAINTENANCE_STATUS: dict[WindowState, MaintenanceStatus] = {
    WindowState.planned: "scheduled",  # an unplanned window is public only once under way
    WindowState.announced: "scheduled",
    WindowState.in_progress: "in_progress",
    WindowState.completed: "completed",
    WindowState.cancelled: "completed",  # Statuspage has no cancelled maintenance
}
CANCELLED = ("Aflyst.", "Cancelled.")


def documents(status: ServiceStatus, base: str, language: str) -> dict[str, bytes]:
    """The API's files under `api/v2/`, by name, in `language`."""
    shape = Shapes(status, base, language)
    incidents = shape.incidents()
    unresolved = [item for item in incidents if item.status != "resolved"]
    maintenances = shape.maintenances([*status.windows, *status.past_windows])
    maintenances.sort(key=lambda m: (m.scheduled_for, m.id), reverse=True)
    coming = shape.maintenances(status.windows)  # soonest first, as the page lists them
    page, components, indicator = shape.page(), shape.components(), shape.indicator()
    found: dict[str, Shape] = {
        "summary.json": Summary(
            page=page,
            components=components,
            incidents=unresolved,
            scheduled_maintenances=[item for item in coming if item.status != "completed"],
            status=indicator,
        ),
        "status.json": StatusOnly(page=page, status=indicator),
        "components.json": Components(page=page, components=components),
        "incidents.json": Incidents(page=page, incidents=incidents[:LIMIT]),
        "incidents/unresolved.json": Incidents(page=page, incidents=unresolved),
        "scheduled-maintenances.json": ScheduledMaintenances(
            page=page, scheduled_maintenances=maintenances[:LIMIT]
        ),
        "scheduled-maintenances/upcoming.json": ScheduledMaintenances(
            page=page, scheduled_maintenances=[m for m in coming if m.status == "scheduled"]
        ),
        "scheduled-maintenances/active.json": ScheduledMaintenances(
            page=page,
            scheduled_maintenances=[m for m in coming if m.status in ("in_progress", "verifying")],
        ),
    }
    return {name: document.model_dump_json().encode() for name, document in found.items()}


class Shapes:
    """Stabil's snapshot of one service read as Statuspage objects in one language."""

    def __init__(self, status: ServiceStatus, base: str, language: str) -> None:
        self.status, self.language = status, language
        self.zone = ZoneInfo(status.zone)
        self.url = f"{base}{language_prefix(language)}/status/{status.key}"
        self.changed = _last_change(status)

    def page(self) -> Page:
        return Page(
            id=self.status.key,
            name=self.status.name.get(self.language),
            url=self.url,
            time_zone=self.status.zone,
            updated_at=self._local(self.changed),
        )

    def indicator(self) -> Status:
        indicator = INDICATOR[self.status.state]
        danish, english = DESCRIPTION[indicator]
        return Status(indicator=indicator, description=english if self.english else danish)

    def components(self, keys: Iterable[str] | None = None) -> list[Component]:
        wanted = None if keys is None else set(keys)
        return [
            self._component(part, position)
            for position, part in enumerate(self.status.parts, start=1)
            if wanted is None or part.key in wanted
        ]

    def incidents(self) -> list[Incident]:
        """Every message about the service, newest first."""
        messages = {m.id: m for m in [*self.status.messages, *self.status.active]}.values()
        chosen = [m for m in messages if m.type not in NOT_INCIDENTS]
        chosen.sort(key=lambda m: (m.posted_at, m.id), reverse=True)
        return [self._incident(message) for message in chosen]

    def maintenances(self, windows: Iterable[PublicWindow]) -> list[ScheduledMaintenance]:
        return [self._maintenance(window) for window in windows]

    @property
    def english(self) -> bool:
        return self.language == "en"

    def _local(self, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone(self.zone)

    def _component(self, part: PartStatus, position: int) -> Component:
        changed = self._local(part.since or self.changed)
        return Component(
            id=part.key,
            name=part.name.get(self.language),
            status=COMPONENT_STATUS[part.state],
            created_at=changed,  # Stabil keeps no creation time of a part
            updated_at=changed,
            position=position,
            description=None,
            showcase=True,
            start_date=None,
            group_id=None,
            page_id=self.status.key,
            group=False,
            only_show_if_degraded=False,
        )

    def _incident(self, message: PublicMessage) -> Incident:
        incident_id = f"message-{message.id}"
        updates = sorted(message.updates, key=lambda u: (u.at, u.id))
        statuses = [_update_status(update) for update in updates]
        monitoring = [u.at for u, s in zip(updates, statuses, strict=True) if s == "monitoring"]
        return Incident(
            id=incident_id,
            name=message.title.get(self.language),
            status=_incident_status(message, statuses),
            created_at=self._local(message.posted_at),
            updated_at=self._local(message.updated_at),
            monitoring_at=self._local(monitoring[0]) if monitoring else None,
            resolved_at=None if message.resolved_at is None else self._local(message.resolved_at),
            impact=IMPACT.get(MessageType(message.type), "none"),
            shortlink=f"{self.url}/messages/{message.id}",
            started_at=self._local(message.posted_at),
            page_id=self.status.key,
            incident_updates=[
                self._update(incident_id, update, status)
                for update, status in reversed(list(zip(updates, statuses, strict=True)))
            ],
            components=self.components(message.parts or None),
        )

    def _update(self, incident_id: str, update: Update, status: IncidentStatus) -> IncidentUpdate:
        at = self._local(update.at)
        return IncidentUpdate(
            id=f"{incident_id}-update-{update.id}",
            status=status,
            body=update.body.get(self.language),
            incident_id=incident_id,
            created_at=at,
            updated_at=at,
            display_at=at,
        )

    def _maintenance(self, window: PublicWindow) -> ScheduledMaintenance:
        maintenance_id = f"window-{window.id}"
        status = MAINTENANCE_STATUS[WindowState(window.state)]
        changed = self._local(window.updated_at)
        ended = window.state in (WindowState.completed, WindowState.cancelled)
        body = (window.description or window.title).get(self.language)
        if window.state == WindowState.cancelled:
            body = f"{CANCELLED[1] if self.english else CANCELLED[0]} {body}"
        return ScheduledMaintenance(
            id=maintenance_id,
            name=window.title.get(self.language),
            status=status,
            created_at=changed,  # the snapshot holds a window's last change only
            updated_at=changed,
            monitoring_at=None,
            resolved_at=changed if ended else None,
            impact="maintenance",
            shortlink=self.url,
            started_at=self._local(window.start),
            page_id=self.status.key,
            incident_updates=[
                IncidentUpdate(
                    id=f"{maintenance_id}-{window.state}",
                    status=status,
                    body=body,
                    incident_id=maintenance_id,
                    created_at=changed,
                    updated_at=changed,
                    display_at=changed,
                )
            ],
            components=[],
            scheduled_for=self._local(window.start),
            scheduled_until=self._local(window.end),
        )


def _update_status(update: Update) -> IncidentStatus:
    """What an entry of the timeline tells, read as Statuspage's steps."""
    if update.kind == EntryKind.resolved:
        return "resolved"
    if update.type == MessageType.restored:
        return "monitoring"  # the service is back, and the message is still open
    return "identified" if update.kind == EntryKind.updated else "investigating"


def _incident_status(message: PublicMessage, statuses: list[IncidentStatus]) -> IncidentStatus:
    if message.state != MessageState.open:
        return "resolved"
    return statuses[-1] if statuses else "investigating"


def _last_change(status: ServiceStatus) -> dt.datetime:
    """The newest instant the status shows: not the instant it was read, so that the files
    change only when something in them does."""
    instants = [
        *(message.updated_at for message in [*status.messages, *status.active]),
        *(window.updated_at for window in [*status.windows, *status.past_windows]),
        *(part.since for part in status.parts if part.since is not None),
    ]
    return max(instants, default=status.generated_at)
