"""The page of one incident: its facts, timers and timeline, and the forms of what the reader
may do. Each form calls the same service function as the API; with htmx it answers in place
(the incident's part of the page), without JavaScript a change is a POST and a 303 back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from stabil.accounts.roles import WORK, Role
from stabil.db.types import now_utc
from stabil.desk import transitions
from stabil.desk.incident_timeline import WORD_LABELS
from stabil.desk.incident_view import (
    ACTION_FORMS,
    DONE,
    check_revision,
    incident_view,
    local_instant,
)
from stabil.desk.models import Incident
from stabil.desk.notes import WRITE_NOTES, add_note
from stabil.desk.schemas import IncidentPatch, NoteIn, TransitionIn
from stabil.desk.service import change_priority, get_incident
from stabil.errors import Invalid, NotFound
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language
from stabil.web.pages import (
    Problem,
    SignedIn,
    SignedInPage,
    answer_form,
    is_fragment,
    page,
    require_form_roles,
)

router = APIRouter(prefix="/desk/incidents", include_in_schema=False)

# Who takes any step at all (desk.states.MACHINE): the desk, the supplier that resolves, the
# authority that withdraws its own report. Which step, the machine says.
TransitionForm = Annotated[
    SignedIn, Depends(require_form_roles(*WORK, Role.supplier, Role.authority))
]
PriorityForm = Annotated[SignedIn, Depends(require_form_roles(*WORK))]
NoteForm = Annotated[SignedIn, Depends(require_form_roles(*WRITE_NOTES))]
FormField = Annotated[str, Form()]

DoneParam = Annotated[str | None, Query(max_length=32)]


def _url(key: str) -> str:
    return f"/desk/incidents/{quote(key, safe='')}"


@router.get("/{key}", response_class=HTMLResponse)
def show(
    request: Request, key: str, who: SignedInPage, session: SessionDep, done: DoneParam = None
) -> HTMLResponse:
    return _answer(request, session, who, key, done=done if done in DONE else None)


@router.post("/{key}/transitions", response_class=HTMLResponse, response_model=None)
def transition(
    request: Request,
    key: str,
    who: TransitionForm,
    session: SessionDep,
    to: FormField = "",
    party: FormField = "",
    reason: FormField = "",
    at: FormField = "",
    note: FormField = "",
    note_visibility: FormField = "internal",
    revision: FormField = "",
) -> Response:
    form = {"party": party, "reason": reason, "at": at, "note": note}

    def work(incident: Incident) -> None:
        body = TransitionIn.model_validate(
            _given(
                to=to,
                party=party,
                reason=reason,
                note=note,
                note_visibility=note_visibility,
                at=_iso(local_instant(incident, at)),
            )
        )
        transitions.take(
            session,
            who.user,
            incident,
            body.to,
            party=body.party,
            reason=body.reason,
            at=body.at,
            note=body.note,
            note_visibility=body.note_visibility,
        )

    return _act(request, session, who, key, to, form, revision, work)


@router.post("/{key}/priority", response_class=HTMLResponse, response_model=None)
def priority(
    request: Request,
    key: str,
    who: PriorityForm,
    session: SessionDep,
    priority: FormField = "",
    priority_reason: FormField = "",
    revision: FormField = "",
) -> Response:
    form = {"priority": priority, "priority_reason": priority_reason}

    def work(incident: Incident) -> None:
        if not priority.strip().isdigit():
            raise Invalid("priority", "choose one of the priorities")
        body = IncidentPatch.model_validate(
            _given(priority=int(priority), priority_reason=priority_reason)
        )
        assert body.priority is not None
        change_priority(session, who.user, incident, body.priority, body.priority_reason)

    return _act(request, session, who, key, "priority", form, revision, work)


@router.post("/{key}/notes", response_class=HTMLResponse, response_model=None)
def note(
    request: Request,
    key: str,
    who: NoteForm,
    session: SessionDep,
    note: FormField = "",
    note_visibility: FormField = "internal",
) -> Response:
    form = {"note": note}

    def work(incident: Incident) -> None:
        body = NoteIn.model_validate({"note": note, "note_visibility": note_visibility})
        add_note(session, who.user, incident, note=body.note, visibility=body.note_visibility)

    return _act(request, session, who, key, "note", form, "", work)


def _act(
    request: Request,
    session: Session,
    who: SignedIn,
    key: str,
    name: str,
    form: Mapping[str, str],
    revision: str,
    work: Callable[[Incident], None],
) -> Response:
    """Run one form's `work` on the incident, locked; answer with what it changed, or why not."""
    try:
        incident = get_incident(session, who.user, key, for_update=True)
    except NotFound:
        return _missing(request, who, key)
    before = incident.revision

    def checked_work() -> None:
        check_revision(incident, int(revision) if revision.strip().isdigit() else None)
        work(incident)

    def done() -> str:
        return name if incident.revision != before else "nothing"

    return answer_form(
        request,
        session,
        checked_work,
        refused=lambda problem: _answer(
            request, session, who, key, problem=problem, failed=name, form=form
        ),
        in_place=lambda: _answer(request, session, who, key, done=done()),
        done_url=lambda: f"{_url(key)}?done={done()}",
    )


def _answer(
    request: Request,
    session: Session,
    who: SignedIn,
    key: str,
    *,
    problem: Problem | None = None,
    failed: str | None = None,
    form: Mapping[str, str] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    """The incident's page, or only its part when htmx asks, with a form's answer if any."""
    try:
        view = incident_view(session, who.user, key, now_utc(), choose_language(request))
    except NotFound:
        return _missing(request, who, key)
    template = "desk/_incident_body.html" if is_fragment(request) else "desk/incident.html"
    context = {
        "v": view,
        "zone": view.zone,
        "url": _url(view.incident.key),
        "problem": problem,
        "failed": failed,
        "form": form or {},
        "done": DONE.get(done) if done else None,
        "action_forms": ACTION_FORMS,
        "words": WORD_LABELS,
    }
    status = problem.status_code if problem else 200
    return page(request, template, who, context, status_code=status)


def _missing(request: Request, who: SignedIn, key: str) -> HTMLResponse:
    """Unknown, or not the reader's to see: the two answer alike, as in the API."""
    return page(request, "desk/incident_missing.html", who, {"key": key}, status_code=404)


def _given(**fields: Any) -> dict[str, Any]:
    """The form's fields that were filled in: an empty field is one left out."""
    return {
        name: value
        for name, value in fields.items()
        if value is not None and not (isinstance(value, str) and not value.strip())
    }


def _iso(instant: Any) -> str | None:
    return None if instant is None else str(instant.isoformat())
