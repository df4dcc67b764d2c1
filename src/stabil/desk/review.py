"""Post-review reports of major incidents and the bi-monthly review agenda (R9.7, R9.8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.db.types import now_utc
from stabil.desk.access import check_can_edit
from stabil.desk.events import declaration_for
from stabil.desk.majors import is_major
from stabil.desk.models import Incident, IncidentEvent, MajorReview
from stabil.desk.notify import compose, incident_lines, incident_mails, local_text, recipients
from stabil.errors import Conflict, Invalid, NotFound
from stabil.outbox.service import enqueue_emails
from stabil.records.history import append_event


def review_of(session: Session, incident: Incident) -> MajorReview:
    review = session.scalar(select(MajorReview).where(MajorReview.incident_id == incident.id))
    if review is None:
        raise NotFound(
            "{key} has no post-review report (only resolved majors have)", key=incident.key
        )
    return review


@dataclass(frozen=True, slots=True)
class ReviewStanding:
    """A post-review report as its readers see it: the saved text, or a draft to start from."""

    due_at: dt.datetime
    overdue: bool
    submitted_at: dt.datetime | None
    report: str
    saved: bool
    actions: list[dict[str, Any]]


def standing_of(session: Session, incident: Incident, now: dt.datetime) -> ReviewStanding:
    """The incident's review (NotFound when it has none); overdue while unsent after its due."""
    review = review_of(session, incident)
    return ReviewStanding(
        due_at=review.due_at,
        overdue=review.submitted_at is None and now > review.due_at,
        submitted_at=review.submitted_at,
        report=review.report or draft_report(session, incident),
        saved=bool(review.report),
        actions=review.actions,
    )


def draft_report(session: Session, incident: Incident) -> str:
    """A starting point in Markdown: the timeline from the history, and the other sections."""
    declaration = declaration_for(incident)
    events = session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident.id)
        .order_by(IncidentEvent.seq)
    )
    lines = [f"# Major Incident Post Review: {incident.key}", "", f"**{incident.title}**", ""]
    lines += ["## Tidslinje / Timeline", ""]
    for event in events:
        what = event.after.get("state") or event.after.get("stage") or ""
        lines.append(
            f"- {local_text(event.effective_at, declaration)}: {event.kind} {what}".rstrip()
        )
    for heading in ("Årsag / Cause", "Påvirkning / Impact", "Handlinger / Actions"):
        lines += ["", f"## {heading}", ""]
    return "\n".join(lines) + "\n"


def save_review(
    session: Session,
    actor: User,
    incident: Incident,
    *,
    report: str,
    actions: list[dict[str, Any]],
    now: dt.datetime | None = None,
) -> MajorReview:
    """Keep the report's text and actions; it may be changed until it is sent."""
    check_can_edit(actor, incident)
    now = now or now_utc()
    review = review_of(session, incident)
    if review.submitted_at is not None:
        raise Conflict(
            "the report of {key} was sent; it can no longer be changed", key=incident.key
        )
    review.report = report
    review.actions = actions
    review.updated_at = now
    append_event(
        session,
        incident,
        kind="review_saved",
        actor=actor,
        effective_at=now,
        recorded_at=now,
        before={},
        after={"actions": len(actions)},
    )
    return review


def submit_review(
    session: Session, actor: User, incident: Incident, now: dt.datetime | None = None
) -> MajorReview:
    """Send the report to the network of authorities (R9.7); it is then final."""
    check_can_edit(actor, incident)
    now = now or now_utc()
    review = review_of(session, incident)
    if review.submitted_at is not None:
        raise Conflict("the report of {key} was sent already", key=incident.key)
    if not review.report.strip():
        raise Invalid("report", "is empty (save the report before sending it)")
    declaration = declaration_for(incident)
    majors = declaration.major_incidents
    assert majors is not None
    assert majors.post_review is not None
    addresses = recipients(
        session, declaration, majors.post_review.recipients, incident, subscribers=True
    )
    review.submitted_at = now
    review.submitted_by_id = actor.id
    append_event(
        session,
        incident,
        kind="review_submitted",
        actor=actor,
        effective_at=now,
        recorded_at=now,
        before={},
        after={"sent_to": addresses, "late": now > review.due_at},
    )
    danish, english = incident_lines(incident, declaration)
    body = compose([*danish, "", review.report], english, incident)
    subject = f"[{incident.key}] Major Incident Post Review"
    dedupe = f"review:{incident.key}"
    enqueue_emails(session, incident_mails(incident, addresses, subject, body, dedupe=dedupe))
    return review


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One major incident on the review meeting's agenda (R9.8)."""

    key: str
    service: str
    title: str
    detected_at: dt.datetime
    state: str
    review: str  # "not due" (unresolved), "draft", "overdue", "sent", "sent late"
    due_at: dt.datetime | None
    open_actions: list[str]


def review_agenda(
    session: Session, since: dt.datetime, service: str | None = None, now: dt.datetime | None = None
) -> list[AgendaItem]:
    """The major incidents detected since `since`, oldest first, with their review status."""
    now = now or now_utc()
    statement = (
        select(Incident)
        .where(Incident.detected_at >= since, Incident.state != "cancelled")
        .options(selectinload(Incident.service), selectinload(Incident.declaration_version))
        .order_by(Incident.detected_at)
    )
    if service:
        statement = statement.where(Incident.service.has(Service.key == service))
    reviews = {r.incident_id: r for r in session.scalars(select(MajorReview))}
    items = []
    for incident in session.scalars(statement):
        if not is_major(incident, declaration_for(incident)):
            continue
        review = reviews.get(incident.id)
        items.append(
            AgendaItem(
                key=incident.key,
                service=incident.service.key,
                title=incident.title,
                detected_at=incident.detected_at,
                state=incident.state,
                review=_status(review, now),
                due_at=review.due_at if review else None,
                open_actions=[
                    str(a.get("text", ""))
                    for a in (review.actions if review else [])
                    if not a.get("done")
                ],
            )
        )
    return items


def _status(review: MajorReview | None, now: dt.datetime) -> str:
    if review is None:
        return "not due"
    if review.submitted_at is not None:
        return "sent late" if review.submitted_at > review.due_at else "sent"
    return "overdue" if now > review.due_at else "draft"
