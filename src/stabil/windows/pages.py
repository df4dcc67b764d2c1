"""The desk's pages of service windows: a service's year as a calendar with the quota used and
left, one window with its verdict, history and actions, and the form that plans a window,
checked against the rules while it is filled in (R13, R12.1, R3.3).

Every form calls the same service function as the API (windows/api.py), so a page refuses
what the API refuses; a window that breaks rules is refused with each broken rule in the
reader's language, and recorded anyway, flagged, when an override reason is given. All
times are the local time of the declaration's zone, typed and shown; never UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import WORK
from stabil.catalog.models import DeclarationVersion, Service
from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.errors import Invalid, NotFound, Refusal
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.texts import N_
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language, gettext_for
from stabil.web.pages import (
    FailedForm,
    SignedIn,
    SignedInPage,
    is_fragment,
    page,
    problem_of,
    record_page,
    refusable,
    require_form_roles,
    require_page_roles,
    see_other,
    validation_problem,
)
from stabil.web.pages import Problem as FormProblem
from stabil.web.params import MAX_ROW
from stabil.windows.local_time import local_input, local_instant, offset_input, readings
from stabil.windows.models import ServiceWindow
from stabil.windows.planner import Slot, preview
from stabil.windows.rules import Rule
from stabil.windows.schemas import AnnounceIn, CancelIn, WindowIn, WindowPatch
from stabil.windows.service import (
    RESCHEDULABLE,
    NewWindow,
    WindowFilter,
    WindowRefused,
    announce_window,
    as_json,
    cancel_window,
    complete_window,
    excuses_downtime,
    get_window,
    list_windows,
    plan_window,
    quota_of,
    reschedule_window,
    start_window,
)
from stabil.windows.states import MACHINE, WindowState
from stabil.windows.views import (
    Named,
    broken_rules,
    kind_names,
    month_name,
    months_of,
    moved,
    named,
    weekdays,
)

router = APIRouter(prefix="/desk/windows", include_in_schema=False)
PlanPage = Annotated[SignedIn, Depends(require_page_roles(*WORK))]
PlanForm = Annotated[SignedIn, Depends(require_form_roles(*WORK))]
FormText = Annotated[str, Form()]
A_YEAR_OF_WINDOWS = 10_000  # far more than any quota allows: the calendar shows them all
# What a form did, said on the window's page it leads back to.
DONE = frozenset({"planned", "announce", "start", "complete", "cancel", "reschedule"})
RULE_NAMES = {
    Rule.kind: N_("Window kind"),
    Rule.length: N_("Length"),
    Rule.hours: N_("Allowed hours"),
    Rule.service_period: N_("Service period"),
    Rule.notice: N_("Notice"),
    Rule.quota: N_("Windows a year"),
    Rule.overlap: N_("Overlap"),
    Rule.order: N_("Start and end"),
}
BREAKS_RULES = N_("The window breaks the declaration's rules, each listed below.")


# The calendar of a year


@router.get("", response_class=HTMLResponse)
def calendar(
    request: Request, who: SignedInPage, session: SessionDep, service: str = "", year: str = ""
) -> HTMLResponse:
    """A service's windows of a local year, month by month, and the quota used and left per
    kind (R13.1, R12.1). Without a service or year: the first service, this year."""
    services = list_services(session)
    chosen = _service(services, service)
    if chosen is None:
        return _missing(request, who, NotFound("no service is named {key!r}", key=service[:64]))
    stored = _in_force(session, chosen.key)
    declaration = declaration_of(stored)
    zone = declaration.time.zone
    shown = _year(year, now_utc().astimezone(zone).year)
    language = choose_language(request)
    windows, _ = list_windows(
        session,
        WindowFilter(chosen.key, shown),
        limit=A_YEAR_OF_WINDOWS,
        offset=0,
        reader=who.user,
    )
    context = {
        "service": chosen,
        "services": services,
        "year": shown,
        "zone": declaration.time.timezone,
        "months": months_of(shown, windows, zone),
        "windows": windows,
        "kinds": kind_names(declaration),
        "quota": quota_of(session, chosen.key, shown),
        "year_url": lambda number: _calendar_url(chosen.key, number),
        "may_plan": who.is_one_of(WORK),
        "month_name": lambda first: month_name(first, language),
        "weekdays": weekdays(language),
        "rule_names": RULE_NAMES,
    }
    return page(request, "windows/calendar.html", who, context)


def _service(services: list[Service], key: str) -> Service | None:
    """The service `key` names; the first one without a key; None for a key that names none."""
    if not key:
        return services[0] if services else None
    return next((service for service in services if service.key == key), None)


def _in_force(session: Session, key: str) -> DeclarationVersion:
    stored = version_in_force(session, key, now_utc().date())
    if stored is None:  # a service is loaded with its first version: never without one
        raise NotFound("no service is named {key!r}", key=key)
    return stored


def _year(text: str, default: int) -> int:
    """The year of the address; a year that names none the API takes shows this year."""
    return int(text) if text.isdigit() and 1970 <= int(text) <= 9998 else default


def _calendar_url(service: str, year: int) -> str:
    return f"{router.prefix}?{urlencode({'service': service, 'year': year})}"


# Planning a window


@dataclass
class WindowForm:
    """The plan form's fields as it sends them: text, checked by the API's own model after."""

    service: FormText = ""
    kind: FormText = ""
    start: FormText = ""
    start_offset: FormText = ""  # which of two instants, when the clocks show the time twice
    end: FormText = ""
    end_offset: FormText = ""
    title: FormText = ""
    body: FormText = ""
    body_en: FormText = ""
    affected: FormText = ""
    announce: FormText = ""
    override_reason: FormText = ""
    slot: FormText = ""  # a proposed slot's button: take its times


WindowFields = Annotated[WindowForm, Depends()]


@dataclass(frozen=True, slots=True)
class Times:
    """The form's start and end as instants, or why either is not one."""

    start: dt.datetime | None
    end: dt.datetime | None
    problems: dict[str, FormProblem]


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, who: PlanPage, session: SessionDep, service: str = "") -> HTMLResponse:
    chosen = _service(list_services(session), service)
    if chosen is None:
        return _missing(request, who, NotFound("no service is named {key!r}", key=service[:64]))
    kinds = list(kind_names(declaration_of(_in_force(session, chosen.key))))
    form = WindowForm(service=chosen.key, kind=kinds[0] if kinds else "")
    return _plan_page(request, who, session, form)


