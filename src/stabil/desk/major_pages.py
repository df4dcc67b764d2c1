"""The major-incident pages: the list, and the cockpit of one major incident.

The cockpit shows the orientation duty as a countdown to the next message due (R14), the step
after an hour of downtime (R9.4), the messages about the incident with a composer prefilled
with what R9.3 asks for, the restored message (R9.6) and the post-review report (R9.7). Its
forms call the service functions of the status API and of the major-incident API, which
decide who may do what; a refusal shows at its field, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.desk.cockpit import Cockpit, MessageDraft, cockpit_of, list_majors, orientation_for
from stabil.desk.events import declaration_for
from stabil.desk.major_api import ReviewIn
from stabil.desk.review import review_of, save_review, submit_review
from stabil.desk.service import get_incident
from stabil.errors import NotFound, Refusal
from stabil.status.message_pages import (
    MessageFields,
    MessageForm,
    form_of,
    message_id_of,
    message_update,
    new_message,
    problem_for,
    refused_page,
)
from stabil.status.present import message_out
from stabil.status.service import (
    MessageFilter,
    get_message,
    list_messages,
    post_message,
    update_message,
)
from stabil.status.states import MessageState
from stabil.web.deps import SessionDep
from stabil.web.pages import (
    Problem,
    SignedIn,
    SignedInForm,
    SignedInPage,
    is_fragment,
    page,
    refusable,
    see_other,
)
from stabil.web.paging import PageNumber, Paging
from stabil.web.templating import DEFAULT_ZONE

router = APIRouter(prefix="/desk/majors", include_in_schema=False)
PAGE_SIZE = 25
MESSAGES_SHOWN = 20  # the messages about one incident; a major incident has a handful
ReportField = Annotated[str, Form()]


# The list


@router.get("", response_class=HTMLResponse)
def majors(
    request: Request,
    who: SignedInPage,
    session: SessionDep,
    number: PageNumber = "1",
) -> HTMLResponse:
    """Open major incidents first, then the latest; each role sees those it may see."""
    paging = Paging.of(number, size=PAGE_SIZE)
    now = now_utc()
    listed = list_majors(session, who.user, limit=paging.size, offset=paging.offset, now=now)
    context = {
        "listed": listed,
        "page": paging.number,
        "now": now,
        "zone": DEFAULT_ZONE,
    }
    return page(request, "desk/majors.html", who, context)


# The cockpit


@dataclass
class Forms:
    """What the cockpit's forms hold: prefilled, or as sent when a form was refused."""

    new: MessageForm | None = None
    update: MessageForm | None = None
    restored: MessageForm | None = None
    report: str | None = None
    action: str | None = None  # the form `problem` belongs to
    problem: Problem | None = None


@router.get("/{key}", response_class=HTMLResponse)
def cockpit(request: Request, key: str, who: SignedInPage, session: SessionDep) -> Response:
    return _cockpit_page(request, who, session, key, Forms())


@router.get("/{key}/countdown", response_class=HTMLResponse)
def countdown(request: Request, key: str, who: SignedInPage, session: SessionDep) -> Response:
    """The countdown alone, for the cockpit to poll (htmx); a plain visit gets the cockpit."""
    if not is_fragment(request):
        return see_other(request, f"/desk/majors/{key}")
    now = now_utc()
    try:
        found = orientation_for(session, who.user, key, now)
    except NotFound as error:
        return refused_page(request, who, error) or Response(status_code=404)
    if found is None:
        return Response(status_code=404)
    incident, declaration, orientation = found
    context = {
        "key": incident.key,
        "orientation": orientation,
        "now": now,
        "left": _left(orientation.next_message_due, now),
        "zone": declaration.time.timezone,
    }
    return page(request, "desk/major_countdown.html", who, context)


def _left(due: Any, now: Any) -> float | None:
    return (due - now).total_seconds() if due is not None else None


def _cockpit_page(
    request: Request, who: SignedIn, session: Session, key: str, forms: Forms
) -> Response:
    now = now_utc()
    try:
        found = cockpit_of(session, who.user, key, now)
    except NotFound as error:
        return refused_page(request, who, error) or Response(status_code=404)
    if found is None:
        incident = get_incident(session, who.user, key)
        return page(request, "desk/major_not_major.html", who, {"incident": incident}, 404)
    about = MessageFilter(incident=found.incident.key)
    listed, _total = list_messages(session, who.user, about, limit=MESSAGES_SHOWN, offset=0)
    messages = [message_out(item, who.user) for item in listed]
    current = next((item for item in messages if item.state is MessageState.open), None)
    context = {
        "c": found,
        "messages": messages,
        "current": current,
        "now": now,
        "left": _left(found.orientation.next_message_due, now),
        "zone": found.zone,
        "new_form": forms.new or _draft_form(found.draft),
        "update_form": forms.update or (form_of(current, found.zone) if current else None),
        "restored_form": forms.restored or _draft_form(found.restored_draft),
        "report": forms.report if forms.report is not None else _report(found),
        "action": forms.action,
        "problem": forms.problem,
        "key": found.incident.key,
    }
    status = forms.problem.status_code if forms.problem else 200
    return page(request, "desk/major.html", who, context, status)


