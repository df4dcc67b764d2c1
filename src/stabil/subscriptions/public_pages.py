"""The public pages of a subscription (R10.2): no sign-in, Danish first, English on request.

- `POST /status/{service}/subscribe`: the status page's form. A flood from one client
  address is answered 429 before the database is touched; a refused form comes back with
  what is wrong at each field (422) and nothing stored; every accepted one gets the same
  "check your mail" page.
- `/status/subscriptions/confirm/{token}`: opening the mailed link shows a button (mail
  scanners open links too); the button confirms.
- `/status/subscriptions/manage/{secret}`: change the parts and types, or unsubscribe.
- `/status/unsubscribe/{secret}`: the link in every notification. Opening it asks; a POST
  acts, the one-click POST of a mail program too (RFC 8058: body `List-Unsubscribe=One-Click`,
  no cookie, no CSRF token; the secret in the address is what authorises it).

The language is the form's `lang`, a link's `?lang=`, else the subscriber's own. Every page
here is `no-store`: most show an address to whoever holds the link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.errors import Refusal
from stabil.settings import get_settings
from stabil.subscriptions import signup
from stabil.subscriptions.choices import LANGUAGES, FormInvalid, offer_of
from stabil.subscriptions.flood import RequestCounter
from stabil.subscriptions.models import Subscriber
from stabil.subscriptions.tokens import signing_key
from stabil.web.deps import SessionDep, UnitsDep
from stabil.web.login import client_address
from stabil.web.pages import problem_of, refusable
from stabil.web.templating import render

router = APIRouter(include_in_schema=False)
# No length limits here: FastAPI would answer a breach in JSON; the checks answer on the page.
FormValue = Annotated[str, Form()]
FormValues = Annotated[list[str], Form()]


def status_url(service_key: str, language: str) -> str:
    return ("/en" if language == "en" else "") + f"/status/{service_key}"


@dataclass(frozen=True, slots=True)
class Shown:
    """A subscription as its pages show it: plain values, read inside the unit of work."""

    email: str
    declaration: Declaration
    parts: list[str]
    types: list[str]
    language: str
    secret: str


def _shown(session: Session, row: Subscriber) -> Shown:
    declaration = signup.declaration_for(session, row, now_utc())
    return Shown(
        row.email,
        declaration,
        list(row.parts),
        list(row.types),
        row.language,
        row.unsubscribe_token,
    )


def _page(
    request: Request,
    template: str,
    language: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    response = render(request, f"subscriptions/{template}", context, status_code, language=language)
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response


def _service_context(declaration: Declaration, language: str, **more: Any) -> dict[str, Any]:
    offer = offer_of(declaration)
    return {
        "service_key": declaration.key,
        "service_name": declaration.metadata.name.get(language),
        "status_url": status_url(declaration.key, language),
        "part_options": [(item.key, item.name.get(language)) for item in offer.parts],
        "type_options": [(item.key, item.name.get(language)) for item in offer.types],
        "email": "",
        "parts": [],
        "types": [],
        "problems": {},
        **more,
    }


def _problems(request: Request, refused: FormInvalid, language: str) -> dict[str, list[str]]:
    """Each field's problems, in the page's language."""
    shown: dict[str, list[str]] = {}
    for problem in refused.problems:
        shown.setdefault(problem.field, []).append(problem_of(request, problem, language).text)
    return shown


# Signing up


def _flood(request: Request) -> RequestCounter:
    counter: RequestCounter | None = getattr(request.app.state, "subscribe_limits", None)
    if counter is None:
        limit = get_settings().subscribe_client_limit
        counter = request.app.state.subscribe_limits = RequestCounter(limit)
    return counter


@router.post("/status/{service}/subscribe", response_class=HTMLResponse)
async def subscribe(
    request: Request,
    service: str,
    units: UnitsDep,
    email: FormValue = "",
    parts: FormValues = [],  # noqa: B006 (FastAPI copies the default)
    types: FormValues = [],  # noqa: B006
    lang: FormValue = "da",
) -> HTMLResponse:
    """Ask for the service's messages. Async, so that a flood is turned away in the event
    loop, before a database connection is taken."""
    language = lang if lang in LANGUAGES else "da"
    wait = _flood(request).admit(client_address(request))
    if wait:
        minutes = -(-wait // 60)
        context = {"status_url": status_url(service, language), "minutes": minutes}
        return _page(
            request, "public_too_many.html", language, context, 429, {"Retry-After": str(wait)}
        )
    form = signup.SignUpForm(email, parts, types, lang)
    key = signing_key(get_settings())
    try:
        declaration = await units.run(
            lambda session: signup.sign_up(session, service, form, key=key, now=now_utc()),
            writes=True,
        )
    except FormInvalid as refused:
        return await _refused_form(request, units, service, form, language, refused)
    except Refusal as refusal:  # no such service, or one that takes no subscribers
        return _refused(request, language, refusal)
    context = _service_context(declaration, language, email=email.strip())
    return _page(request, "public_check_mail.html", language, context)


async def _refused_form(
    request: Request,
    units: UnitsDep,
    service: str,
    form: signup.SignUpForm,
    language: str,
    refused: FormInvalid,
) -> HTMLResponse:
    _service, declaration = await units.run(
        lambda session: signup.subscribable(session, service, now_utc()), writes=False
    )
    context = _service_context(
        declaration,
        language,
        email=form.email,
        parts=list(form.parts),
        types=list(form.types),
        problems=_problems(request, refused, language),
    )
    return _page(request, "public_subscribe.html", language, context, 422)


def _refused(
    request: Request, language: str, refusal: Refusal, status_code: int | None = None
) -> HTMLResponse:
    problem = problem_of(request, refusal, language)
    # The index of the status pages: the service named may have none.
    context = {
        "status_url": ("/en" if language == "en" else "") + "/status",
        "problem": problem.text,
    }
    status_code = status_code or problem.status_code
    return _page(request, "public_refused.html", language, context, status_code)


@router.get("/status/{service}/subscribe", response_class=HTMLResponse)
def subscribe_form(request: Request, service: str, session: SessionDep) -> HTMLResponse:
    """The form on a page of its own: where a reload or a bookmark of the answer leads."""
    language = _language(request)
    try:
        _service, declaration = signup.subscribable(session, service, now_utc())
    except Refusal as refusal:
        return _refused(request, language, refusal, 404)
    context = _service_context(declaration, language, switch=_switch(request), fresh=True)
    return _page(request, "public_subscribe.html", language, context)


# The links in the mails


def _language(request: Request, own: str | None = None) -> str:
    asked = request.query_params.get("lang")
    return asked if asked in LANGUAGES else own or "da"


def _link_problem(request: Request, refusal: Refusal, language: str) -> HTMLResponse:
    problem = problem_of(request, refusal, language)
    context = {"problem": problem.text, "status_code": problem.status_code, "status_url": "/status"}
    return _page(request, "public_link.html", language, context, problem.status_code)


def _switch(request: Request) -> dict[str, str]:
    """The same page in each language, for the layout's switch."""
    return {code: f"{request.url.path}?lang={code}" for code in LANGUAGES}


