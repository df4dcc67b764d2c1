"""The major-incident process: orientation deadlines, the downtime step, the restored message
and the post-review report, each a job that checks the facts when it comes due (R9, R14).

Nothing here is told when an operational message is posted. A job that comes due reads the
messages recorded on its incident's timeline (stabil.desk.messages) and, if one was posted
since its cycle began, plans the next cycle instead of reminding or recording a miss. So the
deadlines follow the messages without the status domain having to know about major incidents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.clock import Clock, clock_for
from stabil.declaration import Declaration
from stabil.declaration.operations import MajorIncidents
from stabil.desk.downtime import downtime_of
from stabil.desk.events import declaration_for
from stabil.desk.grace import after_grace
from stabil.desk.messages import Post, posts_about
from stabil.desk.models import Incident, MajorReview
from stabil.desk.notify import compose, incident_lines, incident_mails, local_text, recipients
from stabil.desk.states import State
from stabil.outbox.service import enqueue_emails
from stabil.records.history import append_event
from stabil.worker.jobs import Plan, handles
from stabil.worker.models import Job

OPEN = {State.registered.value, State.handed_over.value}
ORIENTATION, DOWNTIME, RESTORED, REVIEW = (
    "major.orientation",
    "major.downtime",
    "major.restored",
    "major.review",
)


def is_major(incident: Incident, declaration: Declaration) -> bool:
    return (
        declaration.major_incidents is not None
        and incident.priority in declaration.major_priorities()
    )


@dataclass(frozen=True, slots=True)
class Orientation:
    """Where the operational messages about a major incident stand (R14.4)."""

    last_message_at: dt.datetime | None
    next_message_due: dt.datetime | None  # None once the incident is no longer open
    overdue: bool


def orientation_of(
    session: Session, incident: Incident, declaration: Declaration, now: dt.datetime
) -> Orientation:
    """The latest message since detection, and when the next is due: the first one from the
    detection, each later one from the message before it; none once the incident is closed."""
    return orientation_from(incident, declaration, posts_about(session, incident), now)


def orientation_from(
    incident: Incident, declaration: Declaration, posts: Iterable[Post], now: dt.datetime
) -> Orientation:
    """`orientation_of` from the posts already read: a list of incidents asks for them once."""
    times = [post.at for post in posts if post.at >= incident.detected_at]
    last = max(times, default=None)
    majors = declaration.major_incidents
    due = None
    if incident.state in OPEN and majors is not None and majors.orientation is not None:
        clock = clock_for(declaration)
        due = (
            clock.orientation_next_due(last)
            if last
            else clock.orientation_first_due(incident.detected_at)
        )
    return Orientation(last_message_at=last, next_message_due=due, overdue=bool(due and now > due))


def _key(incident: Incident, *parts: str) -> str:
    return ":".join(("maj", incident.key, *parts))


def plan_major(
    plan: Plan,
    session: Session,
    incident: Incident,
    declaration: Declaration,
    clock: Clock,
    now: dt.datetime,
) -> None:
    """Plan the jobs the incident's state calls for; cancel those it no longer does."""
    majors = declaration.major_incidents
    if majors is None or not is_major(incident, declaration) or incident.state == "cancelled":
        plan.cancel(incident.key, _key(incident, ""))
        return
    if incident.state in OPEN:
        _plan_open(plan, incident, majors, clock)
        return
    plan.cancel(incident.key, _key(incident, "orient", ""))
    plan.cancel(incident.key, _key(incident, "downtime"))
    if incident.state == State.resolved.value:
        _plan_resolved(plan, session, incident, majors, now)


def _plan_open(plan: Plan, incident: Incident, majors: MajorIncidents, clock: Clock) -> None:
    if majors.orientation is not None:
        start = incident.detected_at
        plan_orientation(plan, incident, clock, start, clock.orientation_first_due(start))
    if majors.downtime_step is not None:
        run_at = incident.detected_at + dt.timedelta(minutes=majors.downtime_step.after_minutes)
        plan.schedule(
            kind=DOWNTIME,
            subject_key=incident.key,
            dedupe_key=_key(incident, "downtime"),
            run_at=after_grace(incident, run_at),
            payload={"incident": incident.key},
        )


def plan_orientation(
    plan: Plan, incident: Incident, clock: Clock, cycle_start: dt.datetime, due: dt.datetime
) -> None:
    """Jobs for one orientation cycle: a reminder before the message is due, then the due."""
    majors = declaration_for(incident).major_incidents
    assert majors is not None
    assert majors.orientation is not None
    remind = dt.timedelta(minutes=majors.orientation.remind_minutes_before)
    payload = {
        "incident": incident.key,
        "cycle_start": cycle_start.isoformat(),
        "due": due.isoformat(),
    }
    stages = [("due", due)] + ([("remind", max(cycle_start, due - remind))] if remind else [])
    for stage, run_at in stages:
        plan.schedule(
            kind=ORIENTATION,
            subject_key=incident.key,
            dedupe_key=_key(incident, "orient", due.isoformat(), stage),
            run_at=after_grace(incident, run_at),
            payload={**payload, "stage": stage},
        )