def _draft_form(draft: MessageDraft) -> MessageForm:
    return MessageForm(
        type=draft.type,
        title=draft.title,
        affected=draft.affected,
        affected_users=draft.affected_users,
        horizon=draft.horizon,
        body=draft.body,
        body_en=draft.body_en,
    )


def _report(found: Cockpit) -> str:
    return found.review.standing.report if found.review else ""


def _refused(
    request: Request,
    who: SignedIn,
    session: Session,
    key: str,
    error: Refusal | ValidationError,
    forms: Forms,
) -> Response:
    """A refused form: the 403 or 404 page, or the cockpit with the message at its field."""
    if isinstance(error, Refusal) and (refused := refused_page(request, who, error)):
        return refused
    forms.problem = problem_for(request, error)
    return _cockpit_page(request, who, session, key, forms)


# The messages about the incident (R9.3, R9.5, R14)


@router.post("/{key}/messages", response_class=HTMLResponse, response_model=None)
def post_about(
    request: Request, key: str, who: SignedInForm, session: SessionDep, form: MessageFields
) -> Response:
    """A new message about the incident, linked to it: the first, or one more."""
    return _post(request, who, session, key, form, "new")


@router.post("/{key}/restored", response_class=HTMLResponse, response_model=None)
def post_restored(
    request: Request, key: str, who: SignedInForm, session: SessionDep, form: MessageFields
) -> Response:
    """The "service restored" message (R9.6), linked to the incident."""
    return _post(request, who, session, key, form, "restored")


def _post(
    request: Request, who: SignedIn, session: Session, key: str, form: MessageForm, action: str
) -> Response:
    try:
        incident = get_incident(session, who.user, key)
        form.service = incident.service.key
        zone = declaration_for(incident).time.timezone
        refusable(
            session,
            lambda: post_message(session, who.user, new_message(form, zone, [incident.key])),
        )
    except (Refusal, ValidationError) as error:
        forms = Forms(action=action)
        if action == "restored":
            forms.restored = form
        else:
            forms.new = form
        return _refused(request, who, session, key, error, forms)
    return see_other(request, f"/desk/majors/{key}")


@router.post(
    "/{key}/messages/{message_id}/updates", response_class=HTMLResponse, response_model=None
)
def post_update(
    request: Request,
    key: str,
    message_id: str,
    who: SignedInForm,
    session: SessionDep,
    form: MessageFields,
) -> Response:
    """An update of the current message about the incident, told to its subscribers."""
    try:
        incident = get_incident(session, who.user, key)
        message = get_message(session, message_id_of(message_id), for_update=True)
        zone = declaration_for(incident).time.timezone
        refusable(
            session, lambda: update_message(session, who.user, message, message_update(form, zone))
        )
    except (Refusal, ValidationError) as error:
        return _refused(request, who, session, key, error, Forms(update=form, action="update"))
    return see_other(request, f"/desk/majors/{key}")


# The post-review report (R9.7)


@router.post("/{key}/review", response_class=HTMLResponse, response_model=None)
def save(
    request: Request, key: str, who: SignedInForm, session: SessionDep, report: ReportField = ""
) -> Response:
    return _review(request, who, session, key, report, send=False)


@router.post("/{key}/review/submit", response_class=HTMLResponse, response_model=None)
def send(
    request: Request, key: str, who: SignedInForm, session: SessionDep, report: ReportField = ""
) -> Response:
    """Save the text as it stands, then send it to the authorities (R9.7)."""
    return _review(request, who, session, key, report, send=True)


def _review(
    request: Request, who: SignedIn, session: Session, key: str, report: str, *, send: bool
) -> Response:
    try:
        incident = get_incident(session, who.user, key, for_update=True)
        body = ReviewIn.model_validate({"report": report})

        def work() -> None:
            # The page edits the text; the actions stay as the API last saved them.
            actions = review_of(session, incident).actions
            save_review(session, who.user, incident, report=body.report, actions=actions)
            if send:
                submit_review(session, who.user, incident)

        refusable(session, work)
    except (Refusal, ValidationError) as error:
        forms = Forms(report=report, action="review")
        return _refused(request, who, session, key, error, forms)
    return see_other(request, f"/desk/majors/{key}#review")
