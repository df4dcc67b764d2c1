"""The desk's pages of changes (R12.1): the list, the form to record one, and one change with
its plan, service windows, the service's quota, history and the steps the reader's role allows.

Every form calls the same service function as the API (changes/api.py): without JavaScript it
posts the whole page and is redirected back (303); with htmx it answers in place with the
change's part of the page. A refusal is shown at its field, in the reader's language, and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import WORK
from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.changes.access import READ, can_work
from stabil.changes.models import Change
from stabil.changes.present import change_out
from stabil.changes.schemas import ChangeIn, ChangeTransitionIn, WindowLinkIn
from stabil.changes.service import (
    ChangeFilter,
    NewChange,
    get_change,
    link_window,
    linkable_windows,
    list_changes,
    move,
    quota_for,
    request_change,
    unlink_window,
)
from stabil.changes.states import OPEN_FOR_WINDOWS, ChangeState, ChangeType, Risk
from stabil.db.types import now_utc
from stabil.errors import Invalid, NotFound, Refusal
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.web.deps import SessionDep
from stabil.web.pages import (
    Act,
    FailedForm,
    SignedIn,
    answer_act,
    page,
    problem_of,
    record_page,
    require_form_roles,
    require_page_roles,
    see_other,
    validation_problem,
)
from stabil.web.pages import Problem as FormProblem
from stabil.web.paging import PageNumber, Paging, list_url, member, typed
from stabil.web.templating import DEFAULT_ZONE

router = APIRouter(prefix="/desk/changes", include_in_schema=False)
PAGE_SIZE = 25
ReadPage = Annotated[SignedIn, Depends(require_page_roles(*READ))]
WorkPage = Annotated[SignedIn, Depends(require_page_roles(*WORK))]
WorkForm = Annotated[SignedIn, Depends(require_form_roles(*WORK))]
# Every field is text with a default: what is wrong with it is said at the field, by the
# API's own request shape, never as FastAPI's JSON 422. A form sends only text, so the shape
# reads choices and numbers from text (strict=False); the API's JSON body stays strict.
Text = Annotated[str, Form()]
# What a form did, said on the page it leads back to.
DONE = frozenset({"created", "state", "linked", "unlinked"})
PLAN_FIELDS = (
    "service",
    "type",
    "title",
    "risk",
    "start",
    "end",
    "description",
    "implementation_plan",
    "fallback_plan",
)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The list's filters as the URL has them; a value that names nothing filters nothing."""

    service: str = ""
    state: ChangeState | None = None
    type: ChangeType | None = None

    def filters(self) -> ChangeFilter:
        return ChangeFilter(self.service or None, self.state, self.type)

    def url(self, number: int = 1) -> str:
        state, kind = self.state.value if self.state else "", self.type.value if self.type else ""
        values = {"service": self.service, "state": state, "type": kind}
        return list_url(router.prefix, values, number)


def list_query(service: str, state: str, change_type: str) -> ListQuery:
    return ListQuery(
        service=typed(service, 64),
        state=member(ChangeState, state),
        type=member(ChangeType, change_type),
    )


@router.get("", response_class=HTMLResponse)
def index(
    request: Request,
    who: ReadPage,
    session: SessionDep,
    service: str = "",
    state: str = "",
    type: str = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    """The changes, newest first, filtered as the URL says."""
    query = list_query(service, state, type)
    paging = Paging.of(number, size=PAGE_SIZE)
    items, total = list_changes(
        session, who.user, query.filters(), limit=paging.size, offset=paging.offset
    )
    context = {
        "rows": items,
        "total": total,
        "page_number": paging.number,
        "pages": paging.pages(total),
        "query": query,
        "services": list_services(session),
        "states": list(ChangeState),
        "types": list(ChangeType),
        "may_record": can_work(who.user),
    }
    return page(request, "changes/index.html", who, context)


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, who: WorkPage, session: SessionDep) -> HTMLResponse:
    return _new_form(request, who, session, {}, None)


@router.post("", response_class=HTMLResponse, response_model=None)
def create(
    request: Request,
    who: WorkForm,
    session: SessionDep,
    service: Text = "",
    type: Text = "",
    title: Text = "",
    risk: Text = "",
    start: Text = "",
    end: Text = "",
    description: Text = "",
    implementation_plan: Text = "",
    fallback_plan: Text = "",
) -> Response:
    values = {
        "service": service,
        "type": type,
        "title": title,
        "risk": risk,
        "start": start,
        "end": end,
        "description": description,
        "implementation_plan": implementation_plan,
        "fallback_plan": fallback_plan,
    }
    try:
        body = ChangeIn.model_validate(_plan(session, values), strict=False)
        change = request_change(session, who.user, NewChange(**body.model_dump()))
    except ValidationError as error:
        return _new_form(request, who, session, values, validation_problem(request, error))
    except Refusal as refusal:
        return _new_form(request, who, session, values, problem_of(request, refusal))
    return see_other(request, f"{router.prefix}/{change.key}?done=created")


def _plan(session: Session, values: Mapping[str, str]) -> dict[str, Any]:
    """The form's values as the API takes them: times read in the service's local time, a
    field left empty left out (the API's shape says it is missing)."""
    zone = ZoneInfo(zone_of(session, values["service"].strip()))
    plan: dict[str, Any] = {name: value for name, value in values.items() if value.strip()}
    for name in ("start", "end"):
        if name in plan:
            plan[name] = local_instant(name, plan[name], zone)
    return plan


