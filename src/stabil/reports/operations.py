"""What else a period holds: service windows (R13), major incidents and their post-review
reports (R9.7), releases (R11), escalations sent (R8) and the backlog at the period's end."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from stabil.declaration import Declaration
from stabil.declaration.priorities import PriorityKind
from stabil.desk.majors import OPEN
from stabil.desk.models import Escalation, Incident, IncidentEvent, MajorReview
from stabil.desk.states import State
from stabil.releases.models import Release
from stabil.releases.present import notice_facts
from stabil.releases.states import ReleaseState
from stabil.reports.model import (
    IncidentRow,
    MajorFigure,
    MessageRow,
    ReleaseFigure,
    ReviewState,
    WindowKindFigure,
)
from stabil.reports.open_incidents import open_since
from stabil.status.models import Message
from stabil.windows.models import ServiceWindow
from stabil.windows.states import HOLDING

Row = dict[str, Any]


def windows(
    session: Session,
    declaration: Declaration,
    service_id: int,
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[dict[str, WindowKindFigure], list[Row]]:
    """Per kind: the windows that start in the period, those of its year up to its end against
    the year's quota, and the non-compliant ones with the rules they broke (R13.1, R13.2)."""
    zone = declaration.time.zone
    year_start = dt.datetime(start.astimezone(zone).year, 1, 1, tzinfo=zone)
    rows = session.scalars(
        select(ServiceWindow)
        .where(
            ServiceWindow.service_id == service_id,
            ServiceWindow.state.in_([state.value for state in HOLDING]),
            ServiceWindow.planned_start >= min(year_start, start),
            ServiceWindow.planned_start < end,
        )
        .order_by(ServiceWindow.planned_start)
    ).all()
    in_period = [row for row in rows if row.planned_start >= start]
    used = Counter(row.kind for row in rows if row.planned_start >= year_start)
    kinds = declaration.service_windows.kinds if declaration.service_windows else []
    figures = {
        kind.key: WindowKindFigure(
            name=kind.name.da,
            in_period=sum(1 for row in in_period if row.kind == kind.key),
            used_in_year=used[kind.key],
            quota=kind.per_year,
            left=None if kind.per_year is None else max(0, kind.per_year - used[kind.key]),
            non_compliant=sum(1 for row in in_period if row.kind == kind.key and not row.compliant),
        )
        for kind in kinds
    }
    return figures, [_window_row(row) for row in in_period]


def _window_row(window: ServiceWindow) -> Row:
    violations = window.violations or []
    return {
        "id": window.id,
        "title": window.title,
        "kind": window.kind,
        "start": window.actual_start or window.planned_start,
        "end": window.actual_end or window.planned_end,
        "state": window.state,
        "announced_at": window.announced_at,
        "compliant": window.compliant,
        "excuses_downtime": window.compliant and window.announced_at is not None,
        "problems": [item.get("message", {}).get("en", "") for item in violations],
        "problems_da": [item.get("message", {}).get("da", "") for item in violations],
        "override_reason": window.override_reason,
    }


