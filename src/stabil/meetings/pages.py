"""The desk's pages of meetings: the list with each forum's schedule (held, planned, due or
missing) and the form that plans one; a meeting with its minutes form, its actions and its
history; and its pack (R17, R9.8).

Each form calls the same service function as the API (meetings/api.py): done, it redirects
back (303); refused, the page shows again with why, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from stabil.accounts.roles import WORK
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, list_services, version_named
from stabil.db.types import now_utc
from stabil.meetings.access import READ, can_work, transitions_for
from stabil.meetings.forums import forums_of
from stabil.meetings.models import Meeting
from stabil.meetings.pack import (
    CONTENT_SECURITY_POLICY,
    pack,
    pack_file_name,
    pack_html,
    pack_pdf,
)
from stabil.meetings.schemas import ActionIn, CancelIn, MeetingIn, MinutesIn
from stabil.meetings.service import (
    NewMeeting,
    add_action,
    cancel_meeting,
    complete_action,
    declaration_for,
    forum_of,
    get_action,
    list_meetings,
    meeting_by_id,
    organisations,
    plan_meeting,
    record_minutes,
    schedule,
)
from stabil.meetings.states import MeetingStep
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language
from stabil.web.pages import (
    Problem,
    SignedIn,
    answer_form,
    page,
    require_form_roles,
    require_page_roles,
    see_other,
)
from stabil.web.params import RowId
from stabil.windows.local_time import local_instant

router = APIRouter(prefix="/desk/meetings", include_in_schema=False)
ReadPage = Annotated[SignedIn, Depends(require_page_roles(*sorted(READ)))]
WorkForm = Annotated[SignedIn, Depends(require_form_roles(*sorted(WORK)))]
Field = Annotated[str, Form()]


@router.get("", response_class=HTMLResponse)
def index(
    request: Request, who: ReadPage, session: SessionDep, service: str = "", year: str = ""
) -> HTMLResponse:
    """A service's meetings and, per forum, each period of the year as it stands."""
    return _index(request, who, session, service, year, None, {})


@router.post("", response_class=HTMLResponse)
def plan(
    request: Request,
    who: WorkForm,
    session: SessionDep,
    service: Field = "",
    forum: Field = "",
    starts_at: Field = "",
    title: Field = "",
    location: Field = "",
) -> Response:
    values = {"forum": forum, "starts_at": starts_at, "title": title, "location": location}
    created: list[Meeting] = []

    def work() -> None:
        zone = declaration_of(version_named(session, service, now_utc().date())).time.zone
        body = MeetingIn.model_validate(
            {
                "forum": forum,
                "starts_at": local_instant("starts_at", starts_at, zone).isoformat(),
                "title": title.strip() or None,
                "location": location,
            }
        )
        created.append(plan_meeting(session, who.user, NewMeeting(service, **body.model_dump())))

    return answer_form(
        request,
        session,
        work,
        refused=lambda why: _index(request, who, session, service, "", why, values),
        in_place=lambda: see_other(request, f"{router.prefix}/{created[0].id}?done=planned"),
        done_url=lambda: f"{router.prefix}/{created[0].id}?done=planned",
    )


@router.get("/{meeting_id}", response_class=HTMLResponse)
def show(
    request: Request, meeting_id: RowId, who: ReadPage, session: SessionDep, done: str = ""
) -> HTMLResponse:
    meeting = meeting_by_id(session, who.user, meeting_id)
    return _show(request, who, session, meeting, done=done)


@router.get("/{meeting_id}/pack", response_class=HTMLResponse)
def meeting_pack(
    request: Request, meeting_id: RowId, who: ReadPage, session: SessionDep
) -> Response:
    """The pack as its own document, in the reader's language."""
    meeting = meeting_by_id(session, who.user, meeting_id)
    html = pack_html(pack(session, meeting), choose_language(request))
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


