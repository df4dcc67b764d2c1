"""Planning service windows and moving them through their states, checked against the rules.

Functions take a session and never commit; every change appends an immutable event. A window
that breaks a rule is refused with every broken rule, unless an override reason is given: then
it is recorded anyway, flagged as not compliant with its violations kept (reality happens).
Every change asks for the service's public site, which shows its windows, to be published again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import Role, User
from stabil.accounts.roles import WORK
from stabil.catalog.models import Service
from stabil.catalog.publishing import request_publish
from stabil.catalog.service import declaration_of, version_named
from stabil.db.queries import count_and_page, one_by_id
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.errors import Forbidden, Invalid, Names, NotFound, Refusal, TransitionNotAllowed
from stabil.records.history import append_event, up_to_now
from stabil.windows import announcements
from stabil.windows.models import ServiceWindow
from stabil.windows.rules import Planned, Proposal, Rule, Violation, check, year_of
from stabil.windows.states import HOLDING, MACHINE, WindowAction, WindowState

RULE_FIELDS = {
    Rule.kind: "kind",
    Rule.length: "end",
    Rule.hours: "start",
    Rule.service_period: "start",
    Rule.notice: "start",
    Rule.quota: "start",
    Rule.overlap: "start",
    Rule.order: "end",
}


class WindowRefused(Refusal):
    """The window breaks rules of the declaration; each is listed with what is allowed."""

    status_code = 422

    def __init__(self, violations: Sequence[Violation]) -> None:
        rules = [violation.rule.value for violation in violations]
        super().__init__(
            "the window breaks the declaration's rules: {rules}; give override_reason to "
            "record it anyway",
            rules=Names(rules),
        )
        self.violations = list(violations)

    def payload(self) -> dict[str, Any]:
        """The API's 422, with each broken rule at the field that would change to keep it."""
        return {
            "detail": "invalid request",
            "errors": [
                {"field": RULE_FIELDS[item.rule], "problem": item.message["en"]}
                for item in self.violations
            ],
            "violations": [as_json(item) for item in self.violations],
        }


def as_json(violation: Violation) -> dict[str, Any]:
    return {
        "rule": violation.rule.value,
        "source": violation.source,
        "message": violation.message,
        "allowed": violation.allowed,
    }


@dataclass(frozen=True, slots=True)
class NewWindow:
    service: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    title: str
    body: str = ""
    body_en: str | None = None
    affected: Sequence[str] = ()
    announce: bool = False
    announced_at: dt.datetime | None = None  # an announcement entered afterwards
    override_reason: str | None = None


def plan_window(
    session: Session, actor: User, new: NewWindow, now: dt.datetime | None = None
) -> ServiceWindow:
    """Record a window of a service, announced at once when asked (R13)."""
    _check_may_plan(actor)
    now = now or now_utc()
    announced = _announcement(new, now)
    stored = version_named(session, new.service, now.date())
    declaration = declaration_of(stored)
    proposal = Proposal(new.kind, new.start, new.end, announced)
    violations = _verdict(
        session, declaration, stored.service_id, proposal, new.override_reason, now
    )
    window = ServiceWindow(
        service_id=stored.service_id,
        declaration_version_id=stored.id,
        kind=new.kind,
        state=WindowState.planned.value,
        planned_start=new.start,
        planned_end=new.end,
        announced_at=None,
        title=new.title,
        body=new.body,
        body_en=new.body_en,
        affected=list(new.affected),
        created_at=now,
        created_by_id=actor.id,
        revision=0,
        updated_at=now,
    )
    _keep(window, violations, new.override_reason)
    window.service = stored.service
    window.declaration_version = stored
    session.add(window)
    session.flush()  # its id, which its announcement's check leaves out of the others
    append_event(
        session,
        window,
        kind="planned",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        after=snapshot(window),
    )
    if announced is not None:
        _announce(session, actor, window, announced, now, new.override_reason)
    request_publish(session, window.service_id, now)
    return window


