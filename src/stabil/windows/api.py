"""JSON routes of service windows; each parses, calls the service, and answers (R13)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from stabil.accounts.auth import CurrentUser
from stabil.catalog.service import declaration_of, version_named
from stabil.db.types import now_utc
from stabil.errors import Invalid, Names
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.schemas import Instant, Key, Text
from stabil.web.deps import SessionDep
from stabil.web.openapi import TRANSITION_CONFLICT
from stabil.web.params import Limit, Offset, RowId
from stabil.windows.present import utc, window_out
from stabil.windows.schemas import (
    AnnounceIn,
    CancelIn,
    KindQuota,
    QuotaOut,
    SlotsOut,
    StepIn,
    WindowIn,
    WindowOut,
    WindowPage,
    WindowPatch,
)
from stabil.windows.service import (
    NewWindow,
    WindowFilter,
    announce_window,
    cancel_window,
    complete_window,
    get_window,
    holding,
    list_windows,
    plan_window,
    quota_of,
    reschedule_window,
    start_window,
)
from stabil.windows.slots import UnknownKind, kind_of, slots
from stabil.windows.states import WindowState

router = APIRouter(tags=["service windows"])
Year = Annotated[int, Query(ge=1970, le=9998)]


@router.post("/windows", status_code=201, summary="Plan a service window")
def create(body: WindowIn, user: CurrentUser, session: SessionDep) -> WindowOut:
    """Refused with 422 and every broken rule, unless `override_reason` records it anyway."""
    new = NewWindow(**body.model_dump())
    return window_out(plan_window(session, user, new), user)


@router.get("/windows", summary="Service windows, in the order they are planned")
def index(
    user: CurrentUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    year: Annotated[int | None, Query(ge=1970, le=9998)] = None,
    state: WindowState | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> WindowPage:
    items, total = list_windows(
        session, WindowFilter(service, year, state), limit=limit, offset=offset, reader=user
    )
    return WindowPage(
        items=[window_out(item, user) for item in items], total=total, limit=limit, offset=offset
    )


@router.get("/windows/{window_id}", summary="One service window")
def show(window_id: RowId, user: CurrentUser, session: SessionDep) -> WindowOut:
    return window_out(get_window(session, window_id, reader=user), user)


@router.patch("/windows/{window_id}", summary="Reschedule a window", responses=TRANSITION_CONFLICT)
def reschedule(
    window_id: RowId, body: WindowPatch, user: CurrentUser, session: SessionDep
) -> WindowOut:
    """Refused with 422 and every broken rule, as when it was planned; 409 once it has begun."""
    window = get_window(session, window_id, reader=user, for_update=True)
    reschedule_window(
        session, user, window, body.start, body.end, override_reason=body.override_reason
    )
    return window_out(window, user)


@router.get("/windows/{window_id}/events", summary="The window's history, oldest first")
def events(window_id: RowId, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    window = get_window(session, window_id, reader=user)
    return [event_out(row, user) for row in events_of(session, window)]


@router.post("/windows/{window_id}/announce", summary="Announce it", responses=TRANSITION_CONFLICT)
def announce(
    window_id: RowId, user: CurrentUser, session: SessionDep, body: AnnounceIn | None = None
) -> WindowOut:
    """Refused with 422 and every broken rule, unless `override_reason` records it anyway."""
    window = get_window(session, window_id, reader=user, for_update=True)
    body = body or AnnounceIn()
    announce_window(session, user, window, body.at, override_reason=body.override_reason)
    return window_out(window, user)


@router.post("/windows/{window_id}/start", summary="The work began", responses=TRANSITION_CONFLICT)
def start(
    window_id: RowId, user: CurrentUser, session: SessionDep, body: StepIn | None = None
) -> WindowOut:
    window = get_window(session, window_id, reader=user, for_update=True)
    start_window(session, user, window, body.at if body else None)
    return window_out(window, user)


@router.post(
    "/windows/{window_id}/complete", summary="The work is done", responses=TRANSITION_CONFLICT
)
def complete(
    window_id: RowId, user: CurrentUser, session: SessionDep, body: StepIn | None = None
) -> WindowOut:
    window = get_window(session, window_id, reader=user, for_update=True)
    complete_window(session, user, window, body.at if body else None)
    return window_out(window, user)


@router.post("/windows/{window_id}/cancel", summary="Cancel it", responses=TRANSITION_CONFLICT)
def cancel(window_id: RowId, body: CancelIn, user: CurrentUser, session: SessionDep) -> WindowOut:
    window = get_window(session, window_id, reader=user, for_update=True)
    cancel_window(session, user, window, body.reason)
    return window_out(window, user)


@router.get("/services/{key}/windows/quota", summary="Windows used and left per kind in a year")
def quota(key: str, year: Year, user: CurrentUser, session: SessionDep) -> QuotaOut:
    kinds = [
        KindQuota(kind=q.kind, per_year=q.per_year, used=q.used, left=q.left, dates=q.dates)
        for q in quota_of(session, key, year)
    ]
    return QuotaOut(service=key, year=year, kinds=kinds)


@router.get("/services/{key}/windows/slots", summary="The next allowed starts of a kind")
def next_slots(
    key: str,
    kind: Key,
    user: CurrentUser,
    session: SessionDep,
    after: Annotated[Instant | None, Query(description="Default: now.")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SlotsOut:
    """Starts at which a window of the kind, of its longest length and announced now, keeps
    every rule: notice, hours, service period, quota and the service's other windows."""
    now = now_utc()
    stored = version_named(session, key, now.date())
    declaration = declaration_of(stored)
    try:
        found_kind = kind_of(declaration, kind)
    except UnknownKind as unknown:
        raise Invalid(
            "kind",
            "is not a window kind of the declaration; it has: {kinds}",
            kinds=Names(unknown.known),
        ) from None
    found = slots(
        declaration,
        kind,
        after=after or now,
        now=now,
        others=holding(session, stored.service_id),
        limit=limit,
    )
    return SlotsOut(kind=kind, minutes=found_kind.max_minutes, slots=[utc(item) for item in found])
