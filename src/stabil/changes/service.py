"""Recording changes, planning them, linking their service windows and moving them through
their states (R12.1).

Functions take a session and never commit; every change appends an immutable event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.changes.access import can_see, check_can_work, check_step, not_found, visible
from stabil.changes.models import Change, ChangeSequence
from stabil.changes.states import (
    EXPLAINED,
    MACHINE,
    OPEN_FOR_WINDOWS,
    PLANNING,
    ChangeState,
    ChangeType,
    Risk,
)
from stabil.db.queries import count_and_page, one_by_id, one_by_key
from stabil.db.types import now_utc
from stabil.errors import Invalid, Names, NotFound, TransitionNotAllowed
from stabil.records.history import append_event
from stabil.records.numbering import next_key
from stabil.windows.models import ServiceWindow
from stabil.windows.service import Quota, quota_of
from stabil.windows.states import WindowState

# The fields of the plan, by the name the API gives them, and the column that holds each.
PLAN = {
    "type": "type",
    "title": "title",
    "description": "description",
    "risk": "risk",
    "implementation_plan": "implementation_plan",
    "fallback_plan": "fallback_plan",
    "start": "planned_start",
    "end": "planned_end",
}
# The windows' quota counts years the calendar can hold a year after (windows.service).
LAST_QUOTA_YEAR = 9998


@dataclass(frozen=True, slots=True)
class NewChange:
    service: str
    type: ChangeType
    title: str
    risk: Risk
    start: dt.datetime
    end: dt.datetime
    description: str = ""
    implementation_plan: str = ""
    fallback_plan: str = ""


def request_change(
    session: Session, actor: User, new: NewChange, now: dt.datetime | None = None
) -> Change:
    """Record a change of a service, keyed CHG-<prefix>-<year>-<number>, as requested."""
    check_can_work(actor)
    _check_times(new.start, new.end)
    now = now or now_utc()
    stored = version_named(session, new.service, now.date())
    numbered = next_key(
        session,
        ChangeSequence,
        service_id=stored.service_id,
        declaration=declaration_of(stored),
        now=now,
        kind="CHG",
    )
    change = Change(
        key=numbered.key,
        service_id=stored.service_id,
        year=numbered.year,
        number=numbered.number,
        type=ChangeType(new.type).value,
        title=new.title,
        description=new.description,
        risk=Risk(new.risk).value,
        implementation_plan=new.implementation_plan,
        fallback_plan=new.fallback_plan,
        planned_start=new.start,
        planned_end=new.end,
        state=ChangeState.requested.value,
        state_since=now,
        created_at=now,
        created_by_id=actor.id,
        revision=0,
        updated_at=now,
    )
    change.service = stored.service
    session.add(change)
    append_event(
        session, change, kind="requested", actor=actor, recorded_at=now, after=snapshot(change)
    )
    return change


def snapshot(change: Change) -> dict[str, Any]:
    return {"key": change.key, "state": change.state, **plan_facts(change, PLAN)}


def plan_facts(change: Change, names: Sequence[str] | Mapping[str, str]) -> dict[str, Any]:
    """The plan's fields by their API names, as an event keeps them: times in UTC."""
    return {name: _fact(getattr(change, PLAN[name])) for name in names}


def _fact(value: object) -> object:
    return value.astimezone(dt.UTC).isoformat() if isinstance(value, dt.datetime) else value


def edit_change(
    session: Session,
    actor: User,
    change: Change,
    changes: Mapping[str, object],
    now: dt.datetime | None = None,
) -> None:
    """Change the plan while the change is requested or approved; one event holds every
    field that changed. Refused as a whole before anything changes."""
    check_can_work(actor)
    _check_planning(actor, change)
    values = {name: _plan_value(name, value) for name, value in changes.items()}
    start = cast(dt.datetime, values.get("start", change.planned_start))
    end = cast(dt.datetime, values.get("end", change.planned_end))
    _check_times(start, end)
    changed = [name for name, value in values.items() if getattr(change, PLAN[name]) != value]
    if not changed:
        return
    before = plan_facts(change, changed)
    for name in changed:
        setattr(change, PLAN[name], values[name])
    append_event(
        session,
        change,
        kind="edited",
        actor=actor,
        recorded_at=now or now_utc(),
        before=before,
        after=plan_facts(change, changed),
    )


def _plan_value(name: str, value: object) -> object:
    if name not in PLAN:
        raise Invalid(name, "cannot be edited (editable: {editable})", editable=Names(PLAN))
    if value is None:
        raise Invalid(name, "cannot be null (give an empty text to clear it)")
    if name == "type":
        return ChangeType(str(value)).value
    if name == "risk":
        return Risk(str(value)).value
    return value


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise Invalid("end", "must be after the start ({start})", start=_fact(start))


