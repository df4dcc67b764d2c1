"""The desk's pages of service requests: the list, the form to submit one, and one request
with its timers, history and the steps the reader's role allows.

The list is scoped exactly as the API's (an authority sees its own organisation's requests,
a supplier none), and every form calls the same service function as requests/api.py: without
JavaScript it posts the whole page and is redirected back (303); with htmx it answers in
place. A refusal is shown at its field, in the reader's language, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import REPORT
from stabil.catalog.service import declaration_of, list_services
from stabil.db.types import now_utc
from stabil.desk.timer_view import timer_view, warning_share
from stabil.errors import NotFound, Refusal
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.requests.access import can_submit
from stabil.requests.models import ServiceRequest
from stabil.requests.present import request_out
from stabil.requests.schemas import RequestIn, RequestTransitionIn
from stabil.requests.service import (
    NewRequest,
    RequestFilter,
    get_request,
    list_requests,
    move,
    priority_choices,
    submit_request,
)
from stabil.requests.states import WITHDRAW, Category, RequestState
from stabil.web.deps import SessionDep
from stabil.web.pages import (
    FailedForm,
    SignedIn,
    SignedInPage,
    answer_form,
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

router = APIRouter(prefix="/desk/requests", include_in_schema=False)
PAGE_SIZE = 25
ReportPage = Annotated[SignedIn, Depends(require_page_roles(*REPORT))]
ReportForm = Annotated[SignedIn, Depends(require_form_roles(*REPORT))]
# Those who may take some step of a request: the desk, and an authority withdrawing its own.
StepForm = Annotated[SignedIn, Depends(require_form_roles(*WITHDRAW))]
# Every field is text with a default: what is wrong with it is said at the field, by the
# API's own request shape, never as FastAPI's JSON 422. A form sends only text, so the shape
# reads choices and numbers from text (strict=False); the API's JSON body stays strict.
Text = Annotated[str, Form()]
DONE = frozenset({"submitted", "state"})


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The list's filters as the URL has them; a value that names nothing filters nothing."""

    service: str = ""
    state: RequestState | None = None
    category: Category | None = None

    def filters(self) -> RequestFilter:
        return RequestFilter(self.service or None, self.state, self.category)

    def url(self, number: int = 1) -> str:
        values = {
            "service": self.service,
            "state": self.state.value if self.state else "",
            "category": self.category.value if self.category else "",
        }
        return list_url(router.prefix, values, number)


def list_query(service: str, state: str, category: str) -> ListQuery:
    return ListQuery(
        service=typed(service, 64),
        state=member(RequestState, state),
        category=member(Category, category),
    )


@router.get("", response_class=HTMLResponse)
def index(
    request: Request,
    who: SignedInPage,
    session: SessionDep,
    service: str = "",
    state: str = "",
    category: str = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    """The requests the reader may see, newest first, filtered as the URL says."""
    query = list_query(service, state, category)
    paging = Paging.of(number, size=PAGE_SIZE)
    items, total = list_requests(
        session, who.user, query.filters(), limit=paging.size, offset=paging.offset
    )
    context = {
        "rows": items,
        "total": total,
        "page_number": paging.number,
        "pages": paging.pages(total),
        "query": query,
        "services": list_services(session),
        "states": list(RequestState),
        "categories": list(Category),
        "may_submit": can_submit(who.user),
    }
    return page(request, "requests/index.html", who, context)


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, who: ReportPage, session: SessionDep) -> HTMLResponse:
    return _new_form(request, who, session, {}, None)


@router.post("", response_class=HTMLResponse, response_model=None)
def create(
    request: Request,
    who: ReportForm,
    session: SessionDep,
    service: Text = "",
    category: Text = "",
    title: Text = "",
    description: Text = "",
    requester: Text = "",
    priority: Text = "",
) -> Response:
    values = {
        "service": service,
        "category": category,
        "title": title,
        "description": description,
        "requester": requester,
        "priority": priority,
    }
    try:
        optional = {"requester": requester or None, "priority": priority or None}
        body = RequestIn.model_validate({**values, **optional}, strict=False)
        new = NewRequest(
            service=body.service,
            title=body.title,
            description=body.description,
            category=body.category,
            requester_name=body.requester,
            priority=body.priority,
        )
        submitted = submit_request(session, who.user, new)
    except ValidationError as error:
        return _new_form(request, who, session, values, validation_problem(request, error))
    except Refusal as refusal:
        return _new_form(request, who, session, values, problem_of(request, refusal))
    return see_other(request, f"{router.prefix}/{submitted.key}?done=submitted")


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
        "categories": list(Category),
        "priorities": priority_choices(session, dt.datetime.now(dt.UTC).date()),
    }
    status = problem.status_code if problem else 200
    return page(request, "requests/new.html", who, context, status_code=status)


@router.get("/{key}", response_class=HTMLResponse)
def show(
    request: Request, key: str, who: SignedInPage, session: SessionDep, done: str = ""
) -> HTMLResponse:
    """One request as the reader may see it, with the steps the reader's role allows."""
    try:
        found = get_request(session, who.user, key)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    return _record(request, who, session, found, done=done if done in DONE else None)


@router.post("/{key}/state", response_class=HTMLResponse, response_model=None)
def step(
    request: Request,
    key: str,
    who: StepForm,
    session: SessionDep,
    to: Text = "",
    note: Text = "",
    reason: Text = "",
) -> Response:
    values = {"to": to, "note": note, "reason": reason}
    try:
        found = get_request(session, who.user, key, for_update=True)
    except NotFound as refusal:
        return _missing(request, who, refusal)

    def work() -> None:
        given = {"to": to, "note": note or None, "reason": reason or None}
        body = RequestTransitionIn.model_validate(given, strict=False)
        move(session, who.user, found, body.to, note=body.note, reason=body.reason)

    return answer_form(
        request,
        session,
        work,
        refused=lambda why: _record(
            request, who, session, found, failed=FailedForm(f"step-{to}", why, values)
        ),
        in_place=lambda: _record(request, who, session, found, done="state"),
        done_url=lambda: f"{router.prefix}/{found.key}?done=state",
    )


def _record(
    request: Request,
    who: SignedIn,
    session: Session,
    found: ServiceRequest,
    *,
    done: str | None = None,
    failed: FailedForm | None = None,
) -> HTMLResponse:
    context = record_context(session, who.user, found)
    return record_page(
        request,
        who,
        context,
        part="requests/_record.html",
        whole="requests/show.html",
        done=done,
        failed=failed,
    )


def record_context(session: Session, reader: User, found: ServiceRequest) -> dict[str, Any]:
    """What the page shows of the request to `reader`: the API's presenters and privacy."""
    now = now_utc()
    events = events_of(session, found)
    out = request_out(found, events, now, reader)
    declaration = declaration_of(found.declaration_version)
    timers = [
        (
            declaration.timers[kind].name,
            timer_view(kind, timer, warning_share(declaration, out.priority or 0, kind), now),
        )
        for kind, timer in out.timers.items()
    ]
    steps = out.allowed_transitions
    return {
        "record": found,
        "out": out,
        "priority": declaration.priority(out.priority) if out.priority is not None else None,
        "timers": timers,
        "events": [event_out(event, reader) for event in events],
        "zone": declaration.time.timezone,
        "steps": steps,
        "forms": frozenset(f"step-{item.value}" for item in steps),
    }


def _missing(request: Request, who: SignedIn, refusal: NotFound) -> HTMLResponse:
    # Unknown, or not the reader's to see: the two answer alike.
    context = {"problem": problem_of(request, refusal)}
    return page(request, "requests/missing.html", who, context, status_code=404)
