"""The declaration as a whole: one typed object per YAML file (schema version 1)."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field

from stabil.declaration.base import Key, Model
from stabil.declaration.calendars import resolve_week_patterns
from stabil.declaration.communication import (
    Communication,
    Contact,
    ContactPolicy,
    Meeting,
    MessageType,
)
from stabil.declaration.extras import Penalties, ResponseTimeTarget
from stabil.declaration.hours import WeekPattern
from stabil.declaration.metadata import Metadata
from stabil.declaration.operations import (
    Availability,
    ChangeManagement,
    Escalation,
    IncidentManagement,
    MajorIncidents,
    Releases,
    ResponsibilityRule,
    ServicePart,
    ServiceWindows,
)
from stabil.declaration.priorities import Goals, Priority, SuggestionRules, Target, Timer
from stabil.declaration.reporting import ReportDeliveries
from stabil.declaration.time import TimeRules

SCHEMA_VERSION = 1


class Declaration(Model):
    """A service declaration: every promise of a service, as data."""

    schema_version: Literal[1] = Field(description="The version of this schema; now 1.")
    metadata: Metadata
    time: TimeRules
    incident_management: IncidentManagement | None = None
    priorities: Annotated[list[Priority], Field(min_length=1)]
    priority_suggestion: SuggestionRules | None = None
    timers: Annotated[dict[Key, Timer], Field(min_length=1)]
    goals: Goals = Field(default_factory=Goals)
    availability: Availability | None = None
    escalation: Escalation | None = None
    major_incidents: MajorIncidents | None = None
    service_windows: ServiceWindows | None = None
    releases: Releases | None = None
    change_management: ChangeManagement | None = None
    communication: Communication | None = None
    responsibility: list[ResponsibilityRule] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    contact_policy: ContactPolicy | None = None
    meetings: list[Meeting] = Field(default_factory=list)
    response_times: list[ResponseTimeTarget] = Field(default_factory=list)
    penalties: Penalties | None = None
    reports: ReportDeliveries | None = None

    @property
    def key(self) -> str:
        return self.metadata.service

    @property
    def version(self) -> str:
        return self.metadata.version

    def priority(self, level: int) -> Priority:
        for priority in self.priorities:
            if priority.level == level:
                return priority
        known = ", ".join(str(item.level) for item in self.priorities)
        raise KeyError(f"priority {level} is not in this declaration (known: {known})")

    def target(self, level: int, timer: str) -> Target:
        targets = self.priority(level).targets
        if timer not in targets:
            known = ", ".join(targets)
            raise KeyError(f"priority {level} has no {timer!r} target (known: {known})")
        return targets[timer]

    def major_priorities(self) -> set[int]:
        majors = self.major_incidents.priorities if self.major_incidents else []
        return {item.level for item in self.priorities if item.major} | set(majors)

    def message_types(self) -> list[MessageType]:
        """The kinds of operational message its status channel carries, in declared order."""
        communication = self.communication
        return [rule.type for rule in communication.message_types] if communication else []

    def parts(self) -> list[ServicePart]:
        """The parts of the service watched on their own, in declared order (R3.3)."""
        return list(self.availability.parts) if self.availability else []

    def part(self, key: str) -> ServicePart:
        for part in self.parts():
            if part.key == key:
                return part
        known = ", ".join(part.key for part in self.parts()) or "none"
        raise KeyError(f"part {key!r} is not in this declaration (known: {known})")

    def contact(self, key: str) -> Contact:
        for contact in self.contacts:
            if contact.key == key:
                return contact
        raise KeyError(f"contact {key!r} is not in this declaration")

    @cached_property
    def week_patterns(self) -> dict[str, WeekPattern]:
        """Every calendar's weekly hours, holidays observed; the declaration is known valid."""
        patterns, problems = resolve_week_patterns(self.time)
        if problems:
            raise ValueError(problems[0].message)
        return patterns