def local_instant(field: str, text: str, zone: ZoneInfo) -> dt.datetime:
    """A `datetime-local` field's value: a time without an offset, in the service's zone."""
    try:
        given = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(field, "give a date and a time, e.g. 2026-04-14 11:00") from None
    return given if given.tzinfo is not None else given.replace(tzinfo=zone)


def zone_of(session: Session, service_key: str) -> str:
    """The time zone of the service's declaration in force: the page's times are in it."""
    stored = version_in_force(session, service_key[:64], now_utc().date()) if service_key else None
    return declaration_of(stored).time.timezone if stored else DEFAULT_ZONE


def _new_form(
    request: Request,
    who: SignedIn,
    session: Session,
    values: Mapping[str, str],
    problem: FormProblem | None,
) -> HTMLResponse:
    context = {
        "values": values,
        "problem": problem,
        "services": list_services(session),
        "types": list(ChangeType),
        "risks": list(Risk),
        "fields": PLAN_FIELDS,
    }
    status = problem.status_code if problem else 200
    return page(request, "changes/new.html", who, context, status_code=status)


@router.get("/{key}", response_class=HTMLResponse)
def show(
    request: Request, key: str, who: ReadPage, session: SessionDep, done: str = ""
) -> HTMLResponse:
    """One change, with the steps the reader's role allows."""
    try:
        change = get_change(session, who.user, key)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    return _record(request, who, session, change, done=done if done in DONE else None)


@router.post("/{key}/state", response_class=HTMLResponse, response_model=None)
def step(
    request: Request,
    key: str,
    who: WorkForm,
    session: SessionDep,
    to: Text = "",
    note: Text = "",
) -> Response:
    def work(change: Change) -> None:
        given = {"to": to, "note": note or None}
        body = ChangeTransitionIn.model_validate(given, strict=False)
        move(session, who.user, change, body.to, note=body.note)

    act = Act(f"step-{to}", "state", {"to": to, "note": note})
    return _act(request, who, session, key, act, work)


@router.post("/{key}/windows", response_class=HTMLResponse, response_model=None)
def link(
    request: Request, key: str, who: WorkForm, session: SessionDep, window: Text = ""
) -> Response:
    def work(change: Change) -> None:
        given = {"window": window} if window else {}
        body = WindowLinkIn.model_validate(given, strict=False)
        link_window(session, who.user, change, body.window)

    return _act(request, who, session, key, Act("link", "linked", {"window": window}), work)


@router.post("/{key}/windows/{window_id}/unlink", response_class=HTMLResponse, response_model=None)
def unlink(
    request: Request, key: str, window_id: int, who: WorkForm, session: SessionDep
) -> Response:
    def work(change: Change) -> None:
        unlink_window(session, who.user, change, window_id)

    return _act(request, who, session, key, Act(f"unlink-{window_id}", "unlinked", {}), work)


def _act(
    request: Request,
    who: SignedIn,
    session: Session,
    key: str,
    act: Act,
    work: Callable[[Change], None],
) -> Response:
    """Run one form's work on the change, locked; answer in place or with a redirect."""
    try:
        change = get_change(session, who.user, key, for_update=True)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    show = partial(_record, request, who, session)
    url = f"{router.prefix}/{change.key}"
    return answer_act(request, session, change, act, work, show=show, url=url)


def _record(
    request: Request,
    who: SignedIn,
    session: Session,
    change: Change,
    *,
    done: str | None = None,
    failed: FailedForm | None = None,
) -> HTMLResponse:
    context = record_context(session, who.user, change)
    return record_page(
        request,
        who,
        context,
        part="changes/_record.html",
        whole="changes/show.html",
        done=done,
        failed=failed,
    )


def record_context(session: Session, reader: User, change: Change) -> dict[str, Any]:
    """What the page shows of `change` to `reader`: the API's presenters."""
    out = change_out(change, reader, quota_for(session, change))
    stored = version_in_force(session, change.service.key, now_utc().date())
    declaration = declaration_of(stored) if stored else None
    windows = declaration.service_windows if declaration else None
    open_for_windows = can_work(reader) and ChangeState(change.state) in OPEN_FOR_WINDOWS
    linkable = linkable_windows(session, change) if open_for_windows else []
    forms = {f"step-{item.value}" for item in out.allowed_transitions}
    if open_for_windows:
        forms |= {"link", *(f"unlink-{item.id}" for item in out.windows)}
    return {
        "record": change,
        "out": out,
        "events": [event_out(row, reader) for row in events_of(session, change)],
        "zone": declaration.time.timezone if declaration else DEFAULT_ZONE,
        "instant": dt.datetime.fromisoformat,  # an event keeps its times as ISO text
        "kinds": {kind.key: kind.name for kind in windows.kinds} if windows else {},
        "steps": out.allowed_transitions,
        "linkable": linkable,
        "forms": frozenset(forms),
    }


def _missing(request: Request, who: SignedIn, refusal: NotFound) -> HTMLResponse:
    # Unknown, or not the reader's to see: the two answer alike.
    context = {"problem": problem_of(request, refusal)}
    return page(request, "changes/missing.html", who, context, status_code=404)