def majors(
    session: Session,
    declaration: Declaration,
    service_id: int,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> list[MajorFigure]:
    """The major incidents detected in the period, and those whose post-review report fell
    due in it, with the report's state: submitted (on time or not), draft or missing (R9.7)."""
    # Two index ranges rather than one OR, which would walk every major of the history.
    base = (
        select(Incident, MajorReview)
        .outerjoin(MajorReview, MajorReview.incident_id == Incident.id)
        .where(
            Incident.service_id == service_id,
            Incident.priority.in_(sorted(declaration.major_priorities())),
            Incident.state != State.cancelled.value,
        )
    )
    detected = base.where(Incident.detected_at >= start, Incident.detected_at < end)
    reviewed = base.where(MajorReview.due_at >= start, MajorReview.due_at < end)
    found = {
        incident.id: (incident, review)
        for statement in (detected, reviewed)
        for incident, review in session.execute(statement)
    }
    rows = sorted(found.values(), key=lambda pair: (pair[0].detected_at, pair[0].id))
    resolved = _resolved_at(session, [incident.id for incident, _ in rows])
    return [
        MajorFigure(
            incident=incident.key,
            title=incident.title,
            priority=incident.priority,
            detected_at=incident.detected_at,
            resolved_at=resolved.get(incident.id),
            review=_review(review, now),
        )
        for incident, review in rows
    ]


def _review(review: MajorReview | None, now: dt.datetime) -> ReviewState:
    if review is None:
        return ReviewState(due_at=None, submitted_at=None, state="missing", on_time=None)
    on_time: bool | None
    if review.submitted_at is not None:
        state, on_time = "submitted", review.submitted_at <= review.due_at
    else:
        state = "draft" if review.report.strip() else "missing"
        on_time = False if now > review.due_at else None
    return ReviewState(
        due_at=review.due_at, submitted_at=review.submitted_at, state=state, on_time=on_time
    )


def _resolved_at(session: Session, ids: Sequence[int]) -> dict[int, dt.datetime]:
    """When each incident was last resolved (or closed without a resolution)."""
    if not ids:
        return {}
    rows = session.execute(
        select(IncidentEvent.incident_id, IncidentEvent.effective_at, IncidentEvent.after)
        .where(IncidentEvent.incident_id.in_(ids), IncidentEvent.kind == "transition")
        .order_by(IncidentEvent.effective_at, IncidentEvent.seq)
    )
    found: dict[int, dt.datetime] = {}
    for incident_id, at, after in rows:
        state = str(after.get("state"))
        if state == State.resolved.value or (
            state == State.closed.value and incident_id not in found
        ):
            found[incident_id] = at
        elif state in OPEN:
            found.pop(incident_id, None)  # reopened: not resolved until it is again
    return found


def releases(
    session: Session,
    declaration: Declaration,
    service_id: int,
    start: dt.datetime,
    end: dt.datetime,
) -> list[ReleaseFigure]:
    """The releases planned for a day of the period or made in it, with their notice (R11.1)."""
    zone = declaration.time.zone
    first, following = start.astimezone(zone).date(), end.astimezone(zone).date()
    rows = session.scalars(
        select(Release)
        .where(
            Release.service_id == service_id,
            Release.state != ReleaseState.cancelled.value,
            or_(
                (Release.planned_date >= first) & (Release.planned_date < following),
                (Release.released_at >= start) & (Release.released_at < end),
            ),
        )
        .order_by(Release.planned_date, Release.id)
    ).all()
    return [
        ReleaseFigure(
            **notice_facts(row),
            released_at=row.released_at,
            shorter_notice_reason=row.shorter_notice_reason,
        )
        for row in rows
    ]


def escalations(
    session: Session, service_id: int, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> tuple[dict[str, int], list[Row]]:
    """The escalations reached in the period and sent by now, by kind and stage (R8.1); one
    that a corrected history withdrew counts nowhere."""
    rows = session.execute(
        select(Escalation, Incident.key)
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(
            Incident.service_id == service_id,
            Escalation.reached_at >= start,
            Escalation.reached_at < end,
            Escalation.withdrawn_at.is_(None),
            Escalation.deliver_after <= now,
        )
        .order_by(Escalation.reached_at)
    ).all()
    counts = Counter(f"{row.kind}:{row.stage}" for row, _ in rows)
    evidence = [
        {
            "incident": key,
            "rule": row.rule,
            "kind": row.kind,
            "stage": row.stage,
            "timer": row.timer,
            "reached_at": row.reached_at,
            "sent_at": row.deliver_after,
        }
        for row, key in rows
    ]
    return dict(sorted(counts.items())), evidence


AGE_BUCKETS = (("under_1_day", 1), ("1_to_7_days", 7), ("7_to_30_days", 30), ("over_30_days", None))


def backlog(
    session: Session, declaration: Declaration, service_id: int, end: dt.datetime
) -> tuple[dict[str, dict[str, int]], list[Row]]:
    """The incidents open (registered or handed over) at the period's end, by priority and by
    age since detection. Their state then is read from their events, so a later resolution
    does not take one out of an earlier period's backlog."""
    candidates = open_since(session, service_id, end, end)
    changed = [row.id for row in candidates if row.state_since >= end]
    then = _states_at(session, changed, end)
    open_then = [row for row in candidates if then.get(row.id, row.state) in OPEN]
    levels = [p.level for p in declaration.priorities if p.kind is PriorityKind.incident]
    figures: dict[str, dict[str, int]] = {
        str(level): {"count": 0} | {name: 0 for name, _ in AGE_BUCKETS} for level in levels
    }
    rows: list[Row] = []
    for incident in sorted(open_then, key=lambda row: row.detected_at):
        age = (end - incident.detected_at).total_seconds() / 86_400
        bucket = next(name for name, limit in AGE_BUCKETS if limit is None or age < limit)
        figure = figures.setdefault(
            str(incident.priority), {"count": 0} | {name: 0 for name, _ in AGE_BUCKETS}
        )
        figure["count"] += 1
        figure[bucket] += 1
        rows.append(
            {
                "incident": incident.key,
                "title": incident.title,
                "priority": incident.priority,
                "state": then.get(incident.id, incident.state),
                "detected_at": incident.detected_at,
                "age_days": round(age, 1),
            }
        )
    return figures, rows


def _states_at(session: Session, ids: Sequence[int], end: dt.datetime) -> dict[int, str]:
    """Each incident's state at `end` from its transitions before it (registered if none)."""
    states = dict.fromkeys(ids, State.registered.value)
    if not ids:
        return states
    rows = session.execute(
        select(IncidentEvent.incident_id, IncidentEvent.after)
        .where(
            IncidentEvent.incident_id.in_(ids),
            IncidentEvent.kind == "transition",
            IncidentEvent.effective_at < end,
        )
        .order_by(IncidentEvent.effective_at, IncidentEvent.seq)
    )
    for incident_id, after in rows:
        states[incident_id] = str(after.get("state"))
    return states


def incidents_detected(
    session: Session, service_id: int, start: dt.datetime, end: dt.datetime
) -> list[IncidentRow]:
    """The period's incidents in the order they were detected, with their state now."""
    rows = session.execute(
        select(
            Incident.key, Incident.title, Incident.priority, Incident.state, Incident.detected_at
        )
        .where(
            Incident.service_id == service_id,
            Incident.detected_at >= start,
            Incident.detected_at < end,
        )
        .order_by(Incident.detected_at, Incident.id)
    ).all()
    return [
        IncidentRow(incident=key, title=title, priority=priority, state=state, detected_at=detected)
        for key, title, priority, state, detected in rows
    ]


def messages_posted(
    session: Session, service_id: int, start: dt.datetime, end: dt.datetime
) -> list[MessageRow]:
    """The operational messages posted in the period, oldest first (R10.3)."""
    rows = session.scalars(
        select(Message)
        .where(
            Message.service_id == service_id,
            Message.posted_at >= start,
            Message.posted_at < end,
        )
        .order_by(Message.posted_at, Message.id)
    ).all()
    return [
        MessageRow(
            id=row.id,
            type=row.type,
            title=row.title,
            state=row.state,
            posted_at=row.posted_at,
            resolved_at=row.resolved_at,
        )
        for row in rows
    ]
