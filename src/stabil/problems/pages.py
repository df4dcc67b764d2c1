"""The desk's pages of problems and known errors: the list, a new problem, and one problem with
its known error, linked incidents, history and the actions the reader's role allows.

Every action is a small form that calls the same service function as the API
(problems/api.py): without JavaScript it posts the whole page and is redirected back (303);
with htmx it answers in place with the problem's part of the page. A refusal is shown at its
field, in the reader's language, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import WORK
from stabil.accounts.service import list_organisations
from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.db.types import now_utc
from stabil.desk.links import keys_shown_in
from stabil.desk.models import Incident
from stabil.errors import NotFound, Refusal
from stabil.problems.access import can_work, links_are_final
from stabil.problems.models import Problem
from stabil.problems.present import problem_out, visible_incidents
from stabil.problems.schemas import LinkIn, NoteIn, ProblemIn, ProblemPatch
from stabil.problems.service import (
    TRANSITIONS,
    NewProblem,
    ProblemFilter,
    add_note,
    edit_problem,
    get_problem,
    link_incidents,
    list_problems,
    open_problem,
    record_known_error,
    unlink_incident,
)
from stabil.problems.states import ProblemState
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.web.deps import SessionDep
from stabil.web.pages import (
    Act,
    FailedForm,
    SignedIn,
    SignedInPage,
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

router = APIRouter(prefix="/desk/problems", include_in_schema=False)
PAGE_SIZE = 25
WorkPage = Annotated[SignedIn, Depends(require_page_roles(*WORK))]
WorkForm = Annotated[SignedIn, Depends(require_form_roles(*WORK))]
# Every field is text with a default: what is wrong with it is said at the field, by the
# API's own request shape, never as FastAPI's JSON 422. A form sends only text, so the shape
# reads choices and numbers from text (strict=False); the API's JSON body stays strict.
Text = Annotated[str, Form()]
# What a form did, said on the page it leads back to.
DONE = frozenset({"created", "state", "analysis", "linked", "unlinked", "note"})


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The list's filters as the URL has them; a value that names nothing filters nothing."""

    service: str = ""
    state: ProblemState | None = None
    known_error: bool | None = None
    text: str = ""

    def filters(self) -> ProblemFilter:
        return ProblemFilter(
            service=self.service or None,
            state=self.state,
            text=self.text or None,
            known_error=self.known_error,
        )

    def url(self, number: int = 1) -> str:
        known = {True: "yes", False: "no", None: ""}[self.known_error]
        values = {
            "service": self.service,
            "state": self.state.value if self.state else "",
            "known_error": known,
            "text": self.text,
        }
        return list_url(router.prefix, values, number)


def list_query(service: str, state: str, known_error: str, text: str) -> ListQuery:
    return ListQuery(
        service=typed(service, 64),
        state=member(ProblemState, state),
        known_error={"yes": True, "no": False}.get(known_error),
        text=typed(text, 200),
    )


@router.get("", response_class=HTMLResponse)
def index(
    request: Request,
    who: SignedInPage,
    session: SessionDep,
    service: str = "",
    state: str = "",
    known_error: str = "",
    text: str = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    """The problems the reader may see, newest first, filtered as the URL says."""
    query = list_query(service, state, known_error, text)
    paging = Paging.of(number, size=PAGE_SIZE)
    items, total = list_problems(
        session, who.user, query.filters(), limit=paging.size, offset=paging.offset
    )
    context = {
        "rows": [(item, problem_out(item, who.user)) for item in items],
        "total": total,
        "page_number": paging.number,
        "pages": paging.pages(total),
        "query": query,
        "services": list_services(session),
        "states": list(ProblemState),
        "may_record": can_work(who.user),
    }
    return page(request, "problems/index.html", who, context)


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, who: WorkPage, session: SessionDep) -> HTMLResponse:
    return _new_form(request, who, session, {}, None)


@router.post("", response_class=HTMLResponse, response_model=None)
def create(
    request: Request,
    who: WorkForm,
    session: SessionDep,
    service: Text = "",
    title: Text = "",
    description: Text = "",
    root_cause: Text = "",
    workaround: Text = "",
    owner: Text = "",
    incidents: Text = "",
) -> Response:
    values = {
        "service": service,
        "title": title,
        "description": description,
        "root_cause": root_cause,
        "workaround": workaround,
        "owner": owner,
        "incidents": incidents,
    }
    try:
        body = ProblemIn.model_validate(
            {**values, "owner": owner or None, "incidents": keys_in(incidents)}, strict=False
        )
        problem = open_problem(session, who.user, NewProblem(**body.model_dump()))
    except ValidationError as error:
        return _new_form(request, who, session, values, validation_problem(request, error))
    except Refusal as refusal:
        return _new_form(request, who, session, values, problem_of(request, refusal))
    return see_other(request, f"{router.prefix}/{problem.key}?done=created")


def keys_in(text: str) -> list[str]:
    """Incident keys as a person types them: separated by spaces, commas or new lines."""
    return [key for key in re.split(r"[\s,;]+", text) if key]


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
        "organisations": list_organisations(session),
    }
    status = problem.status_code if problem else 200
    return page(request, "problems/new.html", who, context, status_code=status)


@router.get("/{key}", response_class=HTMLResponse)
def show(
    request: Request, key: str, who: SignedInPage, session: SessionDep, done: str = ""
) -> HTMLResponse:
    """One problem as the reader may see it, with the actions the reader's role allows."""
    try:
        problem = get_problem(session, who.user, key)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    return _record(request, who, session, problem, done=done if done in DONE else None)