@router.get("/{meeting_id}/pack.pdf")
def meeting_pack_pdf(
    request: Request, meeting_id: RowId, who: ReadPage, session: SessionDep
) -> Response:
    """The pack printed, to download: the same document on A4."""
    meeting = meeting_by_id(session, who.user, meeting_id)
    name = pack_file_name(meeting, "pdf")
    return Response(
        pack_pdf(pack(session, meeting), choose_language(request)),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/{meeting_id}/minutes", response_class=HTMLResponse)
def minutes(
    request: Request,
    meeting_id: RowId,
    who: WorkForm,
    session: SessionDep,
    minutes: Field = "",
    decisions: Field = "",
) -> Response:
    def work(meeting: Meeting) -> None:
        lines = [line for line in decisions.splitlines() if line.strip()]
        body = MinutesIn.model_validate({"minutes": minutes, "decisions": lines})
        record_minutes(session, who.user, meeting, body.minutes, body.decisions)

    values = {"minutes": minutes, "decisions": decisions}
    return _act(request, who, session, meeting_id, "minutes", work, values)


@router.post("/{meeting_id}/actions", response_class=HTMLResponse)
def new_action(
    request: Request,
    meeting_id: RowId,
    who: WorkForm,
    session: SessionDep,
    text: Field = "",
    owner: Field = "",
    due_on: Field = "",
) -> Response:
    def work(meeting: Meeting) -> None:
        body = ActionIn.model_validate({"text": text, "owner": owner, "due_on": due_on})
        add_action(session, who.user, meeting, body.text, body.owner, body.due_on)

    values = {"text": text, "owner": owner, "due_on": due_on}
    return _act(request, who, session, meeting_id, "action", work, values)


@router.post("/{meeting_id}/actions/{action_id}/complete", response_class=HTMLResponse)
def complete(
    request: Request, meeting_id: RowId, action_id: RowId, who: WorkForm, session: SessionDep
) -> Response:
    def work(meeting: Meeting) -> None:
        complete_action(session, who.user, get_action(session, meeting, action_id))

    return _act(request, who, session, meeting_id, "done", work, {})


@router.post("/{meeting_id}/cancel", response_class=HTMLResponse)
def cancel(
    request: Request, meeting_id: RowId, who: WorkForm, session: SessionDep, reason: Field = ""
) -> Response:
    def work(meeting: Meeting) -> None:
        cancel_meeting(
            session, who.user, meeting, CancelIn.model_validate({"reason": reason}).reason
        )

    return _act(request, who, session, meeting_id, "cancelled", work, {"reason": reason})


def _act(
    request: Request,
    who: SignedIn,
    session: Session,
    meeting_id: int,
    form: str,
    work: Callable[[Meeting], None],
    values: dict[str, str],
) -> Response:
    meeting = meeting_by_id(session, who.user, meeting_id)
    return answer_form(
        request,
        session,
        lambda: work(meeting),
        refused=lambda why: _show(
            request, who, session, meeting, form=form, why=why, values=values
        ),
        in_place=lambda: _show(request, who, session, meeting, done=form),
        done_url=lambda: f"{router.prefix}/{meeting.id}?done={form}",
    )


def _index(
    request: Request,
    who: SignedIn,
    session: Session,
    service: str,
    year: str,
    why: Problem | None,
    values: dict[str, str],
) -> HTMLResponse:
    services = list_services(session)
    chosen = _service(services, service)
    now = now_utc()
    context: dict[str, Any] = {"services": services, "chosen": chosen, "why": why, "values": values}
    if chosen is not None:
        declaration = declaration_of(version_named(session, chosen.key, now.date()))
        zone = declaration.time.zone
        shown = (
            int(year) if year.isdigit() and 1970 <= int(year) <= 9998 else now.astimezone(zone).year
        )
        context |= {
            "year": shown,
            "zone": zone.key,
            "forums": forums_of(declaration),
            "schedule": schedule(session, who.user, chosen.key, shown, now),
            "meetings": list_meetings(session, who.user, chosen.key, year=shown),
            "may_plan": can_work(who.user),
        }
    status = why.status_code if why else 200
    return page(request, "meetings/index.html", who, context, status_code=status)


def _show(
    request: Request,
    who: SignedIn,
    session: Session,
    meeting: Meeting,
    *,
    done: str = "",
    form: str = "",
    why: Problem | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    declaration = declaration_for(meeting)
    context = {
        "meeting": meeting,
        "forum": forum_of(meeting),
        "zone": declaration.time.zone.key,
        "may_work": can_work(who.user),
        "steps": [step.value for step in transitions_for(who.user, meeting)],
        "record_minutes": MeetingStep.record_minutes.value,
        "organisations": organisations(session),
        "history": [event_out(item, who.user) for item in events_of(session, meeting)],
        "done": done,
        "form": form,
        "why": why,
        "values": values or {},
        "today": dt.datetime.now(declaration.time.zone).date(),
    }
    status = why.status_code if why else 200
    return page(request, "meetings/show.html", who, context, status_code=status)


def _service(services: list[Service], key: str) -> Service | None:
    """The service asked for, else the first: a page always shows one when there is one."""
    for item in services:
        if item.key == key:
            return item
    return services[0] if services else None
