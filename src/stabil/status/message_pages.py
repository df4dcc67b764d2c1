"""The desk's pages of operational messages: the list (current ones first), a new message, and
one message with its timeline, to update, resolve and archive.

Each form calls the same service function as the API (stabil.status.service), which checks
who may do it and queues the notifications; a refusal shows at its field, in the reader's
language. The forms' fields are read as text and checked by the API's own request models, so
a page accepts exactly what the API accepts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import Role
from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.db.types import now_utc
from stabil.declaration.communication import MessageType
from stabil.errors import Forbidden, Invalid, NotFound, Refusal
from stabil.status.access import check_can_write
from stabil.status.models import Message
from stabil.status.present import message_out
from stabil.status.schemas import MessageIn, MessageOut, MessageUpdateIn, ResolveIn
from stabil.status.service import (
    MessageFilter,
    MessageUpdate,
    NewMessage,
    close_message,
    get_message,
    list_messages,
    post_message,
    resolve_message,
    update_message,
)
from stabil.status.states import MessageState
from stabil.web.deps import SessionDep
from stabil.web.i18n import gettext_for
from stabil.web.pages import (
    PageForbidden,
    Problem,
    SignedIn,
    SignedInForm,
    SignedInPage,
    page,
    problem_of,
    refusable,
    require_page_roles,
    see_other,
)
from stabil.web.paging import PageNumber, Paging
from stabil.web.params import MAX_ROW
from stabil.web.templating import DEFAULT_ZONE

router = APIRouter(prefix="/desk/messages", include_in_schema=False)
PAGE_SIZE = 25
CURRENT_SHOWN = 50  # current messages are few; more than this, and the list pages them
# The new-message form is for those who may post; the others get the 403 page at once.
WriterPage = Annotated[SignedIn, Depends(require_page_roles(Role.admin, Role.operator))]
T = TypeVar("T")


@dataclass
class MessageForm:
    """A message's fields as a form sends them: text, checked by the API's models after."""

    service: Annotated[str, Form()] = ""
    type: Annotated[str, Form()] = ""
    affected: Annotated[str, Form()] = ""
    title: Annotated[str, Form()] = ""
    title_en: Annotated[str, Form()] = ""
    body: Annotated[str, Form()] = ""
    body_en: Annotated[str, Form()] = ""
    affected_users: Annotated[str, Form()] = ""
    cause: Annotated[str, Form()] = ""
    horizon: Annotated[str, Form()] = ""
    horizon_at: Annotated[str, Form()] = ""
    incidents: Annotated[str, Form()] = ""


MessageFields = Annotated[MessageForm, Depends()]
FACT_FIELDS = ("affected_users", "cause", "horizon", "title_en")


def new_message(form: MessageForm, zone: str, incidents: list[str] | None = None) -> NewMessage:
    """The message the form describes, checked as the API checks a posted one."""
    data = {
        "service": form.service,
        "type": form.type,
        "affected": parts(form.affected),
        "title": form.title,
        "body": form.body,
        **_optional(form, "body_en", *FACT_FIELDS),
        "horizon_at": local_instant(form.horizon_at, zone),
        "incidents": parts(form.incidents) if incidents is None else incidents,
    }
    body = MessageIn.model_validate(data)
    return NewMessage(
        **body.model_dump(exclude={"affected", "incidents"}),
        affected=body.affected,
        incidents=body.incidents,
    )


def message_update(form: MessageForm, zone: str) -> MessageUpdate:
    """An update with the facts the form holds; an emptied optional fact is cleared."""
    data = {
        "body": form.body,
        **_optional(form, "body_en", *FACT_FIELDS),
        "type": form.type or None,
        "affected": parts(form.affected),
        "title": form.title,
        "horizon_at": local_instant(form.horizon_at, zone),
        "incidents": parts(form.incidents),
    }
    body = MessageUpdateIn.model_validate(data)
    changes = body.model_dump(exclude={"body", "body_en", "incidents"})
    if body.type is None:
        changes.pop("type")
    return MessageUpdate(body.body, body.body_en, changes, body.incidents)


def _optional(form: MessageForm, *names: str) -> dict[str, str | None]:
    return {name: getattr(form, name).strip() or None for name in names}


def parts(text: str) -> list[str]:
    """Comma- or line-separated parts: the affected parts of a service, incident keys."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def local_instant(text: str, zone: str) -> dt.datetime | None:
    """A `datetime-local` field's value, read in the declaration's zone."""
    if not text.strip():
        return None
    try:
        naive = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("horizon_at", "give a date and a time, e.g. 2026-04-14 11:00") from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(zone))