@router.post("/check", response_class=HTMLResponse)
def check(request: Request, who: PlanForm, session: SessionDep, form: WindowFields) -> Response:
    """The plan form again, with the rules its window breaks and the next allowed slots; with
    a slot's times in it when a slot's button sent it. Records nothing."""
    chosen = bool(form.slot)
    if chosen:
        form = _with_slot(form, session)
    return _plan_page(request, who, session, form, chosen=chosen)


@router.post("", response_class=HTMLResponse, response_model=None)
def create(request: Request, who: PlanForm, session: SessionDep, form: WindowFields) -> Response:
    """Plan the window; refused (422, the form as sent) with every broken rule, unless an
    override reason records it anyway, flagged (R13.2)."""
    stored = version_in_force(session, form.service, now_utc().date())
    if stored is None:
        return _missing(request, who, NotFound("no service is named {key!r}", key=form.service))
    times = times_of(request, form, declaration_of(stored).time.zone)
    if times.problems:
        return _plan_page(request, who, session, form, status=422)
    try:
        window = refusable(session, lambda: plan_window(session, who.user, new_window(form, times)))
    except WindowRefused:
        text = gettext_for(request).gettext(BREAKS_RULES)
        return _plan_page(request, who, session, form, summary=text, status=422)
    except (ValidationError, Refusal) as error:
        return _plan_page(request, who, session, form, problem=_problem(request, error))
    return see_other(request, f"{router.prefix}/{window.id}?done=planned")


