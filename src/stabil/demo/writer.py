"""Carrying out the plan through the services, as the API would, each action at its instant.

Before each action the worker's due jobs run, each at the instant it came due, so that the
escalations, orientation reminders and misses, downtime steps, restored-message and review
reminders are recorded as a worker would have recorded them then. Nothing is written to a
table directly: every row comes from a service function or a job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.publishing import PUBLISH
from stabil.changes import service as changes
from stabil.changes.models import Change
from stabil.demo.actions import (
    Action,
    AddAction,
    Cancel,
    CancelWindow,
    ChangeStep,
    Close,
    CloseMessage,
    CompleteAction,
    EditProblem,
    HandOver,
    LinkIncidents,
    LinkWindow,
    OpenProblem,
    PlanMeeting,
    PlanWindow,
    PostMessage,
    ProblemStep,
    RecordMinutes,
    RegisterRelease,
    ReleaseStep,
    Reopen,
    Report,
    Reprioritise,
    RequestChange,
    RequestStep,
    Resolve,
    ResolveMessage,
    SaveReview,
    SubmitRequest,
    SubmitReview,
    UpdateMessage,
)
from stabil.desk import transitions
from stabil.desk.models import Incident
from stabil.desk.review import draft_report, save_review, submit_review
from stabil.desk.service import NewIncident, change_priority, open_incident
from stabil.errors import Refusal
from stabil.meetings import service as meetings
from stabil.meetings.models import Meeting, MeetingAction
from stabil.problems import service as problems
from stabil.problems.models import Problem
from stabil.releases import service as releases
from stabil.releases.models import Release
from stabil.requests import service as requests
from stabil.requests.models import ServiceRequest
from stabil.requests.states import RequestState
from stabil.status import service as status
from stabil.status.models import Message
from stabil.windows import service as windows
from stabil.windows.models import ServiceWindow
from stabil.worker.jobs import run_due_jobs
from stabil.worker.models import Job, JobState
from stabil.worker.runner import JOB_BATCH, load_handlers


class PlanRefused(Exception):
    """A service refused an action of the plan: the plan is wrong, and nothing is kept."""


@dataclass(slots=True)
class Writer:
    session: Session
    service: str
    users: dict[str, User]
    incidents: dict[str, Incident] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    requests: dict[str, ServiceRequest] = field(default_factory=dict)
    windows: dict[str, ServiceWindow] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    meeting_actions: dict[str, MeetingAction] = field(default_factory=dict)
    jobs: int = 0

    def run(self, actions: Sequence[Action], end: dt.datetime, advance: Callable[[], None]) -> None:
        """Every action in order, the jobs due before each, and those due by `end`."""
        load_handlers()
        for action in actions:
            self.jobs_until(action.at)
            try:
                self.apply(action)
            except Refusal as error:
                raise PlanRefused(f"{action.op} at {action.at.isoformat()}: {error}") from error
            advance()
        self.jobs_until(end)

    def jobs_until(self, instant: dt.datetime) -> None:
        """Run the due jobs at the instant each came due, up to `instant`."""
        while True:
            # The public site is not published along the history: each publication would show
            # a moment long past, and `stabil serve` publishes the present as it starts. Asked
            # for again by the jobs just run, too: publishing takes most of a batch's time.
            self.session.execute(
                update(Job)
                .where(Job.kind == PUBLISH, Job.state == JobState.pending.value)
                .values(state=JobState.cancelled.value)
            )
            due = self.session.scalar(
                select(func.min(Job.run_at)).where(Job.state == JobState.pending.value)
            )
            if due is None or due > instant:
                return
            self.jobs += run_due_jobs(self.session, due, limit=JOB_BATCH)

    def keys(self, refs: Sequence[str]) -> list[str]:
        return [self.incidents[ref].key for ref in refs]

    def apply(self, action: Action) -> None:
        now, op = action.at, action.op
        match op:
            case Report() | HandOver() | Resolve() | Reopen() | Close() | Cancel():
                self._incident(op, now)
            case Reprioritise() | SaveReview() | SubmitReview():
                self._major(op, now)
            case PostMessage() | UpdateMessage() | ResolveMessage() | CloseMessage():
                self._message(op, now)
            case OpenProblem() | LinkIncidents() | EditProblem() | ProblemStep():
                self._problem(op, now)
            case SubmitRequest() | RequestStep():
                self._request(op, now)
            case PlanWindow() | CancelWindow():
                self._window(op, now)
            case RequestChange() | ChangeStep() | LinkWindow():
                self._change(op, now)
            case RegisterRelease() | ReleaseStep():
                self._release(op, now)
            case PlanMeeting() | RecordMinutes() | AddAction() | CompleteAction():
                self._meeting(op, now)

    def _incident(
        self, op: Report | HandOver | Resolve | Reopen | Close | Cancel, now: dt.datetime
    ) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case Report():
                new = NewIncident(
                    service=self.service,
                    title=op.title,
                    description=op.description,
                    impact=op.impact,
                    detected_at=op.detected_at,
                    priority=op.priority,
                    priority_reason=op.priority_reason,
                    channel=op.channel,
                    reporter_name=op.reporter_name,
                    responsible=op.responsible,
                )
                self.incidents[op.ref] = open_incident(session, actor, new, now=now)
            case HandOver():
                incident = self.incidents[op.ref]
                transitions.hand_over(
                    session, actor, incident, party=op.party, at=op.at, note=op.note, now=now
                )
            case Resolve():
                incident = self.incidents[op.ref]
                transitions.resolve(session, actor, incident, at=op.at, note=op.note, now=now)
            case Reopen():
                incident = self.incidents[op.ref]
                transitions.reopen(session, actor, incident, at=op.at, note=op.note, now=now)
            case Close():
                transitions.close(session, actor, self.incidents[op.ref], now=now)
            case Cancel():
                incident = self.incidents[op.ref]
                transitions.cancel(session, actor, incident, reason=op.reason, now=now)

    def _major(self, op: Reprioritise | SaveReview | SubmitReview, now: dt.datetime) -> None:
        session, actor, incident = self.session, self.users[op.actor], self.incidents[op.ref]
        match op:
            case Reprioritise():
                change_priority(session, actor, incident, op.priority, op.reason, now=now)
            case SaveReview():
                report = _filled(draft_report(session, incident), op.cause, op.impact)
                actions = [dict(item) for item in op.actions]
                save_review(session, actor, incident, report=report, actions=actions, now=now)
            case SubmitReview():
                submit_review(session, actor, incident, now=now)

    def _message(
        self, op: PostMessage | UpdateMessage | ResolveMessage | CloseMessage, now: dt.datetime
    ) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case PostMessage():
                new = status.NewMessage(
                    service=self.service,
                    type=op.type,
                    affected=op.affected,
                    title=op.title,
                    title_en=op.title_en,
                    body=op.body,
                    body_en=op.body_en,
                    affected_users=op.affected_users,
                    cause=op.cause,
                    horizon=op.horizon,
                    incidents=self.keys(op.incidents),
                )
                self.messages[op.ref] = status.post_message(session, actor, new, now=now)
            case UpdateMessage():
                update = status.MessageUpdate(body=op.body, body_en=op.body_en, changes=op.changes)
                status.update_message(session, actor, self.messages[op.ref], update, now=now)
            case ResolveMessage():
                message = self.messages[op.ref]
                status.resolve_message(
                    session, actor, message, body=op.body, body_en=op.body_en, now=now
                )
            case CloseMessage():
                status.close_message(session, actor, self.messages[op.ref], now=now)

    def _problem(
        self, op: OpenProblem | LinkIncidents | EditProblem | ProblemStep, now: dt.datetime
    ) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case OpenProblem():
                new = problems.NewProblem(
                    service=self.service,
                    title=op.title,
                    description=op.description,
                    owner=op.owner,
                    incidents=self.keys(op.incidents),
                )
                self.problems[op.ref] = problems.open_problem(session, actor, new, now=now)
            case LinkIncidents():
                problem = self.problems[op.ref]
                problems.link_incidents(session, actor, problem, self.keys(op.incidents), now=now)
            case EditProblem():
                problems.edit_problem(session, actor, self.problems[op.ref], op.changes, now=now)
            case ProblemStep():
                step = problems.TRANSITIONS[op.target]
                step(session, actor, self.problems[op.ref], note=op.note, now=now)

    def _request(self, op: SubmitRequest | RequestStep, now: dt.datetime) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case SubmitRequest():
                new = requests.NewRequest(
                    service=self.service,
                    title=op.title,
                    description=op.description,
                    category=op.category,
                    requester_name=op.requester_name,
                )
                self.requests[op.ref] = requests.submit_request(session, actor, new, now=now)
            case RequestStep(target=RequestState.rejected):
                request = self.requests[op.ref]
                requests.reject(session, actor, request, reason=op.reason, note=op.note, now=now)
            case RequestStep():
                step = REQUEST_STEPS[op.target]
                step(session, actor, self.requests[op.ref], note=op.note, now=now)

    def _window(self, op: PlanWindow | CancelWindow, now: dt.datetime) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case PlanWindow():
                new = windows.NewWindow(
                    service=self.service,
                    kind=op.kind,
                    start=op.start,
                    end=op.end,
                    title=op.title,
                    body=op.body,
                    body_en=op.body_en,
                    affected=op.affected,
                    announce=True,
                    override_reason=op.override_reason,
                )
                self.windows[op.ref] = windows.plan_window(session, actor, new, now=now)
            case CancelWindow():
                windows.cancel_window(session, actor, self.windows[op.ref], op.reason, now=now)

    def _change(self, op: RequestChange | ChangeStep | LinkWindow, now: dt.datetime) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case RequestChange():
                new = changes.NewChange(
                    service=self.service,
                    type=op.type,
                    title=op.title,
                    risk=op.risk,
                    start=op.start,
                    end=op.end,
                    description=op.description,
                    implementation_plan=op.implementation_plan,
                    fallback_plan=op.fallback_plan,
                )
                self.changes[op.ref] = changes.request_change(session, actor, new, now=now)
            case ChangeStep():
                change = self.changes[op.ref]
                changes.move(session, actor, change, op.target, note=op.note, now=now)
            case LinkWindow():
                window = self.windows[op.window]
                changes.link_window(session, actor, self.changes[op.ref], window.id, now=now)

    def _release(self, op: RegisterRelease | ReleaseStep, now: dt.datetime) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case RegisterRelease():
                new = releases.NewRelease(
                    service=self.service,
                    version=op.version,
                    planned_date=op.planned_date,
                    notes=op.notes,
                    notes_en=op.notes_en,
                    interface_change=op.interface_change,
                    announce=True,
                    announced_at=op.announced_at,
                    shorter_notice_reason=op.shorter_notice_reason,
                )
                self.releases[op.ref] = releases.register_release(session, actor, new, now=now)
            case ReleaseStep(step="released"):
                releases.mark_released(session, actor, self.releases[op.ref], now=now)
            case ReleaseStep():
                releases.mark_help_given(session, actor, self.releases[op.ref], now=now)

    def _meeting(
        self, op: PlanMeeting | RecordMinutes | AddAction | CompleteAction, now: dt.datetime
    ) -> None:
        session, actor = self.session, self.users[op.actor]
        match op:
            case PlanMeeting():
                new = meetings.NewMeeting(
                    service=self.service,
                    forum=op.forum,
                    starts_at=op.starts_at,
                    invitees=list(op.invitees),
                )
                self.meetings[op.ref] = meetings.plan_meeting(session, actor, new, now=now)
            case RecordMinutes():
                meeting = self.meetings[op.ref]
                decisions = list(op.decisions)
                meetings.record_minutes(session, actor, meeting, op.minutes, decisions, now=now)
            case AddAction():
                meeting = self.meetings[op.ref]
                self.meeting_actions[op.action] = meetings.add_action(
                    session, actor, meeting, op.text, op.owner, op.due_on, now=now
                )
            case CompleteAction():
                action = self.meeting_actions[op.action]
                meetings.complete_action(session, actor, action, now=now)


REQUEST_STEPS = {
    RequestState.in_progress: requests.start,
    RequestState.fulfilled: requests.fulfil,
    RequestState.withdrawn: requests.withdraw,
    RequestState.closed: requests.close,
}
SECTIONS = ("## Årsag / Cause", "## Påvirkning / Impact")


def _filled(draft: str, cause: str, impact: str) -> str:
    """The desk's draft with its cause and impact sections written; appended if the draft
    has no such heading."""
    report = draft
    for heading, text in zip(SECTIONS, (cause, impact), strict=True):
        if heading in report:
            report = report.replace(heading, f"{heading}\n\n{text}", 1)
        else:
            report += f"\n{heading}\n\n{text}\n"
    return report