def _plan_resolved(
    plan: Plan, session: Session, incident: Incident, majors: MajorIncidents, now: dt.datetime
) -> None:
    resolved_at = incident.state_since
    if majors.restored_message is not None and majors.restored_message.required:
        run_at = resolved_at + dt.timedelta(minutes=majors.restored_message.within_minutes)
        plan.schedule(
            kind=RESTORED,
            subject_key=incident.key,
            dedupe_key=_key(incident, "restored", resolved_at.isoformat()),
            run_at=run_at,
            payload={"incident": incident.key, "resolved_at": resolved_at.isoformat()},
        )
    if majors.post_review is not None:
        review = ensure_review(session, incident, majors, resolved_at, now)
        reminder = review.due_at - dt.timedelta(days=majors.post_review.remind_days_before)
        for stage, run_at in (("remind", reminder), ("due", review.due_at)):
            plan.schedule(
                kind=REVIEW,
                subject_key=incident.key,
                dedupe_key=_key(incident, "review", stage),
                run_at=run_at,
                payload={"incident": incident.key, "stage": stage},
            )


def ensure_review(
    session: Session,
    incident: Incident,
    majors: MajorIncidents,
    resolved_at: dt.datetime,
    now: dt.datetime,
) -> MajorReview:
    """The incident's review, due `due_days` after its first resolution (R9.7)."""
    assert majors.post_review is not None
    review = session.scalar(select(MajorReview).where(MajorReview.incident_id == incident.id))
    if review is None:
        due = resolved_at + dt.timedelta(days=majors.post_review.due_days)
        review = MajorReview(incident=incident, due_at=due, created_at=now, updated_at=now)
        session.add(review)
        session.flush()
    return review


# The jobs, when they come due.


def _load(session: Session, job: Job) -> tuple[Incident, Declaration, MajorIncidents] | None:
    incident = session.scalar(
        select(Incident).where(Incident.key == job.payload["incident"]).with_for_update()
    )
    if incident is None:
        return None
    declaration = declaration_for(incident)
    if not is_major(incident, declaration) or incident.state == "cancelled":
        return None
    assert declaration.major_incidents is not None
    return incident, declaration, declaration.major_incidents


@handles(ORIENTATION)
def orientation_due(session: Session, job: Job, now: dt.datetime) -> None:
    """Remind before a message is due; record and escalate a miss; follow new messages (R14)."""
    loaded = _load(session, job)
    if loaded is None or loaded[0].state not in OPEN:
        return
    incident, declaration, majors = loaded
    assert majors.orientation is not None
    clock = clock_for(declaration)
    cycle_start = dt.datetime.fromisoformat(job.payload["cycle_start"])
    due = dt.datetime.fromisoformat(job.payload["due"])
    posted = [post.at for post in posts_about(session, incident) if cycle_start < post.at <= now]
    if posted:
        last = max(posted)  # a message came: the next one is due an update interval later
        plan = Plan()
        plan_orientation(plan, incident, clock, last, clock.orientation_next_due(last))
        plan.write(session)
        return
    missed = job.payload["stage"] == "due"
    contacts = majors.orientation.escalate_to if missed else majors.orientation.notify
    kind = "orientation_missed" if missed else "orientation_reminder"
    text = _orientation_text(incident, declaration, due, missed)
    _notify(session, incident, declaration, contacts, kind, now, {"due": due.isoformat()}, text)
    if not missed:
        return
    plan = Plan()
    # The next is due an interval after the miss was found, not after the missed due: a
    # worker that was down records one miss for the backlog, not one per missed hour.
    following = clock.orientation_next_due(max(due, now))
    plan_orientation(plan, incident, clock, cycle_start, following)
    plan.write(session)


@handles(DOWNTIME)
def downtime_step(session: Session, job: Job, now: dt.datetime) -> None:
    """After an hour of downtime, prompt the agency: more status, or a phone meeting (R9.4)."""
    loaded = _load(session, job)
    if loaded is None or loaded[0].state not in OPEN:
        return
    incident, declaration, majors = loaded
    step = majors.downtime_step
    assert step is not None
    measured = downtime_of(session, incident, now)
    if measured is not None and measured.seconds < step.after_minutes * 60:
        if measured.ongoing:  # down in pieces, or since later: look again when it may be due
            left = dt.timedelta(seconds=step.after_minutes * 60 - measured.seconds)
            _look_again(session, incident, now + left)
        return
    danish = [f"Nedetiden har varet over {step.after_minutes} minutter. Overvej:"]
    danish += [f"- {action.da}" for action in step.actions]
    english = [f"The downtime has lasted over {step.after_minutes} minutes. Consider:"]
    english += [f"- {action.get('en')}" for action in step.actions]
    text = (
        f"Nedetid over {step.after_minutes} min",
        f"Downtime over {step.after_minutes} min",
        danish,
        english,
    )
    _notify(session, incident, declaration, step.notify, "downtime_step", now, {}, text)


