"""Running the service: availability, escalation, major incidents, windows and releases."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from stabil.declaration.base import Key, Model, Sourced, Text
from stabil.declaration.priorities import MeasurementPeriod, Percent
from stabil.declaration.time import TimeOfDay

WORKING_PARTY = "working_party"  # escalation recipient: whoever the incident is handed to


class AvailabilityTarget(Sourced):
    calendar: Key = Field(description="The service period measured, e.g. primary.")
    percent: Percent


class ServicePart(Sourced):
    """A part of the service that is watched on its own, e.g. the log-in (R3.3)."""

    key: Key
    name: Text
    counts: bool = Field(
        default=True,
        description="Whether the part being unavailable is downtime of the whole service.",
    )


class Availability(Sourced):
    """Uptime per service period (R3)."""

    targets: Annotated[list[AvailabilityTarget], Field(min_length=1)]
    parts: list[ServicePart] = Field(
        default_factory=list,
        description="The parts of the service that monitors watch; none: the service as one.",
    )
    period: MeasurementPeriod = MeasurementPeriod.month
    exclude_announced_windows: bool = Field(
        default=True, description="Windows announced with the required notice are not measured."
    )
    late_windows_count_as_downtime: bool = True


class EscalationKind(StrEnum):
    functional = "functional"  # to the party resolving the incident
    hierarchical = "hierarchical"  # up the management line


class EscalationRule(Sourced):
    """Who hears of a timer nearing or passing its target, and in which hours (R8)."""

    key: Key
    name: Text
    kind: EscalationKind
    priorities: Annotated[list[int], Field(min_length=1)]
    timers: Annotated[list[Key], Field(min_length=1)]
    warn_at_percent: Annotated[float, Field(gt=0, lt=100)] | None = Field(
        default=None, description="Warn when this share of the target is used."
    )
    on_breach: bool = True
    notify: Annotated[list[Key], Field(min_length=1)] = Field(
        description=f"Contact keys, or `{WORKING_PARTY}` for the party the incident is with."
    )
    hours: Key = Field(description="Calendar in which the notification may be delivered.")

    @model_validator(mode="after")
    def _does_something(self) -> EscalationRule:
        if self.warn_at_percent is None and not self.on_breach:
            raise ValueError("a rule warns (warn_at_percent) or escalates on breach, or both")
        return self


class Escalation(Sourced):
    rules: Annotated[list[EscalationRule], Field(min_length=1)]


class Orientation(Sourced):
    """When the users must be told of a major incident, and how often after (R14)."""

    content: list[Text] = Field(default_factory=list, description="What each message covers.")
    first_message: FirstMessage
    outside: OutsideRule
    updates: UpdateRule
    remind_minutes_before: Annotated[int, Field(ge=0, le=1440)] = Field(
        default=15, description="Remind this long before a message is due (0: no reminder)."
    )
    notify: list[Key] = Field(
        default_factory=list, description="Contacts reminded before a message is due."
    )
    escalate_to: list[Key] = Field(
        default_factory=list, description="Contacts told when a message is overdue."
    )


class FirstMessage(Sourced):
    in_calendar: Key = Field(description="Detected in this calendar: due within the minutes.")
    within_minutes: Annotated[int, Field(gt=0, le=1440)]


class OutsideRule(Sourced):
    """Outside the first-message calendar a message is due at the next given local time."""

    calendar: Key | None = Field(default=None, description="The other calendar, for display.")
    due_at: TimeOfDay


class UpdateRule(Sourced):
    every_minutes: Annotated[int, Field(gt=0, le=1440)]


class ProcedureHours(Sourced):
    """When the major-incident procedure is followed, and by whom (R9.2)."""

    joint: Key = Field(description="Calendar in which every stakeholder follows it.")
    agency: Key = Field(description="Calendar in which the agency follows it.")


class DowntimeStep(Sourced):
    """After this much downtime the agency may send more status or call a meeting (R9.4)."""

    after_minutes: Annotated[int, Field(gt=0)]
    actions: Annotated[list[Text], Field(min_length=1)]
    notify: Annotated[list[Key], Field(min_length=1)]


class RestoredMessage(Sourced):
    """When service is back, a "service restored" message is due (R9.6)."""

    required: bool = True
    channels: list[str] = Field(default_factory=lambda: ["status"])
    within_minutes: Annotated[int, Field(gt=0, le=7 * 1440)] = Field(
        default=60, description="Due this long after the incident is resolved."
    )
    notify: list[Key] = Field(
        default_factory=list, description="Contacts reminded when it is due and not posted."
    )


class PostReview(Sourced):
    """The post-review report after a major incident (R9.7)."""

    due_days: Annotated[int, Field(gt=0, le=365)] = Field(description="Calendar days.")
    remind_days_before: Annotated[int, Field(ge=0, le=365)] = 3
    recipients: Annotated[list[Key], Field(min_length=1)] = Field(
        description="Contacts the finished report is sent to."
    )
    notify: list[Key] = Field(
        default_factory=list, description="Contacts reminded while the report is not sent."
    )
    sections: list[Text] = Field(default_factory=list)


class ReviewMeeting(Sourced):
    every_months: Annotated[int, Field(gt=0, le=12)]
    participants: list[Key] = Field(default_factory=list)


class MajorIncidents(Sourced):
    """The major-incident process (R9, R14)."""

    purpose: Text | None = None
    priorities: Annotated[list[int], Field(min_length=1)]
    procedure_hours: ProcedureHours | None = None
    status_content: list[Text] = Field(default_factory=list)
    continuous_updates: Text | None = None
    downtime_step: DowntimeStep | None = None
    restored_message: RestoredMessage | None = None
    post_review: PostReview | None = None
    review_meeting: ReviewMeeting | None = None
    orientation: Orientation | None = None


class WindowKind(Sourced):
    """A kind of service window with its length, quota, allowed time and notice (R13)."""

    key: Key
    name: Text
    planned: bool = True
    max_minutes: Annotated[int, Field(gt=0, le=7 * 1440)]
    per_year: Annotated[int, Field(ge=0, le=366)] | None = Field(
        default=None, description="Quota per calendar year; omit for no quota."
    )
    allowed_in: Key = Field(description="Calendar the window must lie wholly within.")
    notice_days: Annotated[int, Field(ge=0)] = Field(description="Calendar days of notice.")

    @model_validator(mode="after")
    def _notice_within_a_year(self) -> WindowKind:
        if self.notice_days > 365:
            raise ValueError(
                f"notice_days is {self.notice_days}, longer than a year (at most 365 days)"
            )
        return self


class ServiceWindows(Sourced):
    announce_on: Text | None = None
    as_early_as_possible: bool = Field(default=True, description="Announce planned work early.")
    reminder_hours: Annotated[int, Field(ge=0, le=24 * 30)] = Field(
        default=24,
        description="Hours before an announced window's start that its reminder is sent; 0: none.",
    )
    kinds: Annotated[list[WindowKind], Field(min_length=1)]
    in_service_period: Key | None = Field(
        default=None, description="Service period every window must lie in, e.g. secondary."
    )


class ShorterNoticeReason(StrEnum):
    legal = "legal"
    technical = "technical"
    urgent = "urgent"


class Releases(Sourced):
    """Written notice to users before a release that changes an interface (R11)."""

    interface_change_notice_months: Annotated[int, Field(ge=0, le=12)]
    shorter_notice_allowed_for: list[ShorterNoticeReason] = Field(default_factory=list)
    shorter_notice_obligation: Text | None = None
    notify: list[Key] = Field(default_factory=list)


class ChangeManagement(Sourced):
    description: Text
    goals: list[Text] = Field(default_factory=list)


class ReportScope(StrEnum):
    all = "all"  # every report
    major = "major"  # a suspected major incident: reported with a major priority


class ReportingRoute(Sourced):
    """Where a kind of report goes, in which hours (R5.3).

    A new incident is sent at once to every route that takes it: `reports` says which
    reports a route takes, and `hours` the calendar the registration must fall in.
    """

    what: Text
    reports: ReportScope = Field(
        default=ReportScope.all,
        description="Which reports it takes: `all`, or `major` (reported with a major priority).",
    )
    to: Annotated[list[Key], Field(min_length=1)]
    hours: Key | None = Field(
        default=None, description="Only reports registered in this calendar; omit for always."
    )


class IncidentManagement(Model):
    definition: Text
    goals: list[Text] = Field(default_factory=list)
    reporting: list[ReportingRoute] = Field(default_factory=list)


class ResponsibleParty(StrEnum):
    agency = "agency"
    supplier = "supplier"
    authority = "authority"


class ResponsibilityRule(Sourced):
    """Who must fix a fault with the given cause (R15)."""

    cause: Text
    responsible: ResponsibleParty


Orientation.model_rebuild()

__all__ = [
    "WORKING_PARTY",
    "Availability",
    "ChangeManagement",
    "Escalation",
    "IncidentManagement",
    "MajorIncidents",
    "Releases",
    "ResponsibilityRule",
    "ServiceWindows",
]
