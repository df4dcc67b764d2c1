"""The desk's pages of releases: the list with each release's notice, a new release, and one
release with its notice, its duty to help, its message, its history and the actions the
reader's role allows (R11.1).

Every action is a small form that calls the same service function as the API
(releases/api.py): without JavaScript it posts the whole page and is redirected back (303);
with htmx it answers in place with the release's part of the page. A refusal is shown at its
field, in the reader's language, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import WORK
from stabil.catalog.service import declaration_of, list_services
from stabil.errors import Invalid, NotFound, Refusal
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.releases.access import can_work
from stabil.releases.models import Release
from stabil.releases.present import release_out
from stabil.releases.rules import shorter_notice_reasons
from stabil.releases.schemas import AnnounceIn, CancelIn, HelpIn, ReleaseIn, ReleasePatch, StepIn
from stabil.releases.service import (
    NewRelease,
    ReleaseFilter,
    announce_release,
    cancel_release,
    change_release,
    get_release,
    help_due,
    list_releases,
    mark_help_given,
    mark_released,
    register_release,
)
from stabil.releases.states import OPEN, ReleaseAction, ReleaseState
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language
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
from stabil.web.params import MAX_ROW
from stabil.web.templating import DEFAULT_ZONE

router = APIRouter(prefix="/desk/releases", include_in_schema=False)
PAGE_SIZE = 25
WorkPage = Annotated[SignedIn, Depends(require_page_roles(*WORK))]
WorkForm = Annotated[SignedIn, Depends(require_form_roles(*WORK))]
# Every field is text with a default: what is wrong with it is said at the field, by the
# API's own request shape, never as FastAPI's JSON 422.
Text = Annotated[str, Form()]
# What a form did, said on the page it leads back to.
DONE = frozenset({"created", "announced", "changed", "released", "cancelled", "help"})
REASONS = ("legal", "technical", "urgent")


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The list's filters as the URL has them; a value that names nothing filters nothing."""

    service: str = ""
    year: int | None = None
    state: ReleaseState | None = None

    def filters(self) -> ReleaseFilter:
        return ReleaseFilter(self.service or None, self.year, self.state)

    def url(self, number: int = 1) -> str:
        values = {
            "service": self.service,
            "year": str(self.year) if self.year else "",
            "state": self.state.value if self.state else "",
        }
        return list_url(router.prefix, values, number)


def list_query(service: str, year: str, state: str) -> ListQuery:
    shown_year = int(year) if year.isdigit() and 1970 <= int(year) <= 9998 else None
    return ListQuery(service=typed(service, 64), year=shown_year, state=member(ReleaseState, state))


@router.get("", response_class=HTMLResponse)
def index(
    request: Request,
    who: SignedInPage,
    session: SessionDep,
    service: str = "",
    year: str = "",
    state: str = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    """The releases in the order they are planned, each with its notice, filtered as the URL
    says."""
    query = list_query(service, year, state)
    paging = Paging.of(number, size=PAGE_SIZE)
    items, total = list_releases(session, query.filters(), limit=paging.size, offset=paging.offset)
    context = {
        "rows": [(item, release_out(item, who.user)) for item in items],
        "total": total,
        "page_number": paging.number,
        "pages": paging.pages(total),
        "query": query,
        "services": list_services(session),
        "states": list(ReleaseState),
        "may_record": can_work(who.user),
        "day": day_text(request),
    }
    return page(request, "releases/index.html", who, context)


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, who: WorkPage, session: SessionDep) -> HTMLResponse:
    return _new_form(request, who, session, {}, None)