def local_input(value: dt.datetime | None, zone: str) -> str:
    """An instant as a `datetime-local` field shows it: the declaration's local time."""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if value else ""


def form_of(message: MessageOut, zone: str) -> MessageForm:
    """The form of an update, filled in with the message's current facts."""
    return MessageForm(
        service=message.service,
        type=message.type.value,
        affected=", ".join(message.affected),
        title=message.title,
        title_en=message.title_en or "",
        affected_users=message.affected_users or "",
        cause=message.cause or "",
        horizon=message.horizon or "",
        horizon_at=local_input(message.horizon_at, zone),
    )


def problem_for(request: Request, error: Refusal | ValidationError) -> Problem:
    """A refusal or a request model's complaint, at its field in the reader's language."""
    if isinstance(error, Refusal):
        return problem_of(request, error)
    first = error.errors()[0]
    location = [part for part in first["loc"] if isinstance(part, str)]
    return Problem(
        field=location[0] if location else None,
        text=_validation_text(request, first["type"], first.get("ctx") or {}),
        status_code=422,
    )


def _validation_text(request: Request, kind: str, context: Mapping[str, Any]) -> str:
    gettext = gettext_for(request).gettext
    if kind in ("missing", "string_too_short", "too_short"):
        return gettext("Fill this in.")
    if kind == "string_too_long":
        return gettext("Use at most %(max)d characters.") % {"max": context.get("max_length", 0)}
    if kind == "too_long":
        return gettext("Give at most %(max)d.") % {"max": context.get("max_length", 0)}
    if kind == "enum":
        return gettext("Choose one of the options.")
    if kind.startswith(("datetime", "timezone")):
        return gettext("Give a date and a time.")
    return gettext("This value cannot be used.")


def refused_page(request: Request, who: SignedIn, refusal: Refusal) -> HTMLResponse | None:
    """A refusal that no form can show at a field: the record is not there, or the role may
    not act; None for the others."""
    if isinstance(refusal, Forbidden):
        raise PageForbidden()
    if isinstance(refusal, NotFound):
        problem = problem_of(request, refusal)
        return page(request, "status/not_found.html", who, {"problem": problem}, 404)
    return None


def may_write(user: User) -> bool:
    try:
        check_can_write(user)
    except Forbidden:
        return False
    return True


def zone_of(session: Session, service: str) -> str:
    """The time zone of the service's declaration in force, for its times and fields."""
    stored = version_in_force(session, service, now_utc().date())
    return declaration_of(stored).time.timezone if stored else DEFAULT_ZONE


def service_options(session: Session) -> list[tuple[str, str]]:
    return [(service.key, service.name_da) for service in list_services(session)]


def message_id_of(text: str) -> int:
    """The id in a page's address; anything else names no message."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_ROW:
        raise NotFound("no operational message has id {id}", id=text[:20])
    return int(text)


# The list


@router.get("", response_class=HTMLResponse)
def messages(
    request: Request,
    who: SignedInPage,
    session: SessionDep,
    service: str | None = None,
    state: str | None = None,
    type: str | None = None,
    number: PageNumber = "1",
) -> HTMLResponse:
    """Current messages first; below, all of them newest first, filtered as the URL says."""
    paging = Paging.of(number, size=PAGE_SIZE)
    filters = MessageFilter(
        service=(service or "")[:64] or None,
        state=MessageState(state) if state in set(MessageState) else None,
        type=MessageType(type) if type in set(MessageType) else None,
    )
    current, current_total = list_messages(
        session, who.user, MessageFilter(state=MessageState.open), limit=CURRENT_SHOWN, offset=0
    )
    items, total = list_messages(
        session, who.user, filters, limit=paging.size, offset=paging.offset
    )
    context = {
        "current": [message_out(item, who.user) for item in current],
        "current_total": current_total,
        "items": [message_out(item, who.user) for item in items],
        "total": total,
        "page": paging.number,
        "pages": paging.pages(total),
        "filters": filters,
        "page_url": lambda n: f"/desk/messages?{urlencode({**_shown(filters), 'page': n})}",
        "services": service_options(session),
        "may_write": may_write(who.user),
        "zone": DEFAULT_ZONE,
    }
    return page(request, "status/messages.html", who, context)


def _shown(filters: MessageFilter) -> dict[str, str]:
    """The filters as the list's address keeps them."""
    values = {"service": filters.service, "state": filters.state, "type": filters.type}
    return {name: str(value) for name, value in values.items() if value}


# A new message


