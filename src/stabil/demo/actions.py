"""What the plan asks the writer to do: one action per service call, at its own instant.

Records are named by references the plan makes up (`I12`, `M3`, `P1`, `R7`), because their
keys are handed out by the services only when they are created; actors are named by the
handles of `stabil.demo.people`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from stabil.changes.states import ChangeState, ChangeType, Risk
from stabil.declaration.communication import MessageType
from stabil.desk.service import Channel, Responsible
from stabil.desk.suggestion import Impact
from stabil.problems.states import ProblemState
from stabil.requests.states import Category, RequestState


@dataclass(frozen=True, slots=True)
class Report:
    ref: str
    actor: str
    title: str
    description: str
    impact: Impact
    detected_at: dt.datetime
    channel: Channel
    priority: int | None = None
    priority_reason: str | None = None
    reporter_name: str | None = None
    responsible: Responsible = Responsible.agency


@dataclass(frozen=True, slots=True)
class HandOver:
    ref: str
    actor: str
    party: str
    at: dt.datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Resolve:
    ref: str
    actor: str
    at: dt.datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Reopen:
    ref: str
    actor: str
    at: dt.datetime
    note: str


@dataclass(frozen=True, slots=True)
class Close:
    ref: str
    actor: str


@dataclass(frozen=True, slots=True)
class Cancel:
    ref: str
    actor: str
    reason: str


@dataclass(frozen=True, slots=True)
class Reprioritise:
    ref: str
    actor: str
    priority: int
    reason: str


@dataclass(frozen=True, slots=True)
class SaveReview:
    ref: str
    actor: str
    cause: str  # written into the draft the desk makes from the incident's history
    impact: str
    actions: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class SubmitReview:
    ref: str
    actor: str


@dataclass(frozen=True, slots=True)
class PostMessage:
    ref: str
    actor: str
    type: MessageType
    affected: tuple[str, ...]
    title: str
    title_en: str
    body: str
    body_en: str
    affected_users: str | None = None
    cause: str | None = None
    horizon: str | None = None
    incidents: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateMessage:
    ref: str
    actor: str
    body: str
    body_en: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResolveMessage:
    ref: str
    actor: str
    body: str
    body_en: str


@dataclass(frozen=True, slots=True)
class CloseMessage:
    ref: str
    actor: str


@dataclass(frozen=True, slots=True)
class OpenProblem:
    ref: str
    actor: str
    title: str
    description: str
    owner: str
    incidents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LinkIncidents:
    ref: str
    actor: str
    incidents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EditProblem:
    ref: str
    actor: str
    changes: dict[str, str]


@dataclass(frozen=True, slots=True)
class ProblemStep:
    ref: str
    actor: str
    target: ProblemState
    note: str | None = None


@dataclass(frozen=True, slots=True)
class SubmitRequest:
    ref: str
    actor: str
    title: str
    description: str
    category: Category
    requester_name: str | None = None


@dataclass(frozen=True, slots=True)
class RequestStep:
    ref: str
    actor: str
    target: RequestState
    note: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PlanWindow:
    """A service window, announced at the action's instant (`announced_at`: earlier)."""

    ref: str
    actor: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    title: str
    body: str
    body_en: str
    affected: tuple[str, ...]
    override_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CancelWindow:
    ref: str
    actor: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequestChange:
    ref: str
    actor: str
    type: ChangeType
    title: str
    risk: Risk
    start: dt.datetime
    end: dt.datetime
    description: str
    implementation_plan: str
    fallback_plan: str


@dataclass(frozen=True, slots=True)
class ChangeStep:
    ref: str
    actor: str
    target: ChangeState
    note: str | None = None


@dataclass(frozen=True, slots=True)
class LinkWindow:
    ref: str  # the change's
    actor: str
    window: str  # the window's


@dataclass(frozen=True, slots=True)
class RegisterRelease:
    """A release, announced at the action's instant (`announced_at`: earlier)."""

    ref: str
    actor: str
    version: str
    planned_date: dt.date
    notes: str
    notes_en: str
    interface_change: bool = False
    shorter_notice_reason: str | None = None
    announced_at: dt.datetime | None = None  # announced before the history, entered now


@dataclass(frozen=True, slots=True)
class ReleaseStep:
    """`released` (out at the action's instant) or `help_given` (R11.1)."""

    ref: str
    actor: str
    step: str


@dataclass(frozen=True, slots=True)
class PlanMeeting:
    ref: str
    actor: str
    forum: str
    starts_at: dt.datetime
    invitees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecordMinutes:
    ref: str
    actor: str
    minutes: str
    decisions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AddAction:
    ref: str  # the meeting's
    actor: str
    action: str  # the action's own reference
    text: str
    owner: str  # an organisation's key
    due_on: dt.date


@dataclass(frozen=True, slots=True)
class CompleteAction:
    action: str
    actor: str


Op = (
    Report
    | HandOver
    | Resolve
    | Reopen
    | Close
    | Cancel
    | Reprioritise
    | SaveReview
    | SubmitReview
    | PostMessage
    | UpdateMessage
    | ResolveMessage
    | CloseMessage
    | OpenProblem
    | LinkIncidents
    | EditProblem
    | ProblemStep
    | SubmitRequest
    | RequestStep
    | PlanWindow
    | CancelWindow
    | RequestChange
    | ChangeStep
    | LinkWindow
    | RegisterRelease
    | ReleaseStep
    | PlanMeeting
    | RecordMinutes
    | AddAction
    | CompleteAction
)


@dataclass(frozen=True, slots=True)
class Action:
    """`op`, recorded at `at` (the service's `now`); `order` keeps the plan's order on ties."""

    at: dt.datetime
    order: int
    op: Op

    def sort_key(self) -> tuple[dt.datetime, int]:
        return (self.at, self.order)