@router.post("", response_class=HTMLResponse, response_model=None)
def create(
    request: Request,
    who: WorkForm,
    session: SessionDep,
    service: Text = "",
    version: Text = "",
    planned_date: Text = "",
    notes: Text = "",
    notes_en: Text = "",
    interface_change: Text = "",
    announce: Text = "",
    shorter_notice_reason: Text = "",
) -> Response:
    values = {
        "service": service,
        "version": version,
        "planned_date": planned_date,
        "notes": notes,
        "notes_en": notes_en,
        "interface_change": interface_change,
        "announce": announce,
        "shorter_notice_reason": shorter_notice_reason,
    }
    try:
        body = ReleaseIn.model_validate(
            {
                **values,
                "notes_en": notes_en or None,
                "interface_change": interface_change == "yes",
                "announce": announce == "yes",
                "shorter_notice_reason": shorter_notice_reason or None,
            },
            strict=False,
        )
        release = register_release(session, who.user, NewRelease(**body.model_dump()))
    except ValidationError as error:
        return _new_form(request, who, session, values, validation_problem(request, error))
    except Refusal as refusal:
        return _new_form(request, who, session, values, problem_of(request, refusal))
    return see_other(request, f"{router.prefix}/{release.id}?done=created")


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
        "reasons": REASONS,
    }
    status = problem.status_code if problem else 200
    return page(request, "releases/new.html", who, context, status_code=status)


@router.get("/{release_id}", response_class=HTMLResponse)
def show(
    request: Request, release_id: str, who: SignedInPage, session: SessionDep, done: str = ""
) -> HTMLResponse:
    """One release, with the actions the reader's role allows."""
    try:
        release = get_release(session, id_of(release_id))
    except NotFound as refusal:
        return _missing(request, who, refusal)
    return _record(request, who, session, release, done=done if done in DONE else None)


@router.post("/{release_id}/announce", response_class=HTMLResponse, response_model=None)
def announce(
    request: Request,
    release_id: str,
    who: WorkForm,
    session: SessionDep,
    at: Text = "",
    shorter_notice_reason: Text = "",
) -> Response:
    values = {"at": at, "shorter_notice_reason": shorter_notice_reason}

    def work(release: Release) -> None:
        body = AnnounceIn.model_validate(
            {
                "at": local_instant(at, zone_name(release)),
                "shorter_notice_reason": shorter_notice_reason or None,
            },
            strict=False,
        )
        announce_release(
            session, who.user, release, body.at, shorter_notice_reason=body.shorter_notice_reason
        )

    return _act(request, who, session, release_id, Act("announce", "announced", values), work)


@router.post("/{release_id}/change", response_class=HTMLResponse, response_model=None)
def change(
    request: Request,
    release_id: str,
    who: WorkForm,
    session: SessionDep,
    version: Text = "",
    planned_date: Text = "",
    notes: Text = "",
    notes_en: Text = "",
    interface_change: Text = "",
    shorter_notice_reason: Text = "",
) -> Response:
    """The form shows every changeable fact; only those that differ change."""
    values = {
        "version": version,
        "planned_date": planned_date,
        "notes": notes,
        "notes_en": notes_en,
        "interface_change": interface_change,
        "shorter_notice_reason": shorter_notice_reason,
    }

    def work(release: Release) -> None:
        body = ReleasePatch.model_validate(
            {
                **values,
                "notes_en": notes_en or None,
                "interface_change": interface_change == "yes",
                "shorter_notice_reason": shorter_notice_reason or None,
            },
            strict=False,
        )
        change_release(session, who.user, release, body.model_dump(exclude_unset=True))

    return _act(request, who, session, release_id, Act("change", "changed", values), work)


@router.post("/{release_id}/release", response_class=HTMLResponse, response_model=None)
def release(
    request: Request, release_id: str, who: WorkForm, session: SessionDep, at: Text = ""
) -> Response:
    def work(found: Release) -> None:
        body = StepIn.model_validate({"at": local_instant(at, zone_name(found))}, strict=False)
        mark_released(session, who.user, found, body.at)

    return _act(request, who, session, release_id, Act("release", "released", {"at": at}), work)


@router.post("/{release_id}/cancel", response_class=HTMLResponse, response_model=None)
def cancel(
    request: Request, release_id: str, who: WorkForm, session: SessionDep, reason: Text = ""
) -> Response:
    def work(release: Release) -> None:
        body = CancelIn.model_validate({"reason": reason}, strict=False)
        cancel_release(session, who.user, release, body.reason)

    act = Act("cancel", "cancelled", {"reason": reason})
    return _act(request, who, session, release_id, act, work)


