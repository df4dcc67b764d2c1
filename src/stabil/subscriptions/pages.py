"""The administration's pages of subscribers and webhooks: who, besides the declaration's
contacts, hears of a service's operational messages (R10.2).

Admins only. A form is read by the API's own request schema and acted on by the same service
function as `POST /subscribers` and `POST /webhooks`; a generated webhook secret is shown on
the answer to the form that made it, and never again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from stabil.catalog.service import list_services
from stabil.db.types import now_utc
from stabil.errors import Refusal
from stabil.status.schemas import SubscriberIn, WebhookIn
from stabil.subscriptions import service as subscriptions
from stabil.subscriptions.counts import subscriber_counts
from stabil.subscriptions.listing import subscriber_page, webhook_page
from stabil.subscriptions.service import WebhookEvent
from stabil.web.admin import AdminForm, AdminPage, FormText, back_from, done
from stabil.web.deps import SessionDep
from stabil.web.form_input import parsed
from stabil.web.i18n import choose_language
from stabil.web.pages import SignedIn, page, problem_of
from stabil.web.paging import PageNumber, Paging
from stabil.web.params import RowId

router = APIRouter(prefix="/admin", include_in_schema=False)
SUBSCRIBERS, WEBHOOKS = "/admin/subscribers", "/admin/webhooks"
ServiceFilter = Annotated[str, Query(alias="service")]
Events = Annotated[list[str], Form()]


def _listing_url(section: str, service: str, paging: Paging) -> str:
    query = [f"service={service}"] if service else []
    if paging.number > 1:
        query.append(f"page={paging.number}")
    return section + ("?" + "&".join(query) if query else "")


def _context(
    request: Request, session: Session, service: str, paging: Paging, section: str
) -> dict[str, Any]:
    english = choose_language(request) == "en"
    return {
        "services": [
            (item.key, item.name_en if english and item.name_en else item.name_da)
            for item in list_services(session)
        ],
        "service": service,
        "paging": paging,
        "back": _listing_url(section, service, paging),
        "problem": None,
        "entered": {"service": service},
        "items": [],
        "total": 0,
        "pages": 1,
    }


# Subscribers


def _subscribers(
    request: Request,
    who: SignedIn,
    session: Session,
    service: str = "",
    paging: Paging | None = None,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    paging = paging or Paging()
    context = _context(request, session, service, paging, SUBSCRIBERS)
    try:
        items, total = subscriber_page(
            session, service or None, limit=paging.size, offset=paging.offset
        )
    except Refusal as refusal:  # an unknown service in the filter: said at the filter
        filter_problem = problem_of(request, refusal)
        context["filter_problem"] = filter_problem
        status_code = filter_problem.status_code
    else:
        context.update(items=items, total=total, pages=paging.pages(total))
        context["counts"] = subscriber_counts(session, now_utc(), service or None)
    context.update(shown)
    return page(request, "subscriptions/subscribers.html", who, context, status_code)


@router.get("/subscribers", response_class=HTMLResponse)
def subscribers(
    request: Request,
    who: AdminPage,
    session: SessionDep,
    service: ServiceFilter = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    return _subscribers(request, who, session, service, Paging.of(number))


@router.post("/subscribers", response_class=HTMLResponse)
def subscriber_add(
    request: Request,
    who: AdminForm,
    session: SessionDep,
    service: FormText = "",
    email: FormText = "",
    back: FormText = "",
) -> Response:
    """Subscribe an address to a service's messages, confirmed at once (an admin adds it)."""
    try:
        body = parsed(SubscriberIn, {"service": service, "email": email})
        subscriptions.add_subscriber(session, body.service, body.email, actor=who.user)
    except Refusal as refusal:
        problem = problem_of(request, refusal)
        entered = {"service": service, "email": email}
        return _subscribers(
            request,
            who,
            session,
            status_code=problem.status_code,
            problem=problem,
            entered=entered,
        )
    return done(request, back_from(back, SUBSCRIBERS))


@router.post("/subscribers/{subscriber_id}/remove", response_class=HTMLResponse)
def subscriber_remove(
    request: Request,
    subscriber_id: RowId,
    who: AdminForm,
    session: SessionDep,
    back: FormText = "",
) -> Response:
    """Remove a subscriber: the address is deleted, nothing of it kept."""
    try:
        subscriptions.remove_subscriber(session, subscriber_id)
    except Refusal as refusal:
        problem = problem_of(request, refusal)
        return _subscribers(request, who, session, status_code=problem.status_code, problem=problem)
    return done(request, back_from(back, SUBSCRIBERS))


# Webhooks


def _webhooks(
    request: Request,
    who: SignedIn,
    session: Session,
    service: str = "",
    paging: Paging | None = None,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    paging = paging or Paging()
    context = _context(request, session, service, paging, WEBHOOKS)
    context["events"] = [event.value for event in WebhookEvent]
    context["entered"] = {"service": service, "events": context["events"]}
    try:
        items, total = webhook_page(
            session, service or None, limit=paging.size, offset=paging.offset
        )
    except Refusal as refusal:
        filter_problem = problem_of(request, refusal)
        context["filter_problem"] = filter_problem
        status_code = filter_problem.status_code
    else:
        context.update(items=items, total=total, pages=paging.pages(total))
    context.update(shown)
    return page(request, "subscriptions/webhooks.html", who, context, status_code)


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks(
    request: Request,
    who: AdminPage,
    session: SessionDep,
    service: ServiceFilter = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    return _webhooks(request, who, session, service, Paging.of(number))


@router.post("/webhooks", response_class=HTMLResponse)
def webhook_add(
    request: Request,
    who: AdminForm,
    session: SessionDep,
    service: FormText = "",
    url: FormText = "",
    events: Events = [],  # noqa: B006 (FastAPI copies the default)
    secret: FormText = "",
    back: FormText = "",
) -> Response:
    """Register a webhook; a secret made up here is shown on this answer only."""
    fields = {"service": service, "url": url, "events": events, "secret": secret or None}
    try:
        body = parsed(WebhookIn, fields)
        hook, made = subscriptions.add_webhook(
            session,
            body.service,
            body.url,
            events=body.events,
            secret=body.secret,
            actor=who.user,
        )
    except Refusal as refusal:
        problem = problem_of(request, refusal)
        entered = {"service": service, "url": url, "events": events}
        return _webhooks(
            request,
            who,
            session,
            status_code=problem.status_code,
            problem=problem,
            entered=entered,
        )
    if body.secret is not None:
        return done(request, back_from(back, WEBHOOKS))
    return _webhooks(request, who, session, added=hook, secret=made)


@router.post("/webhooks/{webhook_id}/remove", response_class=HTMLResponse)
def webhook_remove(
    request: Request, webhook_id: RowId, who: AdminForm, session: SessionDep, back: FormText = ""
) -> Response:
    """Remove a webhook: nothing more is sent to it."""
    try:
        subscriptions.remove_webhook(session, webhook_id)
    except Refusal as refusal:
        problem = problem_of(request, refusal)
        return _webhooks(request, who, session, status_code=problem.status_code, problem=problem)
    return done(request, back_from(back, WEBHOOKS))