@router.post("/{key}/state", response_class=HTMLResponse, response_model=None)
def step(
    request: Request,
    key: str,
    who: WorkForm,
    session: SessionDep,
    to: Text = "",
    note: Text = "",
) -> Response:
    def work(problem: Problem) -> None:
        body = ProblemPatch.model_validate({"state": to, "note": note or None}, strict=False)
        if body.state is not None:
            TRANSITIONS[body.state](session, who.user, problem, note=body.note, now=now_utc())

    values = {"to": to, "note": note}
    return _act(request, who, session, key, Act(f"step-{to}", "state", values), work)


@router.post("/{key}/analysis", response_class=HTMLResponse, response_model=None)
def analysis(
    request: Request,
    key: str,
    who: WorkForm,
    session: SessionDep,
    root_cause: Text = "",
    workaround: Text = "",
    note: Text = "",
    known_error: Text = "",
) -> Response:
    """The root cause and the work-around, saved; and the problem marked a known error when
    that button was pressed (the service refuses both together, or neither)."""
    values = {"root_cause": root_cause, "workaround": workaround, "note": note}

    def work(problem: Problem) -> None:
        body = ProblemPatch.model_validate({**values, "note": note or None}, strict=False)
        cause, around = body.root_cause or "", body.workaround or ""
        if known_error:
            record_known_error(
                session, who.user, problem, root_cause=cause, workaround=around, note=body.note
            )
        else:
            edit_problem(session, who.user, problem, {"root_cause": cause, "workaround": around})

    return _act(request, who, session, key, Act("analysis", "analysis", values), work)


@router.post("/{key}/incidents", response_class=HTMLResponse, response_model=None)
def link(
    request: Request, key: str, who: WorkForm, session: SessionDep, incidents: Text = ""
) -> Response:
    def work(problem: Problem) -> None:
        body = LinkIn.model_validate({"incidents": keys_in(incidents)}, strict=False)
        link_incidents(session, who.user, problem, body.incidents)

    act = Act("link", "linked", {"incidents": incidents})
    return _act(request, who, session, key, act, work)


@router.post("/{key}/incidents/{incident}/unlink", response_class=HTMLResponse, response_model=None)
def unlink(
    request: Request, key: str, incident: str, who: WorkForm, session: SessionDep
) -> Response:
    def work(problem: Problem) -> None:
        unlink_incident(session, who.user, problem, incident)

    return _act(request, who, session, key, Act(f"unlink-{incident}", "unlinked", {}), work)


@router.post("/{key}/notes", response_class=HTMLResponse, response_model=None)
def note(
    request: Request, key: str, who: WorkForm, session: SessionDep, note: Text = ""
) -> Response:
    def work(problem: Problem) -> None:
        add_note(
            session, who.user, problem, NoteIn.model_validate({"note": note}, strict=False).note
        )

    return _act(request, who, session, key, Act("note", "note", {"note": note}), work)


def _act(
    request: Request,
    who: SignedIn,
    session: Session,
    key: str,
    act: Act,
    work: Callable[[Problem], None],
) -> Response:
    """Run one form's work on the problem, locked; answer in place or with a redirect."""
    try:
        problem = get_problem(session, who.user, key, for_update=True)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    show = partial(_record, request, who, session)
    url = f"{router.prefix}/{problem.key}"
    return answer_act(request, session, problem, act, work, show=show, url=url)


def _record(
    request: Request,
    who: SignedIn,
    session: Session,
    problem: Problem,
    *,
    done: str | None = None,
    failed: FailedForm | None = None,
) -> HTMLResponse:
    context = record_context(session, who.user, problem)
    return record_page(
        request,
        who,
        context,
        part="problems/_record.html",
        whole="problems/show.html",
        done=done,
        failed=failed,
    )


def record_context(session: Session, reader: User, problem: Problem) -> dict[str, Any]:
    """What the page shows of `problem` to `reader`: the API's presenters and privacy rules."""
    rows = events_of(session, problem)
    shown = keys_shown_in(session, reader, rows)
    out = problem_out(problem, reader)
    incidents = visible_incidents(problem, reader)
    # Marking a known error is the analysis form's second button: it takes the work-around.
    steps = [item for item in out.allowed_transitions if item is not ProblemState.known_error]
    return {
        "record": problem,
        "out": out,
        "incidents": incidents,
        "events": [event_out(row, reader, incidents_shown=shown) for row in rows],
        "zone": zone_of(session, problem.service.key),
        "steps": steps,
        "may_mark": ProblemState.known_error in out.allowed_transitions,
        "forms": forms_for(reader, problem, steps, incidents),
    }


def forms_for(
    reader: User, problem: Problem, steps: Sequence[ProblemState], incidents: Sequence[Incident]
) -> frozenset[str]:
    """The forms the page offers `reader`: the steps the machine allows, and the changes
    the service takes from the reader's role in the problem's state."""
    if not can_work(reader):
        return frozenset()
    forms = {f"step-{item.value}" for item in steps} | {"note"}
    if problem.state != ProblemState.closed:
        forms.add("analysis")
    if not links_are_final(problem):
        forms |= {"link", *(f"unlink-{item.key}" for item in incidents)}
    return frozenset(forms)


def zone_of(session: Session, service_key: str) -> str | None:
    """The time zone of the service's declaration in force: the page's times are in it."""
    stored = version_in_force(session, service_key, dt.datetime.now(dt.UTC).date())
    return declaration_of(stored).time.timezone if stored else None


def _missing(request: Request, who: SignedIn, refusal: NotFound) -> HTMLResponse:
    # Unknown, or not the reader's to see: the two answer alike.
    context = {"problem": problem_of(request, refusal)}
    return page(request, "problems/missing.html", who, context, status_code=404)
