"""JSON routes of releases; each parses, calls the service, and answers (R11)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from stabil.accounts.auth import CurrentUser
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.releases.present import release_out
from stabil.releases.schemas import (
    AnnounceIn,
    CancelIn,
    HelpIn,
    ReleaseIn,
    ReleaseOut,
    ReleasePage,
    ReleasePatch,
    StepIn,
)
from stabil.releases.service import (
    NewRelease,
    ReleaseFilter,
    announce_release,
    cancel_release,
    change_release,
    get_release,
    list_releases,
    mark_help_given,
    mark_released,
    register_release,
)
from stabil.releases.states import ReleaseState
from stabil.schemas import Text
from stabil.web.deps import SessionDep
from stabil.web.openapi import CONFLICT, TRANSITION_CONFLICT
from stabil.web.params import Limit, Offset, RowId

router = APIRouter(tags=["releases"])


@router.post("/releases", status_code=201, summary="Register a release")
def create(body: ReleaseIn, user: CurrentUser, session: SessionDep) -> ReleaseOut:
    """An interface change with too short notice is refused with 422 at `planned_date`, saying
    the earliest allowed date, unless `shorter_notice_reason` records it anyway, flagged."""
    release = register_release(session, user, NewRelease(**body.model_dump()))
    return release_out(release, user)


@router.get("/releases", summary="Releases, in the order they are planned")
def index(
    user: CurrentUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    year: Annotated[int | None, Query(ge=1970, le=9998)] = None,
    state: ReleaseState | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ReleasePage:
    items, total = list_releases(
        session, ReleaseFilter(service, year, state), limit=limit, offset=offset
    )
    return ReleasePage(
        items=[release_out(item, user) for item in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/releases/{release_id}", summary="One release")
def show(release_id: RowId, user: CurrentUser, session: SessionDep) -> ReleaseOut:
    return release_out(get_release(session, release_id), user)


@router.patch(
    "/releases/{release_id}", summary="Change or reschedule it", responses=TRANSITION_CONFLICT
)
def change(
    release_id: RowId, body: ReleasePatch, user: CurrentUser, session: SessionDep
) -> ReleaseOut:
    """The notice is checked again; an announced release moved to another date is announced
    anew, as an update of its message. `409` once it is released or cancelled."""
    release = get_release(session, release_id, for_update=True)
    change_release(session, user, release, body.model_dump(exclude_unset=True))
    return release_out(release, user)


@router.get("/releases/{release_id}/events", summary="The release's history, oldest first")
def events(release_id: RowId, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    release = get_release(session, release_id)
    return [event_out(row, user) for row in events_of(session, release)]


@router.post(
    "/releases/{release_id}/announce", summary="Announce it", responses=TRANSITION_CONFLICT
)
def announce(
    release_id: RowId, user: CurrentUser, session: SessionDep, body: AnnounceIn | None = None
) -> ReleaseOut:
    """Posts an operational message of type `release`; notice counts from `at`."""
    release = get_release(session, release_id, for_update=True)
    body = body or AnnounceIn()
    announce_release(
        session, user, release, body.at, shorter_notice_reason=body.shorter_notice_reason
    )
    return release_out(release, user)


@router.post("/releases/{release_id}/release", summary="It is out", responses=TRANSITION_CONFLICT)
def release(
    release_id: RowId, user: CurrentUser, session: SessionDep, body: StepIn | None = None
) -> ReleaseOut:
    found = get_release(session, release_id, for_update=True)
    mark_released(session, user, found, body.at if body else None)
    return release_out(found, user)


@router.post("/releases/{release_id}/cancel", summary="Cancel it", responses=TRANSITION_CONFLICT)
def cancel(release_id: RowId, body: CancelIn, user: CurrentUser, session: SessionDep) -> ReleaseOut:
    release = get_release(session, release_id, for_update=True)
    cancel_release(session, user, release, body.reason)
    return release_out(release, user)


@router.post(
    "/releases/{release_id}/help-given",
    summary="The help after a shorter notice is given",
    responses=CONFLICT,
)
def help_given(
    release_id: RowId, user: CurrentUser, session: SessionDep, body: HelpIn | None = None
) -> ReleaseOut:
    """Marks the agency's duty to help with knowledge and advice as done (R11.1); `409` when
    there is none, or it was marked already."""
    release = get_release(session, release_id, for_update=True)
    body = body or HelpIn()
    mark_help_given(session, user, release, body.at, note=body.note)
    return release_out(release, user)