def times_of(request: Request, form: WindowForm, zone: ZoneInfo) -> Times:
    found: dict[str, dt.datetime] = {}
    problems: dict[str, FormProblem] = {}
    for name, text, offset in (
        ("start", form.start, form.start_offset),
        ("end", form.end, form.end_offset),
    ):
        try:
            found[name] = local_instant(name, text, zone, offset)
        except Invalid as refusal:
            problems[name] = problem_of(request, refusal)
    return Times(found.get("start"), found.get("end"), problems)


def new_window(form: WindowForm, times: Times) -> NewWindow:
    """The window the form describes, checked as the API checks a posted one."""
    body = WindowIn.model_validate(
        {
            "service": form.service,
            "kind": form.kind,
            "start": times.start,
            "end": times.end,
            "title": form.title,
            "body": form.body,
            "body_en": form.body_en.strip() or None,
            "affected": parts(form.affected),
            "announce": bool(form.announce),
            "override_reason": form.override_reason.strip() or None,
        }
    )
    return NewWindow(**body.model_dump())


def parts(text: str) -> list[str]:
    """The affected parts, as a person separates them: with commas or on lines of their own."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _with_slot(form: WindowForm, session: Session) -> WindowForm:
    """The form with a slot's start and end (`2027-04-03T00:00+02:00/…`) in its fields; as
    it was for a value no slot's button sends."""
    stored = version_in_force(session, form.service, now_utc().date())
    if stored is None:
        return form
    zone = declaration_of(stored).time.zone
    try:
        start, end = (dt.datetime.fromisoformat(part) for part in form.slot.split("/"))
        if start.tzinfo is None or end.tzinfo is None:
            return form
        return replace(
            form,
            start=local_input(start, zone),
            start_offset=offset_input(start, zone),
            end=local_input(end, zone),
            end_offset=offset_input(end, zone),
        )
    except (ValueError, OverflowError):  # not two times, or beyond what a datetime holds
        return form


def _plan_page(
    request: Request,
    who: SignedIn,
    session: Session,
    form: WindowForm,
    *,
    problem: FormProblem | None = None,
    summary: str | None = None,
    chosen: bool = False,
    status: int | None = None,
) -> HTMLResponse:
    """The plan form as sent, with what the rules say of it now; for htmx only the form."""
    stored = version_in_force(session, form.service, now_utc().date())
    if stored is None:
        return _missing(request, who, NotFound("no service is named {key!r}", key=form.service))
    declaration = declaration_of(stored)
    zone = declaration.time.zone
    times = times_of(request, form, zone)
    shown = preview(session, form.service, form.kind, times.start, times.end, now=now_utc())
    # While the form is filled in, an empty field is no problem yet; once sent, it is.
    problems = {
        name: why for name, why in times.problems.items() if status or getattr(form, name).strip()
    }
    if problem is not None:
        problems[problem.field or "form"] = problem
    context = {
        "form": form,
        "service": stored.service,
        "zone": declaration.time.timezone,
        "kinds": _kind_options(declaration),
        "broken": broken_rules([as_json(item) for item in shown.violations], declaration),
        "slots": [_slot_choice(slot, zone) for slot in shown.slots],
        "checked": times.start is not None and times.end is not None,
        "problems": problems,
        "choices": {"start": readings(form.start, zone), "end": readings(form.end, zone)},
        "summary": summary,
        "chosen": chosen,
        "rule_names": RULE_NAMES,
    }
    template = "windows/_plan.html" if is_fragment(request) else "windows/new.html"
    code = status or (problem.status_code if problem else 200)
    return page(request, template, who, context, status_code=code)


def _kind_options(declaration: Declaration) -> list[tuple[str, Named, int]]:
    """Each kind: its key, its name and its days of notice, for the select."""
    windows = declaration.service_windows
    return [
        (kind.key, Named(kind.name.da, kind.name.en), kind.notice_days)
        for kind in (windows.kinds if windows else [])
    ]


@dataclass(frozen=True, slots=True)
class SlotChoice:
    start: dt.datetime
    end: dt.datetime
    value: str  # what its button sends: both times with their offsets