def _answer(
    request: Request, session: Session, find: Callable[[], Subscriber], template: str
) -> HTMLResponse:
    """Find the link's subscription (a refusal is the link's page) and show it."""
    try:
        shown = _shown(session, refusable(session, find))
    except Refusal as refusal:
        return _link_problem(request, refusal, _language(request))
    language = _language(request, shown.language)
    context = _subscription_context(request, shown, language)
    return _page(request, template, language, context)


def _subscription_context(
    request: Request, shown: Shown, language: str, **more: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email": shown.email,
        "parts": shown.parts,
        "types": shown.types,
        "secret": shown.secret,
        "switch": _switch(request),
        "action": f"{request.url.path}?lang={language}",
    }
    return _service_context(shown.declaration, language, **{**values, **more})


@router.get("/status/subscriptions/confirm/{token}", response_class=HTMLResponse)
def confirm_form(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    key = signing_key(get_settings())
    return _answer(
        request,
        session,
        lambda: signup.to_confirm(session, token, key=key, now=now_utc()),
        "public_confirm.html",
    )


@router.post("/status/subscriptions/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    key = signing_key(get_settings())
    return _answer(
        request,
        session,
        lambda: signup.confirm(session, token, key=key, now=now_utc()),
        "public_confirmed.html",
    )


@router.get("/status/subscriptions/manage/{secret}", response_class=HTMLResponse)
def manage_form(request: Request, secret: str, session: SessionDep) -> HTMLResponse:
    return _answer(
        request, session, lambda: signup.to_manage(session, secret), "public_manage.html"
    )


@router.post("/status/subscriptions/manage/{secret}", response_class=HTMLResponse)
def manage(
    request: Request,
    secret: str,
    session: SessionDep,
    parts: FormValues = [],  # noqa: B006
    types: FormValues = [],  # noqa: B006
) -> HTMLResponse:
    """Save other choices; refused, the form again as it was sent, nothing changed."""
    try:
        row = signup.to_manage(session, secret)
    except Refusal as refusal:
        return _link_problem(request, refusal, _language(request))
    language = _language(request, row.language)
    try:
        refusable(
            session, lambda: signup.change_choices(session, secret, parts, types, now=now_utc())
        )
    except FormInvalid as refused:
        shown = _shown(session, row)
        context = _subscription_context(
            request,
            shown,
            language,
            parts=list(parts),
            types=list(types),
            problems=_problems(request, refused, language),
        )
        return _page(request, "public_manage.html", language, context, 422)
    return _page(
        request,
        "public_manage.html",
        language,
        _subscription_context(request, _shown(session, row), language, saved=True),
    )


# Unsubscribing


@router.get("/status/unsubscribe/{secret}", response_class=HTMLResponse)
def unsubscribe_form(request: Request, secret: str, session: SessionDep) -> HTMLResponse:
    """Opening the link changes nothing: the page asks."""
    return _answer(
        request, session, lambda: signup.to_manage(session, secret), "public_unsubscribe.html"
    )


@router.post("/status/unsubscribe/{secret}", response_class=HTMLResponse)
def unsubscribe(request: Request, secret: str, session: SessionDep) -> HTMLResponse:
    """The button, or a mail program's one-click POST: the address is deleted."""
    try:
        shown = _shown(session, signup.leave(session, secret))
    except Refusal as refusal:
        return _link_problem(request, refusal, _language(request))
    language = _language(request, shown.language)
    context = _service_context(shown.declaration, language, email=shown.email)
    return _page(request, "public_unsubscribed.html", language, context)