def announce_window(
    session: Session,
    actor: User,
    window: ServiceWindow,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    *,
    override_reason: str | None = None,
) -> None:
    """Announce the window to its stakeholders; notice is counted from `at` (default now).
    An announcement that breaks rules (too late, say) needs an override reason, as a plan does."""
    now = now or now_utc()
    at = up_to_now("at", at or now, now)
    _step(actor, window, WindowAction.announce)
    _announce(session, actor, window, at, now, override_reason or window.override_reason)
    request_publish(session, window.service_id, now)


def start_window(
    session: Session,
    actor: User | None,
    window: ServiceWindow,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The work has begun, at `at` (default now): the window's actual start. No actor is the
    worker, starting an announced window at its planned start."""
    _moved(session, actor, window, WindowAction.start, "actual_start", at, now)


def complete_window(
    session: Session,
    actor: User | None,
    window: ServiceWindow,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The work is done, at `at` (default now): the window's actual end. No actor is the
    worker, ending a window still in progress at its planned end."""
    if window.actual_start is not None and at is not None and at <= window.actual_start:
        raise Invalid("at", "must be after the window's actual start")
    _moved(session, actor, window, WindowAction.complete, "actual_end", at, now)


RESCHEDULABLE = (WindowState.planned, WindowState.announced)


def reschedule_window(
    session: Session,
    actor: User,
    window: ServiceWindow,
    start: dt.datetime,
    end: dt.datetime,
    *,
    override_reason: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Move a window that has not begun to new times, checked against the rules again. An
    announced window is announced anew: notice counts from now, for the new times (R13.1)."""
    _check_may_plan(actor)
    state = WindowState(window.state)
    if state not in RESCHEDULABLE:
        allowed = [action.value for action in MACHINE.allowed(state, actor)]
        raise TransitionNotAllowed(
            "window {id} is {state}, so it can no longer be rescheduled; allowed for you now: "
            "{allowed}",
            allowed,
            id=window.id,
            state=state.value,
            allowed=Names(allowed) if allowed else "nothing",
        )
    now = now or now_utc()
    announced = now if window.announced_at is not None else None
    reason = override_reason or window.override_reason
    violations = _verdict_of(
        session, window, Proposal(window.kind, start, end, announced), reason, now
    )
    before = snapshot(window)
    window.planned_start, window.planned_end = start, end
    window.announced_at = announced
    _keep(window, violations, reason)
    append_event(
        session,
        window,
        kind="rescheduled",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        before=before,
        after=snapshot(window),
    )
    if announced is not None:
        announcements.announced(session, actor, window, _declaration(window), now)
    request_publish(session, window.service_id, now)


def cancel_window(
    session: Session,
    actor: User,
    window: ServiceWindow,
    reason: str,
    now: dt.datetime | None = None,
) -> None:
    """Cancel the window; it no longer holds its time nor counts in the quota."""
    if not reason.strip():
        raise Invalid("reason", "must be filled in")
    now = now or now_utc()
    before = snapshot(window)
    was_running = window.state == WindowState.in_progress.value
    window.state = _step(actor, window, WindowAction.cancel).value
    append_event(
        session,
        window,
        kind="cancelled",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        before=before,
        after=snapshot(window),
        note=reason,
    )
    declaration = _declaration(window)
    announcements.cancelled(session, actor, window, declaration, was_running=was_running, now=now)
    request_publish(session, window.service_id, now)


def get_window(
    session: Session, window_id: int, *, reader: User | None = None, for_update: bool = False
) -> ServiceWindow:
    """The window with `window_id`, as `reader` may see it (None: the system, which sees all);
    one the reader may not see is answered like one that does not exist."""
    window = one_by_id(session, ServiceWindow, window_id, for_update=for_update)
    if window is None or not may_see(reader, window):
        raise NotFound("no service window has id {id}", id=window_id)
    return window


def may_see(reader: User | None, window: ServiceWindow) -> bool:
    """An authority sees a window once it is announced, as the status channel shows it: plans
    not yet told are the agency's and its supplier's (R12.2)."""
    return reader is None or reader.role is not Role.authority or window.announced_at is not None


def _visible(reader: User | None) -> ColumnElement[bool]:
    if reader is None or reader.role is not Role.authority:
        return true()
    return ServiceWindow.announced_at.is_not(None)


@dataclass(frozen=True, slots=True)
class WindowFilter:
    service: str | None = None
    year: int | None = None  # the local year of the planned start
    state: WindowState | None = None


def list_windows(
    session: Session,
    filters: WindowFilter,
    *,
    limit: int,
    offset: int,
    reader: User | None = None,
) -> tuple[list[ServiceWindow], int]:
    """A page of the windows that match, in the order they are planned, and how many match.

    The year is each window's local year: the windows of a few days around New Year are read
    and sorted out here, as their declaration's zone decides."""
    statement = (
        select(ServiceWindow)
        .where(_visible(reader))
        .options(
            selectinload(ServiceWindow.service), selectinload(ServiceWindow.declaration_version)
        )
    )
    if filters.service:
        statement = statement.where(ServiceWindow.service.has(Service.key == filters.service))
    if filters.state:
        statement = statement.where(ServiceWindow.state == filters.state.value)
    if filters.year:
        margin = dt.timedelta(days=2)
        first = dt.datetime(filters.year, 1, 1, tzinfo=dt.UTC) - margin
        last = dt.datetime(filters.year + 1, 1, 1, tzinfo=dt.UTC) + margin
        statement = statement.where(
            ServiceWindow.planned_start >= first, ServiceWindow.planned_start < last
        )
    ordered = statement.order_by(ServiceWindow.planned_start, ServiceWindow.id)
    if not filters.year:
        return count_and_page(session, ordered, limit=limit, offset=offset)
    found = [w for w in session.scalars(ordered) if local_year(w) == filters.year]
    return found[offset : offset + limit], len(found)


def announced_windows(
    session: Session, service_id: int, *, since: dt.datetime
) -> list[ServiceWindow]:
    """The service's windows that were announced and end after `since`, with their events:
    what its stakeholders were told, cancelled ones included."""
    return list(
        session.scalars(
            select(ServiceWindow)
            .where(
                ServiceWindow.service_id == service_id,
                ServiceWindow.announced_at.is_not(None),
                ServiceWindow.planned_end >= since,
            )
            .options(selectinload(ServiceWindow.events))
            .order_by(ServiceWindow.planned_start, ServiceWindow.id)
        )
    )


def local_year(window: ServiceWindow) -> int:
    return year_of(declaration_of(window.declaration_version), window.planned_start)


@dataclass(frozen=True, slots=True)
class Quota:
    kind: str
    per_year: int | None
    dates: list[dt.date]

    @property
    def used(self) -> int:
        return len(self.dates)

    @property
    def left(self) -> int | None:
        return None if self.per_year is None else max(0, self.per_year - self.used)


def quota_of(session: Session, service: str, year: int) -> list[Quota]:
    """Per kind of the declaration in force: the windows of `year` that count, and how many
    are left (R13.1, R12.1). Every window but the cancelled counts."""
    stored = version_named(session, service, now_utc().date())
    declaration = declaration_of(stored)
    zone = declaration.time.zone
    rows, _ = list_windows(session, WindowFilter(service, year), limit=10_000, offset=0)
    counted = [row for row in rows if WindowState(row.state) in HOLDING]
    return [
        Quota(
            kind.key,
            kind.per_year,
            [row.planned_start.astimezone(zone).date() for row in counted if row.kind == kind.key],
        )
        for kind in (declaration.service_windows.kinds if declaration.service_windows else [])
    ]


def holding(session: Session, service_id: int, *, leaving_out: int | None = None) -> list[Planned]:
    """The service's windows that hold their time (all but the cancelled), for the rules."""
    statement = select(ServiceWindow).where(
        ServiceWindow.service_id == service_id,
        ServiceWindow.state.in_([state.value for state in HOLDING]),
    )
    if leaving_out is not None:
        statement = statement.where(ServiceWindow.id != leaving_out)
    return [
        Planned(window.kind, window.planned_start, window.planned_end, window.id)
        for window in session.scalars(statement)
    ]


def excuses_downtime(window: ServiceWindow) -> bool:
    """Only a compliant window announced with the required notice excuses downtime (R3.3)."""
    return window.compliant and window.announced_at is not None


def snapshot(window: ServiceWindow) -> dict[str, Any]:
    return {
        "kind": window.kind,
        "state": window.state,
        "start": window.planned_start.isoformat(),
        "end": window.planned_end.isoformat(),
        "actual_start": _iso(window.actual_start),
        "actual_end": _iso(window.actual_end),
        "announced_at": _iso(window.announced_at),
        "title": window.title,
        "compliant": window.compliant,
        "violations": [item["rule"] for item in window.violations],
    }


def _announce(
    session: Session,
    actor: User,
    window: ServiceWindow,
    at: dt.datetime,
    now: dt.datetime,
    override_reason: str | None,
) -> None:
    """Record the announcement and check the rules again: notice now runs from `at`."""
    proposal = Proposal(window.kind, window.planned_start, window.planned_end, at)
    violations = _verdict_of(session, window, proposal, override_reason, now)
    before = snapshot(window)
    window.state = WindowState.announced.value
    window.announced_at = at
    _keep(window, violations, override_reason)
    append_event(
        session,
        window,
        kind="announced",
        actor=actor,
        recorded_at=now,
        effective_at=at,
        before=before,
        after=snapshot(window),
    )
    announcements.announced(session, actor, window, _declaration(window), now)


def _verdict(
    session: Session,
    declaration: Declaration,
    service_id: int,
    proposal: Proposal,
    override_reason: str | None,
    now: dt.datetime,
    *,
    leaving_out: int | None = None,
) -> list[Violation]:
    """The rules `proposal` breaks among the service's other windows; refused with them all
    unless an override reason lets it be recorded anyway."""
    others = holding(session, service_id, leaving_out=leaving_out)
    violations = check(declaration, proposal, others=others, now=now)
    if violations and not override_reason:
        raise WindowRefused(violations)
    return violations


def _verdict_of(
    session: Session,
    window: ServiceWindow,
    proposal: Proposal,
    override_reason: str | None,
    now: dt.datetime,
) -> list[Violation]:
    """`_verdict` for new times or a new announcement of a window already recorded."""
    declaration = declaration_of(window.declaration_version)
    return _verdict(
        session,
        declaration,
        window.service_id,
        proposal,
        override_reason,
        now,
        leaving_out=window.id,
    )


def _keep(window: ServiceWindow, violations: list[Violation], override_reason: str | None) -> None:
    """The verdict on the window: compliant, or the rules it breaks and why it stands."""
    window.compliant = not violations
    window.violations = [as_json(item) for item in violations]
    window.override_reason = override_reason if violations else None


def _moved(
    session: Session,
    actor: User | None,
    window: ServiceWindow,
    action: WindowAction,
    column: str,
    at: dt.datetime | None,
    now: dt.datetime | None,
) -> None:
    now = now or now_utc()
    at = up_to_now("at", at or now, now)
    before = snapshot(window)
    window.state = _step(actor, window, action).value
    setattr(window, column, at)
    kind = {WindowAction.start: "started", WindowAction.complete: "completed"}[action]
    append_event(
        session,
        window,
        kind=kind,
        actor=actor,
        recorded_at=now,
        effective_at=at,
        before=before,
        after=snapshot(window),
    )
    tell = announcements.started if action is WindowAction.start else announcements.completed
    tell(session, actor, window, _declaration(window), now)
    request_publish(session, window.service_id, now)


def _declaration(window: ServiceWindow) -> Declaration:
    return declaration_of(window.declaration_version)


def _step(actor: User | None, window: ServiceWindow, action: WindowAction) -> WindowState:
    return MACHINE.step(WindowState(window.state), action, actor, name=f"window {window.id}")


def _check_may_plan(actor: User) -> None:
    if not MACHINE.allowed(WindowState.planned, actor):
        raise Forbidden(
            "your role ({role}) may not plan service windows (who may: {who})",
            role=actor.role.value,
            who=Names(role.value for role in sorted(WORK)),
        )


def _announcement(new: NewWindow, now: dt.datetime) -> dt.datetime | None:
    if new.announced_at is not None:
        return up_to_now("announced_at", new.announced_at, now)
    return now if new.announce else None


def _iso(instant: dt.datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None
