"""The orientation duty of the period: each first message and update due in it, on time or
late (R14.2-R14.4).

For a critical incident detected at `t` the first message is due by the declaration's rule
(the clock's `orientation_first_due`); after a message at `m`, the next is due at
`orientation_next_due(m)`, as long as the incident is open. A duty is on time when a message
was posted by its due instant. A duty not met when it fell due is late once, however long the
silence lasted after it; the chain goes on from the late message when one comes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.clock import Clock
from stabil.declaration import Declaration
from stabil.desk.majors import OPEN
from stabil.desk.messages import posts_about_incidents
from stabil.desk.models import Incident, IncidentEvent
from stabil.desk.states import State
from stabil.reports.model import Orientation
from stabil.reports.open_incidents import open_since


@dataclass(frozen=True, slots=True)
class Duty:
    incident: str
    kind: str  # first or update
    due_at: dt.datetime
    sent_at: dt.datetime | None

    @property
    def on_time(self) -> bool:
        return self.sent_at is not None and self.sent_at <= self.due_at

    def evidence(self) -> dict[str, object]:
        return {
            "incident": self.incident,
            "kind": self.kind,
            "due_at": self.due_at,
            "sent_at": self.sent_at,
            "on_time": self.on_time,
        }


def duties_of(
    clock: Clock,
    key: str,
    detected: dt.datetime,
    posts: Sequence[dt.datetime],
    closed: dt.datetime | None,
    now: dt.datetime,
) -> list[Duty]:
    """Every duty of one incident that has fallen due or been met by `now`, in order."""
    duties: list[Duty] = []
    due = clock.orientation_first_due(detected)
    anchor, kind = detected, "first"
    while True:
        # The first message may come at the detection itself; an update only after the last.
        sent = next((at for at in posts if at > anchor or (at == anchor and kind == "first")), None)
        # Once the incident is resolved nothing more falls due; a duty due at or after that
        # instant counts only if a message met it while the incident was still open.
        if closed is not None and due >= closed and (sent is None or sent > closed):
            break
        if sent is None:
            if due <= now:
                duties.append(Duty(key, kind, due, None))  # late, and silent since
            break
        duties.append(Duty(key, kind, due, sent))
        anchor, kind = sent, "update"
        due = clock.orientation_next_due(sent)
    return duties


def orientation(
    session: Session,
    declaration: Declaration,
    clock: Clock,
    service_id: int,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> tuple[Orientation, list[Duty]]:
    """The duties due in `[start, end)` of the service's critical incidents (R14)."""
    majors = declaration.major_incidents
    if majors is None or majors.orientation is None:
        return Orientation(first_on_time=0, first_total=0, updates_on_time=0, updates_total=0), []
    incidents = open_since(
        session,
        service_id,
        start,
        end,
        Incident.priority.in_(sorted(declaration.major_priorities())),
        Incident.state != State.cancelled.value,
    )
    ids = [row.id for row in incidents]
    posts = posts_about_incidents(session, ids)
    closed = _closed_at(session, ids)
    duties = [
        duty
        for row in incidents
        for duty in duties_of(
            clock,
            row.key,
            row.detected_at,
            [post.at for post in posts.get(row.id, [])],
            closed.get(row.id),
            now,
        )
        if start <= duty.due_at < end
    ]
    duties.sort(key=lambda duty: (duty.due_at, duty.incident))
    first = [duty for duty in duties if duty.kind == "first"]
    updates = [duty for duty in duties if duty.kind == "update"]
    figure = Orientation(
        first_on_time=sum(duty.on_time for duty in first),
        first_total=len(first),
        updates_on_time=sum(duty.on_time for duty in updates),
        updates_total=len(updates),
    )
    return figure, duties


def _closed_at(session: Session, ids: Sequence[int]) -> dict[int, dt.datetime]:
    """When each incident first left the open states (resolved, closed): its duty ends."""
    if not ids:
        return {}
    rows = session.execute(
        select(IncidentEvent.incident_id, IncidentEvent.effective_at, IncidentEvent.after)
        .where(IncidentEvent.incident_id.in_(ids), IncidentEvent.kind == "transition")
        .order_by(IncidentEvent.effective_at, IncidentEvent.seq)
    )
    closed: dict[int, dt.datetime] = {}
    for incident_id, at, after in rows:
        if str(after.get("state")) not in OPEN:
            closed.setdefault(incident_id, at)
    return closed