def _slot_choice(slot: Slot, zone: ZoneInfo) -> SlotChoice:
    start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
    value = f"{start.isoformat(timespec='minutes')}/{end.isoformat(timespec='minutes')}"
    return SlotChoice(slot.start, slot.end, value)


# One window


@router.get("/{window_id}", response_class=HTMLResponse)
def show(
    request: Request, window_id: str, who: SignedInPage, session: SessionDep, done: str = ""
) -> HTMLResponse:
    """One window: its facts in local time, its verdict, its history, and what the reader
    may do with it now."""
    try:
        window = get_window(session, window_id_of(window_id), reader=who.user)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    return _record(request, who, session, window, done=done if done in DONE else None)


@router.post("/{window_id}/announce", response_class=HTMLResponse, response_model=None)
def announce(
    request: Request,
    window_id: str,
    who: PlanForm,
    session: SessionDep,
    override_reason: FormText = "",
) -> Response:
    """Announce it now: notice counts from now, and the rules are checked again (R13.1);
    announced anyway, flagged, with a reason."""

    def work(window: ServiceWindow) -> None:
        body = AnnounceIn.model_validate({"override_reason": override_reason.strip() or None})
        announce_window(session, who.user, window, override_reason=body.override_reason)

    act = Act("announce", {"override_reason": override_reason})
    return _act(request, who, session, window_id, act, work)


@router.post("/{window_id}/start", response_class=HTMLResponse, response_model=None)
def start(request: Request, window_id: str, who: PlanForm, session: SessionDep) -> Response:
    return _act(
        request, who, session, window_id, Act("start"),
        lambda window: start_window(session, who.user, window),
    )  # fmt: skip


@router.post("/{window_id}/complete", response_class=HTMLResponse, response_model=None)
def complete(request: Request, window_id: str, who: PlanForm, session: SessionDep) -> Response:
    return _act(
        request, who, session, window_id, Act("complete"),
        lambda window: complete_window(session, who.user, window),
    )  # fmt: skip


@router.post("/{window_id}/cancel", response_class=HTMLResponse, response_model=None)
def cancel(
    request: Request, window_id: str, who: PlanForm, session: SessionDep, reason: FormText = ""
) -> Response:
    def work(window: ServiceWindow) -> None:
        body = CancelIn.model_validate({"reason": reason})
        cancel_window(session, who.user, window, body.reason)

    return _act(request, who, session, window_id, Act("cancel", {"reason": reason}), work)


@router.post("/{window_id}/reschedule", response_class=HTMLResponse, response_model=None)
def reschedule(
    request: Request,
    window_id: str,
    who: PlanForm,
    session: SessionDep,
    start: FormText = "",
    start_offset: FormText = "",
    end: FormText = "",
    end_offset: FormText = "",
    override_reason: FormText = "",
) -> Response:
    """New times for a window that has not begun, checked again; an announced window is
    announced anew, so notice counts from now (R13.1)."""
    values = {
        "start": start,
        "start_offset": start_offset,
        "end": end,
        "end_offset": end_offset,
        "override_reason": override_reason,
    }

    def work(window: ServiceWindow) -> None:
        zone = declaration_of(window.declaration_version).time.zone
        body = WindowPatch.model_validate(
            {
                "start": local_instant("start", start, zone, start_offset),
                "end": local_instant("end", end, zone, end_offset),
                "override_reason": override_reason.strip() or None,
            }
        )
        reschedule_window(
            session, who.user, window, body.start, body.end, override_reason=body.override_reason
        )

    return _act(request, who, session, window_id, Act("reschedule", values), work)


def window_id_of(text: str) -> int:
    """The id in a page's address; anything else names no window."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_ROW:
        raise NotFound("no service window has id {id}", id=text[:20])
    return int(text)


@dataclass(frozen=True, slots=True)
class Act:
    """One form of the window's page: its name (also what it says when done), what it sent."""

    form: str
    values: Mapping[str, str] | None = None


