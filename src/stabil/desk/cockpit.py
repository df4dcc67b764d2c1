"""What the major-incident cockpit shows, each read in a fixed number of statements: where the
orientation duty stands (R14), the step after an hour of downtime (R9.4), the restored
message (R9.6), the post-review report (R9.7), a message drafted with what R9.3 asks for, and
the list of major incidents, open ones first.

The rules themselves live in stabil.desk.majors and stabil.desk.review; this module only
gathers their answers for a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.models import DeclarationVersion
from stabil.catalog.service import declaration_of
from stabil.declaration import Declaration
from stabil.declaration.base import Text
from stabil.declaration.communication import MessageType
from stabil.declaration.operations import MajorIncidents
from stabil.declaration.summary import number_text
from stabil.desk.access import check_can_edit, visible
from stabil.desk.downtime import Downtime, downtime_of
from stabil.desk.events import declaration_for
from stabil.desk.majors import OPEN, Orientation, is_major, orientation_from
from stabil.desk.messages import Post, posts_about, posts_about_incidents
from stabil.desk.models import Incident, IncidentEvent, MajorReview
from stabil.desk.review import ReviewStanding, standing_of
from stabil.desk.service import get_incident
from stabil.desk.states import State
from stabil.errors import Refusal
from stabil.texts import N_

DOWNTIME_STEP = "downtime_step"  # the event majors.downtime_step records when it prompts

STATE_LABELS = {
    State.registered.value: N_("registered"),
    State.handed_over.value: N_("handed over"),
    State.resolved.value: N_("resolved"),
    State.closed.value: N_("closed"),
    State.cancelled.value: N_("cancelled"),
}
DOWNTIME_LABELS = {
    "pending": N_("not yet due"),
    "due": N_("due now"),
    "done": N_("done"),
    "not_needed": N_("not needed: resolved within the time"),
    "back_in_time": N_("not needed: the service was back within the time"),
    "not_taken": N_("not taken"),
}
REVIEW_LABELS = {
    "draft": N_("not sent yet"),
    "overdue": N_("overdue"),
    "sent": N_("sent in time"),
    "sent_late": N_("sent late"),
}


@dataclass(frozen=True, slots=True)
class DowntimeStanding:
    """The step after an hour of downtime (R9.4): when it comes, and whether it was taken.

    `status` is pending (the hour has not passed), due (the worker takes it any moment),
    done (the contacts were prompted), not_needed (resolved first), back_in_time (the
    monitors saw the service back before the time) or not_taken.
    """

    after_minutes: int
    due_at: dt.datetime
    status: str
    done_at: dt.datetime | None
    notified: tuple[str, ...]
    actions: tuple[Text, ...]

    @property
    def label(self) -> str:
        return DOWNTIME_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class RestoredStanding:
    """The "service restored" message a resolved major incident owes (R9.6)."""

    resolved_at: dt.datetime
    due_at: dt.datetime
    posted_at: dt.datetime | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class ReviewView:
    """The post-review report (R9.7) with its status: draft, overdue, sent or sent_late."""

    standing: ReviewStanding
    status: str

    @property
    def label(self) -> str:
        return REVIEW_LABELS[self.status]

    @property
    def sent(self) -> bool:
        return self.standing.submitted_at is not None


@dataclass(frozen=True, slots=True)
class MessageDraft:
    """An operational message to start from, in Danish and English: its fields are R9.3's
    content (the area, who and how many are affected, the horizon)."""

    type: str
    title: str
    affected: str
    affected_users: str
    horizon: str
    body: str
    body_en: str


@dataclass(frozen=True, slots=True)
class Cockpit:
    incident: Incident
    declaration: Declaration
    majors: MajorIncidents
    orientation: Orientation
    downtime: DowntimeStanding | None
    restored: RestoredStanding | None
    review: ReviewView | None
    draft: MessageDraft
    restored_draft: MessageDraft
    can_edit: bool

    @property
    def is_open(self) -> bool:
        return self.incident.state in OPEN

    @property
    def zone(self) -> str:
        return self.declaration.time.timezone

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.incident.state]

    @property
    def message_types(self) -> list[str]:
        """The message types the declaration has, for the composer to offer."""
        return [type_.value for type_ in self.declaration.message_types()]

    @property
    def content(self) -> list[Text]:
        """What every message should say (R9.3)."""
        return self.majors.status_content


def cockpit_of(session: Session, actor: User, key: str, now: dt.datetime) -> Cockpit | None:
    """The cockpit of the incident `key` (NotFound if the actor may not see it); None when
    the incident is not a major one."""
    incident = get_incident(session, actor, key)
    declaration = declaration_for(incident)
    majors = declaration.major_incidents
    if majors is None or not is_major(incident, declaration):
        return None
    posts = posts_about(session, incident)
    events = _events(session, incident)
    resolved_at = _resolved_at(incident, events)
    return Cockpit(
        incident=incident,
        declaration=declaration,
        majors=majors,
        orientation=orientation_from(incident, declaration, posts, now),
        downtime=_downtime(
            incident, majors, events, resolved_at, downtime_of(session, incident, now), now
        ),
        restored=_restored(majors, posts, resolved_at, now),
        review=_review(session, incident, now),
        draft=message_draft(incident, declaration),
        restored_draft=restored_draft(incident, declaration),
        can_edit=_can_edit(actor, incident),
    )


def _events(session: Session, incident: Incident) -> list[IncidentEvent]:
    return list(
        session.scalars(
            select(IncidentEvent)
            .where(
                IncidentEvent.incident_id == incident.id,
                IncidentEvent.kind.in_((DOWNTIME_STEP, "transition")),
            )
            .order_by(IncidentEvent.seq)
        )
    )


def _resolved_at(incident: Incident, events: Sequence[IncidentEvent]) -> dt.datetime | None:
    """When the incident was last resolved, while it is resolved or closed."""
    if incident.state == State.resolved.value:
        return incident.state_since
    if incident.state != State.closed.value:
        return None
    times = [
        event.effective_at
        for event in events
        if event.kind == "transition" and event.after.get("state") == State.resolved.value
    ]
    return max(times, default=None)


def _downtime(
    incident: Incident,
    majors: MajorIncidents,
    events: Sequence[IncidentEvent],
    resolved_at: dt.datetime | None,
    measured: Downtime | None,
    now: dt.datetime,
) -> DowntimeStanding | None:
    step = majors.downtime_step
    if step is None:
        return None
    due = incident.detected_at + dt.timedelta(minutes=step.after_minutes)
    done = next((event for event in events if event.kind == DOWNTIME_STEP), None)
    left = step.after_minutes * 60 - measured.seconds if measured else 0.0
    if done is not None:
        status = "done"
    elif measured is not None and left > 0 and incident.state in OPEN:
        # The monitors measured less downtime than the step waits for (R9.4).
        status = "pending" if measured.ongoing else "back_in_time"
        due = now + dt.timedelta(seconds=left)
    elif incident.state in OPEN:
        status = "due" if now >= due else "pending"
    else:
        status = "not_needed" if resolved_at is None or resolved_at <= due else "not_taken"
    return DowntimeStanding(
        after_minutes=step.after_minutes,
        due_at=due,
        status=status,
        done_at=done.effective_at if done else None,
        notified=tuple(done.after.get("notified", ())) if done else (),
        actions=tuple(step.actions),
    )


def _restored(
    majors: MajorIncidents,
    posts: Iterable[Post],
    resolved_at: dt.datetime | None,
    now: dt.datetime,
) -> RestoredStanding | None:
    rule = majors.restored_message
    if rule is None or not rule.required or resolved_at is None:
        return None
    due = resolved_at + dt.timedelta(minutes=rule.within_minutes)
    posted = min(
        (post.at for post in posts if post.type == MessageType.restored and post.at >= resolved_at),
        default=None,
    )
    return RestoredStanding(
        resolved_at=resolved_at, due_at=due, posted_at=posted, overdue=posted is None and now > due
    )


def _review(session: Session, incident: Incident, now: dt.datetime) -> ReviewView | None:
    try:
        standing = standing_of(session, incident, now)
    except Refusal:
        return None  # a review exists once the incident has been resolved
    return ReviewView(standing, review_status(standing.due_at, standing.submitted_at, now))


def review_status(due_at: dt.datetime, submitted_at: dt.datetime | None, now: dt.datetime) -> str:
    """draft or overdue while unsent; sent, or sent_late when sent after its due (R9.7)."""
    if submitted_at is not None:
        return "sent_late" if submitted_at > due_at else "sent"
    return "overdue" if now > due_at else "draft"


def _can_edit(actor: User, incident: Incident) -> bool:
    try:
        check_can_edit(actor, incident)
    except Refusal:
        return False
    return True


def _declared(declaration: Declaration, *preferred: MessageType) -> str:
    """The first of the preferred message types the declaration has, else its first type."""
    declared = [type_.value for type_ in declaration.message_types()]
    for type_ in preferred:
        if type_.value in declared:
            return type_.value
    return declared[0] if declared else preferred[0].value


def message_draft(incident: Incident, declaration: Declaration) -> MessageDraft:
    """A first status message with R9.3's content: the area, who and how many, the horizon.

    The texts are the message's own, Danish and English, whatever the reader's language.
    """
    area = incident.service.name_da
    share = incident.users_affected_percent
    users_da = f"Ca. {number_text(share, 'da')} % af brugerne" if share is not None else ""
    users_en = f"About {number_text(share, 'en')} % of the users" if share is not None else ""
    body = "\n".join(
        [
            f"{incident.title}.",
            f"Område: {area}.",
            f"Berørte: {users_da or 'endnu ikke opgjort'}.",
            "Forventet tidshorisont: endnu ikke kendt.",
            "Vi arbejder på at løse fejlen og melder løbende status.",
        ]
    )
    body_en = "\n".join(
        [
            f"{incident.title}.",
            f"Area: {incident.service.name_en or area}.",
            f"Affected: {users_en or 'not yet known'}.",
            "Expected time horizon: not yet known.",
            "We are working on the fault and will post status as we go.",
        ]
    )
    return MessageDraft(
        type=_declared(declaration, MessageType.major_update, MessageType.unavailable),
        title=incident.title,
        affected=area,
        affected_users=users_da,
        horizon="",
        body=body,
        body_en=body_en,
    )


def restored_draft(incident: Incident, declaration: Declaration) -> MessageDraft:
    """The "service restored" message (R9.6), in Danish and English."""
    area = incident.service.name_da
    return MessageDraft(
        type=_declared(declaration, MessageType.restored),
        title=f"{area} virker igen",
        affected=area,
        affected_users="",
        horizon="",
        body=f"Fejlen er rettet, og {area} virker igen. Tak for tålmodigheden.",
        body_en=f"The fault is fixed and {incident.service.name_en or area} works again.",
    )


def orientation_for(
    session: Session, actor: User, key: str, now: dt.datetime
) -> tuple[Incident, Declaration, Orientation] | None:
    """Only the orientation duty of `key`, for the countdown that a page asks for often."""
    incident = get_incident(session, actor, key)
    declaration = declaration_for(incident)
    if not is_major(incident, declaration):
        return None
    posts = posts_about(session, incident)
    return incident, declaration, orientation_from(incident, declaration, posts, now)


@dataclass(frozen=True, slots=True)
class MajorRow:
    """A major incident in the list: its orientation duty while open, its report after."""

    incident: Incident
    orientation: Orientation
    review_status: str | None
    review_due: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.incident.state in OPEN

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.incident.state]

    @property
    def review_label(self) -> str | None:
        return REVIEW_LABELS[self.review_status] if self.review_status else None


@dataclass(frozen=True, slots=True)
class MajorPage:
    """One page of the list; `open_count` of all open ones, `more` when a next page has some."""

    rows: list[MajorRow]
    open_count: int
    more: bool


def list_majors(
    session: Session, actor: User, *, limit: int, offset: int, now: dt.datetime
) -> MajorPage:
    """A page of the major incidents the actor may see: the open ones first, then the others
    newest first; cancelled ones are left out. A fixed number of statements, and none that
    reads every major incident: each part walks the priority index newest first and stops at
    its page, and the open ones, being few, are counted (the others are not)."""
    majors = and_(visible(actor), _major(session))
    open_count = session.scalar(
        select(func.count()).select_from(Incident).where(majors, Incident.state.in_(OPEN))
    )
    opened = _newest(session, and_(majors, Incident.state.in_(OPEN)), limit, offset)
    rest_offset = max(0, offset - (open_count or 0))
    # NOT IN, so that no database picks the state's index for nearly every row.
    others = and_(majors, Incident.state.not_in([*OPEN, State.cancelled.value]))
    rest = _newest(session, others, limit - len(opened) + 1, rest_offset)
    more = len(rest) > limit - len(opened)
    incidents = opened + rest[: limit - len(opened)]
    return MajorPage(_rows(session, incidents, now), open_count or 0, more)


def _newest(
    session: Session, where: ColumnElement[bool], limit: int, offset: int
) -> list[Incident]:
    statement = (
        select(Incident)
        .where(where)
        .options(selectinload(Incident.service), selectinload(Incident.declaration_version))
        .order_by(Incident.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(statement))


def _rows(session: Session, incidents: list[Incident], now: dt.datetime) -> list[MajorRow]:
    """The incidents with their orientation duty and report, asked for all at once."""
    ids = [incident.id for incident in incidents]
    posts = posts_about_incidents(session, ids)
    reviews = _reviews(session, ids)
    rows = []
    for incident in incidents:
        review = reviews.get(incident.id)
        declaration = declaration_for(incident)
        rows.append(
            MajorRow(
                incident=incident,
                orientation=orientation_from(
                    incident, declaration, posts.get(incident.id, ()), now
                ),
                review_status=(
                    review_status(review.due_at, review.submitted_at, now) if review else None
                ),
                review_due=review.due_at if review else None,
            )
        )
    return rows


def _reviews(session: Session, ids: list[int]) -> dict[int, MajorReview]:
    if not ids:
        return {}
    found = session.scalars(select(MajorReview).where(MajorReview.incident_id.in_(ids)))
    return {review.incident_id: review for review in found}


def _major(session: Session) -> ColumnElement[bool]:
    """Major incidents, by the priorities the declaration each was opened under calls major
    (majors.is_major, as SQL). When every version agrees, the priority alone says it, and the
    priority's index finds them."""
    groups: dict[tuple[int, ...], list[int]] = {}
    versions = list(session.scalars(select(DeclarationVersion)))
    for version in versions:
        declaration = declaration_of(version)
        if declaration.major_incidents is not None:
            levels = tuple(sorted(declaration.major_priorities()))
            groups.setdefault(levels, []).append(version.id)
    if len(groups) == 1 and sum(map(len, groups.values())) == len(versions):
        return Incident.priority.in_(next(iter(groups)))
    return or_(
        false(),
        *(
            and_(Incident.declaration_version_id.in_(ids), Incident.priority.in_(levels))
            for levels, ids in groups.items()
        ),
    )
