"""Reporting an incident from the browser, for the desk and for the authorities (R6.5).

The form posts the facts the declaration's priority suggestion reads; the suggested priority
and its reason show as the facts are filled in (htmx asks the suggestion's fragment on every
change; without JavaScript, a button re-renders the page with it). The incident is opened by
the same service function as `POST /api/v1/incidents`, after the same validation.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.roles import REPORT, WORK
from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.desk.schemas import IncidentIn
from stabil.desk.service import Channel, NewIncident, open_incident
from stabil.desk.suggestion import Impact, Suggestion, suggest_priority
from stabil.errors import Refusal
from stabil.texts import N_
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language, gettext_for
from stabil.web.pages import (
    Problem,
    SignedIn,
    page,
    problem_of,
    require_form_roles,
    require_page_roles,
    see_other,
    validation_problem,
)
from stabil.web.templating import DEFAULT_ZONE, render

router = APIRouter(prefix="/desk/report", include_in_schema=False)
Reporter = Annotated[SignedIn, Depends(require_page_roles(*REPORT))]
ReportForm = Annotated[SignedIn, Depends(require_form_roles(*REPORT))]
FACTS = ("security_breach", "legal_breach", "workaround", "central_function")
CHANNELS = {
    Channel.phone: N_("Phone"),
    Channel.mail: N_("Mail"),
    Channel.web: N_("Web form"),
    Channel.monitor: N_("Monitoring"),
}


@router.get("", response_class=HTMLResponse)
def report_form(request: Request, who: Reporter, session: SessionDep) -> HTMLResponse:
    values = dict(request.query_params)
    return _form(request, who, session, values, problem=None)


@router.get("/suggestion", response_class=HTMLResponse)
def suggestion(request: Request, who: Reporter, session: SessionDep) -> HTMLResponse:
    """The suggested priority for the facts filled in so far: the form's live fragment."""
    values = dict(request.query_params)
    context = {"suggestion": _suggestion(session, values), "signed_in": who}
    return render(request, "desk/_suggestion.html", context)


@router.post("", response_class=HTMLResponse, response_model=None)
async def report(request: Request, who: ReportForm, session: SessionDep) -> Response:
    values = {key: str(value) for key, value in (await request.form()).items()}
    if "suggest" in values:  # the no-JavaScript way to see the suggestion
        return _form(request, who, session, values, problem=None)
    try:
        body = IncidentIn.model_validate(_body(values, who, _zone_of(session, values)))
    except ValidationError as error:
        return _form(request, who, session, values, validation_problem(request, error))
    except ValueError:
        problem = Problem("detected_at", _detected_text(request), 422)
        return _form(request, who, session, values, problem)
    try:
        incident = open_incident(session, who.user, _new_incident(body))
    except Refusal as refusal:
        return _form(request, who, session, values, problem_of(request, refusal))
    return see_other(request, f"/desk/incidents/{incident.key}")


def _detected_text(request: Request) -> str:
    return gettext_for(request).gettext(N_("Give the date and time, e.g. 1 December 2026 14:05."))


def _new_incident(body: IncidentIn) -> NewIncident:
    return NewIncident(
        service=body.service,
        title=body.title,
        description=body.description,
        impact=Impact(**body.impact.model_dump(exclude_unset=True)),
        detected_at=body.detected_at,
        priority=body.priority,
        priority_reason=body.priority_reason,
        channel=body.channel,
        reporter_name=body.reporter,
        responsible=body.responsible,
    )


def _body(values: dict[str, str], who: SignedIn, zone: ZoneInfo) -> dict[str, Any]:
    """The API's request body from the form: the same checks apply to both."""
    body: dict[str, Any] = {
        "service": values.get("service", ""),
        "title": values.get("title", ""),
        "description": values.get("description", ""),
        "impact": _impact_fields(values),
        "channel": Channel.web.value,
    }
    detected = values.get("detected_at", "").strip()
    if detected:
        # A local wall-clock time in the declaration's zone; fold=0 takes the first of an
        # hour that occurs twice in autumn.
        local = dt.datetime.fromisoformat(detected).replace(tzinfo=zone)
        body["detected_at"] = local.astimezone(dt.UTC)
    if who.is_one_of(WORK):
        if values.get("priority"):
            level = values["priority"]
            body["priority"] = int(level) if level.isdigit() else level
            body["priority_reason"] = values.get("priority_reason") or None
        if values.get("channel"):
            body["channel"] = values["channel"]
        if values.get("reporter"):
            body["reporter"] = values["reporter"]
    return body


def _impact_fields(values: dict[str, str]) -> dict[str, Any]:
    impact: dict[str, Any] = {fact: values.get(fact) == "yes" for fact in FACTS}
    share = values.get("users_affected_percent", "").strip().replace(",", ".")
    if share:
        try:
            impact["users_affected_percent"] = float(share)
        except ValueError:
            impact["users_affected_percent"] = share  # refused by the validation, at its field
    return impact


def _declaration(session: Session, service: str | None) -> Declaration | None:
    if not service:
        return None
    stored = version_in_force(session, service[:64], now_utc().date())
    return declaration_of(stored) if stored else None


def _zone_of(session: Session, values: dict[str, str]) -> ZoneInfo:
    declaration = _declaration(session, values.get("service"))
    return ZoneInfo(declaration.time.timezone if declaration else DEFAULT_ZONE)


def _suggestion(session: Session, values: dict[str, str]) -> Suggestion | None:
    declaration = _declaration(session, values.get("service"))
    if declaration is None:
        return None
    facts = _impact_fields(values)
    share = facts.pop("users_affected_percent", None)
    known = isinstance(share, float) and 0 <= share <= 100
    impact = Impact(users_affected_percent=share if known else None, **facts)
    return suggest_priority(declaration, impact)


def _form(
    request: Request,
    who: SignedIn,
    session: Session,
    values: dict[str, str],
    problem: Problem | None,
) -> HTMLResponse:
    services = list_services(session)
    if not values.get("service") and len(services) == 1:
        values["service"] = services[0].key
    declaration = _declaration(session, values.get("service"))
    english = choose_language(request) == "en"
    context = {
        "values": values,
        "problem": problem,
        "services": [(s.key, s.name_en if english and s.name_en else s.name_da) for s in services],
        "priorities": [
            (p.level, f"P{p.level} {p.name.get('en' if english else 'da')}")
            for p in (declaration.priorities if declaration else [])
        ],
        "channels": [(c.value, gettext_for(request).gettext(t)) for c, t in CHANNELS.items()],
        "staff": who.is_one_of(WORK),
        "suggestion": _suggestion(session, values),
        "zone": declaration.time.timezone if declaration else DEFAULT_ZONE,
    }
    status = problem.status_code if problem else 200
    return page(request, "desk/report.html", who, context, status_code=status)