def _look_again(session: Session, incident: Incident, run_at: dt.datetime) -> None:
    plan = Plan()
    plan.schedule(
        kind=DOWNTIME,
        subject_key=incident.key,
        dedupe_key=f"{_key(incident, 'downtime')}:{run_at.isoformat()}",
        run_at=run_at,
        payload={"incident": incident.key},
    )
    plan.write(session)


@handles(RESTORED)
def restored_message_due(session: Session, job: Job, now: dt.datetime) -> None:
    """A resolved major incident owes a "service restored" message (R9.6)."""
    loaded = _load(session, job)
    if loaded is None or loaded[0].state not in (State.resolved.value, State.closed.value):
        return
    incident, declaration, majors = loaded
    resolved_at = dt.datetime.fromisoformat(job.payload["resolved_at"])
    if any(
        post.type == "restored" and post.at >= resolved_at
        for post in posts_about(session, incident)
    ):
        return
    assert majors.restored_message is not None
    text = (
        "Meddelelse om genetableret service mangler",
        "Service-restored message missing",
        [f"Løst {local_text(resolved_at, declaration)}; meddel at servicen er oppe igen."],
        [f"The incident was resolved {resolved_at.isoformat()}; announce that service is back."],
    )
    _notify(
        session,
        incident,
        declaration,
        majors.restored_message.notify,
        "restored_message_due",
        now,
        {},
        text,
    )


@handles(REVIEW)
def review_due(session: Session, job: Job, now: dt.datetime) -> None:
    """Remind of the post-review report before it is due; flag it overdue after (R9.7)."""
    incident = session.scalar(select(Incident).where(Incident.key == job.payload["incident"]))
    if incident is None:
        return
    declaration = declaration_for(incident)
    majors = declaration.major_incidents
    review = session.scalar(select(MajorReview).where(MajorReview.incident_id == incident.id))
    if majors is None or majors.post_review is None or review is None or review.submitted_at:
        return
    due = local_text(review.due_at, declaration)
    overdue = job.payload["stage"] == "due"
    text = (
        "Post review-rapport er overskredet" if overdue else "Post review-rapport forfalder snart",
        "Post-review report overdue" if overdue else "Post-review report due soon",
        [f"Major Incident Post Review-rapporten forfalder {due}."],
        [f"The major-incident post-review report is due {review.due_at.isoformat()}."],
    )
    kind = "review_overdue" if overdue else "review_reminder"
    _notify(session, incident, declaration, majors.post_review.notify, kind, now, {}, text)


def _orientation_text(
    incident: Incident, declaration: Declaration, due: dt.datetime, missed: bool
) -> tuple[str, str, list[str], list[str]]:
    when = local_text(due, declaration)
    if missed:
        return (
            "Driftsmeddelelse ikke sendt til tiden",
            "Status message overdue",
            [f"Der skulle være sendt en driftsmeddelelse om hændelsen senest {when} (R14)."],
            [f"A status message about the incident was due by {due.isoformat()} (R14)."],
        )
    return (
        "Driftsmeddelelse forfalder snart",
        "Status message due soon",
        [f"Næste driftsmeddelelse om hændelsen skal sendes senest {when} (R14)."],
        [f"The next status message about the incident is due by {due.isoformat()} (R14)."],
    )


def _notify(
    session: Session,
    incident: Incident,
    declaration: Declaration,
    contacts: list[str],
    kind: str,
    now: dt.datetime,
    facts: dict[str, str],
    text: tuple[str, str, list[str], list[str]],
) -> None:
    """Record the step on the incident's timeline and mail the contacts."""
    head_da, head_en, lines_da, lines_en = text
    addresses = recipients(session, declaration, contacts, incident)
    event = append_event(
        session,
        incident,
        kind=kind,
        actor=None,
        effective_at=now,
        recorded_at=now,
        before={},
        after={**facts, "notified": addresses},
    )
    danish, english = incident_lines(incident, declaration)
    body = compose(
        [head_da, *lines_da, "", *danish],
        [head_en, *lines_en, "", *english],
        incident,
    )
    subject = f"[{incident.key}] {head_da} · {head_en}"
    dedupe = f"{kind}:{incident.key}:{event.seq}"
    enqueue_emails(session, incident_mails(incident, addresses, subject, body, dedupe=dedupe))