def _check_planning(actor: User, change: Change) -> None:
    if ChangeState(change.state) not in PLANNING:
        allowed = _allowed(actor, change)
        raise TransitionNotAllowed(
            "{key} is {state}, so its plan can no longer be changed; allowed for you now: "
            "{allowed}",
            allowed,
            key=change.key,
            state=change.state,
            allowed=_listed(allowed),
        )


def _check_open_for_windows(actor: User, change: Change) -> None:
    if ChangeState(change.state) not in OPEN_FOR_WINDOWS:
        allowed = _allowed(actor, change)
        raise TransitionNotAllowed(
            "{key} is {state}, so its windows are final; allowed for you now: {allowed}",
            allowed,
            key=change.key,
            state=change.state,
            allowed=_listed(allowed),
        )


def _allowed(actor: User, change: Change) -> list[str]:
    return [item.value for item in MACHINE.allowed(ChangeState(change.state), actor)]


def _listed(allowed: list[str]) -> Names | str:
    return Names(allowed) if allowed else "nothing"


def approve(
    session: Session,
    actor: User,
    change: Change,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Approved to go ahead: only with its implementation and fallback plans written down."""
    check_can_work(actor)
    check_step(actor, change, ChangeState.approved)
    for name in ("implementation_plan", "fallback_plan"):
        if not getattr(change, name).strip():
            raise Invalid(name, "a change is approved only with this plan written down")
    _transition(session, actor, change, ChangeState.approved, note, now)


def schedule(
    session: Session,
    actor: User,
    change: Change,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Its time is fixed, with the service windows it needs linked."""
    _transition(session, actor, change, ChangeState.scheduled, note, now)


def implement(
    session: Session,
    actor: User,
    change: Change,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    _transition(session, actor, change, ChangeState.implemented, note, now)


def review(
    session: Session,
    actor: User,
    change: Change,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Looked back on once implemented: the change is done."""
    _transition(session, actor, change, ChangeState.reviewed, note, now)


def reject(
    session: Session,
    actor: User,
    change: Change,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Not to be made; the note says why."""
    _transition(session, actor, change, ChangeState.rejected, note, now)


def fail(
    session: Session,
    actor: User,
    change: Change,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """It went wrong and was rolled back; the note says what happened."""
    _transition(session, actor, change, ChangeState.failed, note, now)


STEPS = {
    ChangeState.approved: approve,
    ChangeState.scheduled: schedule,
    ChangeState.implemented: implement,
    ChangeState.reviewed: review,
    ChangeState.rejected: reject,
    ChangeState.failed: fail,
}


def move(
    session: Session,
    actor: User,
    change: Change,
    to: ChangeState,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Take the step to `to` with its own function; `requested` is never a next state (409)."""
    step = STEPS.get(to)
    if step is None:
        check_can_work(actor)
        check_step(actor, change, to)
        return
    step(session, actor, change, note=note, now=now)


def _transition(
    session: Session,
    actor: User,
    change: Change,
    target: ChangeState,
    note: str | None,
    now: dt.datetime | None,
) -> None:
    check_can_work(actor)
    state = check_step(actor, change, target)
    if target in EXPLAINED and not (note or "").strip():
        raise Invalid("note", "say why the change is {state}", state=target.value)
    now = now or now_utc()
    current = change.state
    change.state, change.state_since = state.value, now
    append_event(
        session,
        change,
        kind="transition",
        actor=actor,
        recorded_at=now,
        before={"state": current},
        after={"state": change.state},
        note=note or None,
    )


def link_window(
    session: Session,
    actor: User,
    change: Change,
    window_id: int,
    now: dt.datetime | None = None,
) -> None:
    """Link a service window of the change's service to it; a window is for one change."""
    check_can_work(actor)
    _check_open_for_windows(actor, change)
    window = one_by_id(session, ServiceWindow, window_id, for_update=True)
    if window is None:
        raise Invalid("window", "no service window has id {id}", id=window_id)
    _check_linkable(change, window)
    if window.change_id == change.id:
        return
    now = now or now_utc()
    window.change_id = change.id
    append_event(
        session,
        change,
        kind="window_linked",
        actor=actor,
        recorded_at=now,
        after={"windows": [window.id]},
    )
    append_event(
        session,
        window,
        kind="change_linked",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        after={"change": change.key},
    )
    _refresh_links(session, change, window)


def _check_linkable(change: Change, window: ServiceWindow) -> None:
    if window.service_id != change.service_id:
        raise Invalid(
            "window",
            "window {id} is one of {window_service}, not of {service}, the change's service",
            id=window.id,
            window_service=window.service.key,
            service=change.service.key,
        )
    if window.state == WindowState.cancelled:
        raise Invalid(
            "window", "window {id} is cancelled; link a window that holds its time", id=window.id
        )
    if window.change_id not in (None, change.id):
        raise Invalid(
            "window",
            "window {id} is for {other} already; unlink it there first",
            id=window.id,
            other=window.change_key,
        )


def unlink_window(
    session: Session,
    actor: User,
    change: Change,
    window_id: int,
    now: dt.datetime | None = None,
) -> None:
    check_can_work(actor)
    _check_open_for_windows(actor, change)
    if all(item.id != window_id for item in change.windows):
        raise NotFound("window {id} is not linked to {key}", id=window_id, key=change.key)
    window = one_by_id(session, ServiceWindow, window_id, for_update=True)
    assert window is not None  # linked, so it exists
    now = now or now_utc()
    window.change_id = None
    append_event(
        session,
        change,
        kind="window_unlinked",
        actor=actor,
        recorded_at=now,
        before={"windows": [window.id]},
    )
    append_event(
        session,
        window,
        kind="change_unlinked",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        before={"change": change.key},
    )
    _refresh_links(session, change, window)


def _refresh_links(session: Session, change: Change, window: ServiceWindow) -> None:
    # Both sides read the link from the window's column: written, they read it anew.
    session.flush()
    session.expire(change, ["windows"])
    session.expire(window, ["change_key"])


def linkable_windows(session: Session, change: Change) -> list[ServiceWindow]:
    """The service's windows that are still to come or under way and for no change yet."""
    waiting = (WindowState.planned, WindowState.announced, WindowState.in_progress)
    return list(
        session.scalars(
            select(ServiceWindow)
            .where(
                ServiceWindow.service_id == change.service_id,
                ServiceWindow.change_id.is_(None),
                ServiceWindow.state.in_([state.value for state in waiting]),
            )
            .order_by(ServiceWindow.planned_start, ServiceWindow.id)
            .limit(100)
        )
    )


@dataclass(frozen=True, slots=True)
class ChangeQuota:
    """The service's windows used and left per kind in the year of the change's start."""

    service: str
    year: int
    kinds: list[Quota]


def quota_for(session: Session, change: Change) -> ChangeQuota:
    return quotas_for(session, [change])[change.id]


def quotas_for(session: Session, changes: Sequence[Change]) -> dict[int, ChangeQuota]:
    """Each change's quota (R12.1: the number of service windows is kept track of), counted
    once per service and year however many changes share them."""
    zones: dict[str, dt.tzinfo] = {}
    counted: dict[tuple[str, int], list[Quota]] = {}
    result: dict[int, ChangeQuota] = {}
    today = now_utc().date()
    for change in changes:
        service = change.service.key
        if service not in zones:
            zones[service] = declaration_of(version_named(session, service, today)).time.zone
        year = min(change.planned_start.astimezone(zones[service]).year, LAST_QUOTA_YEAR)
        if (service, year) not in counted:
            counted[service, year] = quota_of(session, service, year)
        result[change.id] = ChangeQuota(service, year, counted[service, year])
    return result


def get_change(session: Session, actor: User, key: str, *, for_update: bool = False) -> Change:
    """The change with `key` if the actor may see it; locked for a change when asked."""
    statement = (
        select(Change)
        .where(Change.key == key)
        .options(selectinload(Change.service), selectinload(Change.windows))
    )
    change = one_by_key(session, statement, key, max_length=64, for_update=for_update)
    if change is None or not can_see(actor, change):
        raise not_found(key)
    return change


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    service: str | None = None
    state: ChangeState | None = None
    type: ChangeType | None = None


def list_changes(
    session: Session, actor: User, filters: ChangeFilter, *, limit: int, offset: int
) -> tuple[list[Change], int]:
    """A page of the changes the actor may see, newest first, and how many match in all."""
    matching = (
        select(Change)
        .where(and_(true(), visible(actor), *_conditions(filters)))
        .options(selectinload(Change.service), selectinload(Change.windows))
        .order_by(Change.created_at.desc(), Change.id.desc())
    )
    return count_and_page(session, matching, limit=limit, offset=offset)


def _conditions(filters: ChangeFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.service:
        conditions.append(Change.service.has(Service.key == filters.service))
    if filters.state:
        conditions.append(Change.state == filters.state.value)
    if filters.type:
        conditions.append(Change.type == filters.type.value)
    return conditions