def _act(
    request: Request,
    who: SignedIn,
    session: Session,
    window_id: str,
    act: Act,
    work: Callable[[ServiceWindow], None],
) -> Response:
    """Run one form's work on the window, locked and in a savepoint: refused, it changes
    nothing and the page shows why at the form; done, htmx gets the page's part in place,
    a plain form a 303 back to the page."""
    try:
        window = get_window(session, window_id_of(window_id), reader=who.user, for_update=True)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    try:
        refusable(session, lambda: work(window))
    except WindowRefused as refusal:
        text = gettext_for(request).gettext(BREAKS_RULES)
        failed = FailedForm(act.form, FormProblem(None, text, 422), act.values or {})
        broken = [as_json(item) for item in refusal.violations]
        return _record(request, who, session, window, failed=failed, broken=broken)
    except (ValidationError, Refusal) as error:
        failed = FailedForm(act.form, _problem(request, error), act.values or {})
        return _record(request, who, session, window, failed=failed)
    if is_fragment(request):
        return _record(request, who, session, window, done=act.form)
    return see_other(request, f"{router.prefix}/{window.id}?done={act.form}")


def _record(
    request: Request,
    who: SignedIn,
    session: Session,
    window: ServiceWindow,
    *,
    done: str | None = None,
    failed: FailedForm | None = None,
    broken: list[dict[str, Any]] | None = None,
) -> HTMLResponse:
    context = record_context(session, who.user, window)
    if broken is not None:
        context["refused_rules"] = broken_rules(broken, declaration_of(window.declaration_version))
    return record_page(
        request,
        who,
        context,
        part="windows/_record.html",
        whole="windows/show.html",
        done=done,
        failed=failed,
    )


def record_context(session: Session, reader: User, window: ServiceWindow) -> dict[str, Any]:
    """What the page shows of `window` to `reader`, and the forms the reader may use."""
    declaration = declaration_of(window.declaration_version)
    zone = declaration.time.zone
    events = [event_out(row, reader) for row in events_of(session, window)]
    windows = declaration.service_windows
    return {
        "window": window,
        "zone": declaration.time.timezone,
        "kind": kind_names(declaration).get(window.kind, Named(window.kind)),
        "broken": broken_rules(window.violations, declaration),
        "excuses": excuses_downtime(window),
        "announce_on": named(windows.announce_on, "") if windows and windows.announce_on else None,
        "events": [(event, moved(event)) for event in events],
        "forms": forms_for(reader, window),
        "times": {
            "start": local_input(window.planned_start, zone),
            "start_offset": offset_input(window.planned_start, zone),
            "end": local_input(window.planned_end, zone),
            "end_offset": offset_input(window.planned_end, zone),
        },
        "choices": lambda text: readings(text, zone),
        # In UTC: two times of one zone subtract by their wall clocks (R13.2's 8-hour night).
        "length": (_utc(window.planned_end) - _utc(window.planned_start)).total_seconds(),
        "calendar_url": _calendar_url(
            window.service.key, window.planned_start.astimezone(zone).year
        ),
        "event_rules": lambda event: [{"rule": code} for code in event.after.get("violations", [])],
        "refused_rules": [],
        "rule_names": RULE_NAMES,
    }


def _utc(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(dt.UTC)


def forms_for(reader: User, window: ServiceWindow) -> list[str]:
    """The forms the page offers `reader`: the steps the machine allows now, and new times
    while the window has not begun (service.reschedule_window)."""
    state = WindowState(window.state)
    forms = [action.value for action in MACHINE.allowed(state, reader)]
    if reader.role in WORK and state in RESCHEDULABLE:
        forms.append("reschedule")
    return forms


# What every page shares


def _problem(request: Request, error: ValidationError | Refusal) -> FormProblem:
    if isinstance(error, ValidationError):
        return validation_problem(request, error)
    return problem_of(request, error)


def _missing(request: Request, who: SignedIn, refusal: NotFound) -> HTMLResponse:
    context = {"problem": problem_of(request, refusal)}
    return page(request, "windows/missing.html", who, context, status_code=404)