@router.get("/new", response_class=HTMLResponse)
def new_form(
    request: Request,
    who: WriterPage,
    session: SessionDep,
    service: str = "",
    type: str = "",
    affected: str = "",
    title: str = "",
    body: str = "",
    body_en: str = "",
    incidents: str = "",
) -> HTMLResponse:
    """The composer, empty, or prefilled by the link that opened it (an outage's, say: the
    watch pages draft what to tell); nothing is posted until the operator posts it."""
    services = service_options(session)
    keys = [key for key, _name in services]
    form = MessageForm(
        service=service if service in keys else (keys[0] if keys else ""),
        type=type if type in MessageType.__members__ else MessageType.unavailable.value,
        affected=affected[:500],
        title=title[:200],
        body=body[:5000],
        body_en=body_en[:5000],
        incidents=incidents[:500],
    )
    return _new_page(request, who, session, form, None)


@router.post("", response_class=HTMLResponse, response_model=None)
def create(
    request: Request, who: SignedInForm, session: SessionDep, form: MessageFields
) -> Response:
    zone = zone_of(session, form.service)
    try:
        message = refusable(
            session, lambda: post_message(session, who.user, new_message(form, zone))
        )
    except (Refusal, ValidationError) as error:
        if isinstance(error, Refusal) and (refused := refused_page(request, who, error)):
            return refused
        return _new_page(request, who, session, form, problem_for(request, error))
    return see_other(request, f"/desk/messages/{message.id}")


def _new_page(
    request: Request,
    who: SignedIn,
    session: Session,
    form: MessageForm,
    problem: Problem | None,
) -> HTMLResponse:
    context = {"form": form, "problem": problem, "services": service_options(session)}
    status = problem.status_code if problem else 200
    return page(request, "status/message_new.html", who, context, status)


# One message


@router.get("/{message_id}", response_class=HTMLResponse)
def show(request: Request, message_id: str, who: SignedInPage, session: SessionDep) -> Response:
    try:
        message = get_message(session, message_id_of(message_id))
    except NotFound as error:
        return refused_page(request, who, error) or Response(status_code=404)
    return _message_page(request, who, session, message)


def _message_page(
    request: Request,
    who: SignedIn,
    session: Session,
    message: Message,
    *,
    problem: Problem | None = None,
    form: MessageForm | None = None,
    action: str | None = None,
) -> HTMLResponse:
    shown = message_out(message, who.user)
    zone = zone_of(session, shown.service)
    context = {
        "message": shown,
        "zone": zone,
        "form": form or form_of(shown, zone),
        "problem": problem,
        "action": action,  # the form the problem belongs to
    }
    status = problem.status_code if problem else 200
    return page(request, "status/message.html", who, context, status)


@router.post("/{message_id}/updates", response_class=HTMLResponse, response_model=None)
def post_update(
    request: Request, message_id: str, who: SignedInForm, session: SessionDep, form: MessageFields
) -> Response:
    return _act(request, who, session, message_id, "update", form)


@router.post("/{message_id}/resolve", response_class=HTMLResponse, response_model=None)
def resolve(
    request: Request, message_id: str, who: SignedInForm, session: SessionDep, form: MessageFields
) -> Response:
    return _act(request, who, session, message_id, "resolve", form)


@router.post("/{message_id}/close", response_class=HTMLResponse, response_model=None)
def close(request: Request, message_id: str, who: SignedInForm, session: SessionDep) -> Response:
    return _act(request, who, session, message_id, "close", MessageForm())


def _act(
    request: Request,
    who: SignedIn,
    session: Session,
    message_id: str,
    action: str,
    form: MessageForm,
) -> Response:
    """One of the three changes, then back to the message; a refusal shows at its form."""
    try:
        message = get_message(session, message_id_of(message_id), for_update=True)
    except NotFound as error:
        return refused_page(request, who, error) or Response(status_code=404)
    try:
        refusable(session, lambda: change(session, who.user, message, action, form))
    except (Refusal, ValidationError) as error:
        if isinstance(error, Refusal) and (refused := refused_page(request, who, error)):
            return refused
        problem = problem_for(request, error)
        shown = form if action == "update" else None
        return _message_page(
            request, who, session, message, problem=problem, form=shown, action=action
        )
    return see_other(request, f"/desk/messages/{message.id}")


def change(session: Session, user: User, message: Message, action: str, form: MessageForm) -> None:
    """Update, resolve or archive `message` through the API's service functions."""
    if action == "update":
        zone = zone_of(session, message.service.key)
        update_message(session, user, message, message_update(form, zone))
    elif action == "resolve":
        text = ResolveIn.model_validate(_optional(form, "body", "body_en"))
        resolve_message(session, user, message, body=text.body, body_en=text.body_en)
    else:
        close_message(session, user, message)
