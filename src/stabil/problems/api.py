"""JSON routes of problems; each parses, calls the service, and answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from stabil.accounts.auth import CurrentUser
from stabil.db.types import now_utc
from stabil.desk.links import keys_shown_in
from stabil.errors import Invalid
from stabil.problems.present import problem_out
from stabil.problems.schemas import (
    LinkIn,
    NoteIn,
    ProblemIn,
    ProblemOut,
    ProblemPage,
    ProblemPatch,
)
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
    unlink_incident,
)
from stabil.problems.states import ProblemState
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.records.schemas import EventOut
from stabil.schemas import Text
from stabil.web.deps import SessionDep
from stabil.web.openapi import TRANSITION_CONFLICT
from stabil.web.params import Limit, Offset

router = APIRouter(prefix="/problems", tags=["problems"])


@router.post("", status_code=201, summary="Record a problem")
def create(body: ProblemIn, user: CurrentUser, session: SessionDep) -> ProblemOut:
    problem = open_problem(session, user, NewProblem(**body.model_dump()))
    return problem_out(problem, user)


@router.get("", summary="List problems, newest first")
def index(
    user: CurrentUser,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    state: ProblemState | None = None,
    owner: Annotated[Text | None, Query(max_length=64)] = None,
    incident: Annotated[Text | None, Query(max_length=64)] = None,
    text: Annotated[Text | None, Query(max_length=200)] = None,
    known_error: Annotated[
        bool | None, Query(description="true: only known errors; false: no known errors.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ProblemPage:
    filters = ProblemFilter(service, state, owner, incident, text, known_error)
    items, total = list_problems(session, user, filters, limit=limit, offset=offset)
    return ProblemPage(
        items=[problem_out(item, user) for item in items], total=total, limit=limit, offset=offset
    )


@router.get("/{key}", summary="One problem")
def show(key: str, user: CurrentUser, session: SessionDep) -> ProblemOut:
    return problem_out(get_problem(session, user, key), user)


@router.patch(
    "/{key}",
    summary="Edit a problem or move it to another state",
    responses=TRANSITION_CONFLICT,
)
def patch(key: str, body: ProblemPatch, user: CurrentUser, session: SessionDep) -> ProblemOut:
    problem = get_problem(session, user, key, for_update=True)
    changes = body.model_dump(exclude_unset=True, exclude={"state", "note"})
    if not changes and body.state is None:
        raise Invalid("body", "give at least one field to change, or a state")
    now = now_utc()
    if changes:
        edit_problem(session, user, problem, changes, now)
    if body.state is not None:
        TRANSITIONS[body.state](session, user, problem, note=body.note, now=now)
    return problem_out(problem, user)


@router.post(
    "/{key}/incidents", summary="Link incidents to a problem", responses=TRANSITION_CONFLICT
)
def link(key: str, body: LinkIn, user: CurrentUser, session: SessionDep) -> ProblemOut:
    problem = get_problem(session, user, key, for_update=True)
    link_incidents(session, user, problem, body.incidents)
    return problem_out(problem, user)


@router.delete(
    "/{key}/incidents/{incident}",
    status_code=204,
    summary="Unlink an incident",
    responses=TRANSITION_CONFLICT,
)
def unlink(key: str, incident: str, user: CurrentUser, session: SessionDep) -> Response:
    problem = get_problem(session, user, key, for_update=True)
    unlink_incident(session, user, problem, incident)
    return Response(status_code=204)


@router.post("/{key}/notes", summary="Add a note to a problem's history")
def note(key: str, body: NoteIn, user: CurrentUser, session: SessionDep) -> ProblemOut:
    problem = get_problem(session, user, key, for_update=True)
    add_note(session, user, problem, body.note)
    return problem_out(problem, user)


@router.get("/{key}/events", summary="The problem's history, oldest first")
def events(key: str, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    problem = get_problem(session, user, key)
    rows = events_of(session, problem)
    shown = keys_shown_in(session, user, rows)
    return [event_out(row, user, incidents_shown=shown) for row in rows]
