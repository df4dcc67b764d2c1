"""JSON routes of a service's meetings; each parses, calls the service, and answers (R17, R9.8).

The pack is one standalone HTML document (`/pack`), the same one the PDF is printed from."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from stabil.accounts.auth import CurrentUser, require_roles
from stabil.accounts.models import User
from stabil.meetings.access import READ
from stabil.meetings.pack import (
    CONTENT_SECURITY_POLICY,
    pack,
    pack_file_name,
    pack_html,
    pack_pdf,
)
from stabil.meetings.present import action_out, meeting_out, schedule_out
from stabil.meetings.schemas import (
    ActionIn,
    ActionOut,
    CancelIn,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    ScheduleOut,
)
from stabil.meetings.service import (
    NewMeeting,
    add_action,
    cancel_meeting,
    complete_action,
    get_action,
    get_meeting,
    list_meetings,
    plan_meeting,
    record_minutes,
    schedule,
)
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.schemas import Key
from stabil.web.deps import SessionDep
from stabil.web.openapi import CONFLICT, TRANSITION_CONFLICT
from stabil.web.params import RowId

router = APIRouter(prefix="/services/{service}/meetings", tags=["meetings"])
# Reading is for the desk, its readers and the authorities (meetings/access.py).
Reader = Annotated[User, Depends(require_roles(*sorted(READ)))]
Year = Annotated[int | None, Query(ge=1970, le=9998)]


@router.get("", summary="The service's meetings, in the order they take place")
def index(
    service: Key,
    user: Reader,
    session: SessionDep,
    forum: Annotated[Key | None, Query(max_length=64)] = None,
    year: Year = None,
) -> list[MeetingOut]:
    meetings = list_meetings(session, user, service, forum=forum, year=year)
    return [meeting_out(item, user) for item in meetings]


@router.post("", status_code=201, summary="Plan a meeting of a declared forum")
def create(service: Key, body: MeetingIn, user: CurrentUser, session: SessionDep) -> MeetingOut:
    """`forum` names the declared meeting; the end defaults to its declared duration (R17.1:
    2 hours). A meeting beyond the declared number a year is planned, flagged in `warnings`."""
    new = NewMeeting(service=service, **body.model_dump())
    meeting = plan_meeting(session, user, new)
    return meeting_out(meeting, user)


@router.get("/schedule", summary="Each period of a year: held, planned, due or missing")
def year_schedule(
    service: Key,
    user: Reader,
    session: SessionDep,
    year: Annotated[int, Query(ge=1970, le=9998)],
) -> list[ScheduleOut]:
    """R17.1: four a year, one a quarter; R9.8: one every second month."""
    return [schedule_out(item) for item in schedule(session, user, service, year)]


@router.get("/{meeting_id}", summary="One meeting, with its minutes and actions")
def show(service: Key, meeting_id: RowId, user: Reader, session: SessionDep) -> MeetingOut:
    return meeting_out(get_meeting(session, user, service, meeting_id), user)


@router.get("/{meeting_id}/events", summary="The meeting's history, oldest first")
def events(service: Key, meeting_id: RowId, user: Reader, session: SessionDep) -> list[EventOut]:
    meeting = get_meeting(session, user, service, meeting_id)
    return [event_out(row, user) for row in events_of(session, meeting)]


@router.post(
    "/{meeting_id}/minutes", summary="Record its decision minutes", responses=TRANSITION_CONFLICT
)
def minutes(
    service: Key, meeting_id: RowId, body: MinutesIn, user: CurrentUser, session: SessionDep
) -> MeetingOut:
    """The meeting is held; minutes recorded again replace the earlier ones (the history keeps
    them). `422` before the meeting has started."""
    meeting = get_meeting(session, user, service, meeting_id, for_update=True)
    record_minutes(session, user, meeting, body.minutes, body.decisions)
    return meeting_out(meeting, user)


@router.post(
    "/{meeting_id}/actions",
    status_code=201,
    summary="Add an action to its minutes",
    responses=TRANSITION_CONFLICT,
)
def new_action(
    service: Key, meeting_id: RowId, body: ActionIn, user: CurrentUser, session: SessionDep
) -> ActionOut:
    meeting = get_meeting(session, user, service, meeting_id, for_update=True)
    action = add_action(session, user, meeting, body.text, body.owner, body.due_on)
    return action_out(action)


@router.post(
    "/{meeting_id}/actions/{action_id}/complete", summary="The action is done", responses=CONFLICT
)
def complete(
    service: Key, meeting_id: RowId, action_id: RowId, user: CurrentUser, session: SessionDep
) -> ActionOut:
    meeting = get_meeting(session, user, service, meeting_id, for_update=True)
    action = get_action(session, meeting, action_id)
    complete_action(session, user, action)
    return action_out(action)


@router.post("/{meeting_id}/cancel", summary="Cancel it", responses=TRANSITION_CONFLICT)
def cancel(
    service: Key, meeting_id: RowId, body: CancelIn, user: CurrentUser, session: SessionDep
) -> MeetingOut:
    meeting = get_meeting(session, user, service, meeting_id, for_update=True)
    cancel_meeting(session, user, meeting, body.reason)
    return meeting_out(meeting, user)


@router.get(
    "/{meeting_id}/pack",
    summary="The meeting pack, as one HTML document or its PDF",
    response_class=HTMLResponse,
    responses={200: {"content": {"application/pdf": {}}}},
)
def meeting_pack(
    service: Key,
    meeting_id: RowId,
    user: Reader,
    session: SessionDep,
    lang: Literal["da", "en"] = "da",
    format: Literal["html", "pdf"] = "html",
) -> Response:
    """The agenda, the open actions, the operations since the forum's last meeting and what
    is coming, in the service's local time; Danish unless `lang=en`; `format=pdf` prints it."""
    meeting = get_meeting(session, user, service, meeting_id)
    found = pack(session, meeting)
    if format == "pdf":
        name = pack_file_name(meeting, "pdf")
        return Response(
            pack_pdf(found, lang),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    html = pack_html(found, lang)
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