@router.post("/{release_id}/help-given", response_class=HTMLResponse, response_model=None)
def help_given(
    request: Request,
    release_id: str,
    who: WorkForm,
    session: SessionDep,
    at: Text = "",
    note: Text = "",
) -> Response:
    def work(release: Release) -> None:
        body = HelpIn.model_validate(
            {"at": local_instant(at, zone_name(release)), "note": note or None}, strict=False
        )
        mark_help_given(session, who.user, release, body.at, note=body.note)

    act = Act("help", "help", {"at": at, "note": note})
    return _act(request, who, session, release_id, act, work)


def _act(
    request: Request,
    who: SignedIn,
    session: Session,
    release_id: str,
    act: Act,
    work: Callable[[Release], None],
) -> Response:
    """Run one form's work on the release, locked; answer in place or with a redirect."""
    try:
        release = get_release(session, id_of(release_id), for_update=True)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    show = partial(_record, request, who, session)
    url = f"{router.prefix}/{release.id}"
    return answer_act(request, session, release, act, work, show=show, url=url)


def _record(
    request: Request,
    who: SignedIn,
    session: Session,
    release: Release,
    *,
    done: str | None = None,
    failed: FailedForm | None = None,
) -> HTMLResponse:
    context = record_context(session, who.user, release)
    context["day"] = day_text(request)
    return record_page(
        request,
        who,
        context,
        part="releases/_record.html",
        whole="releases/show.html",
        done=done,
        failed=failed,
    )


def record_context(session: Session, reader: User, release: Release) -> dict[str, Any]:
    """What the page shows of `release` to `reader`: the API's presenter, and its forms."""
    out = release_out(release, reader)
    declaration = declaration_of(release.declaration_version)
    return {
        "record": release,
        "out": out,
        "events": [event_out(row, reader) for row in events_of(session, release)],
        "zone": declaration.time.timezone,
        "forms": forms_for(reader, release, out.allowed_transitions),
        "reasons": shorter_notice_reasons(declaration),
        # The contacts the declaration names for releases, by their names in the declaration.
        "notify": [
            declaration.contact(key).name
            for key in (declaration.releases.notify if declaration.releases else [])
        ],
    }


def forms_for(reader: User, release: Release, steps: list[ReleaseAction]) -> frozenset[str]:
    """The forms the page offers `reader`: the steps allowed now, a change while the release
    is not out, and the duty to help while it is open."""
    if not can_work(reader):
        return frozenset()
    forms = {step.value for step in steps}
    if ReleaseState(release.state) in OPEN:
        forms.add("change")
    if help_due(release):
        forms.add("help")
    return frozenset(forms)


def id_of(text: str) -> int:
    """The id in a page's address; anything else names no release."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_ROW:
        raise NotFound("no release has id {id}", id=text[:20])
    return int(text)


def zone_name(release: Release) -> str:
    return declaration_of(release.declaration_version).time.timezone


def local_instant(text: str, zone: str) -> dt.datetime | None:
    """A `datetime-local` field's value, read in the declaration's zone; empty: now."""
    if not text.strip():
        return None
    try:
        typed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("at", "give a date and a time, e.g. 2026-04-14 11:00") from None
    return typed if typed.tzinfo is not None else typed.replace(tzinfo=ZoneInfo(zone))


def day_text(request: Request) -> Callable[[dt.date | None], str]:
    """Dates as the reader's language writes them: `15. sep. 2026`, `15 Sept 2026`."""
    locale = "en_GB" if choose_language(request) == "en" else "da"

    def text(day: dt.date | None) -> str:
        return format_date(day, "medium", locale=locale) if day else ""

    return text


def _missing(request: Request, who: SignedIn, refusal: NotFound) -> HTMLResponse:
    context = {"problem": problem_of(request, refusal), "zone": DEFAULT_ZONE}
    return page(request, "releases/missing.html", who, context, status_code=404)
