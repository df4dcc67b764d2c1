"""Signing in to the HTML pages: a small form, a session cookie, and a guard for each page.

The cookie is HttpOnly (no script reads it) and SameSite=Lax (other sites' forms do not send
it); every form that changes something also carries a token derived from the session, so a
forged request fails even where SameSite does not hold. The sign-in form itself, used before
any session exists, pairs a hidden field with a cookie of the same random value.
"""

from __future__ import annotations

import hmac
import math
import os
import secrets
from typing import Annotated
from urllib.parse import quote, urlsplit

import anyio
from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from stabil.accounts.browser_sessions import (
    SESSION_LIFETIME,
    csrf_matches,
    end_session,
    open_session,
)
from stabil.accounts.signin import Verdict, check_password, find_candidate
from stabil.accounts.validation import AccountInvalid, normalise_email
from stabil.db.types import now_utc
from stabil.errors import Unavailable
from stabil.settings import get_settings
from stabil.web.deps import SessionDep, UnitsDep
from stabil.web.pages import SESSION_COOKIE, FormExpired, LoginRequired, PageForbidden, page
from stabil.web.signin_limits import Attempt, SignInLimits
from stabil.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "stabil_login"
FormText = Annotated[str, Form(max_length=1000)]


def safe_next(target: str) -> str:
    """Only a path on this site: never another host (an open redirect helps phishers)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _form(request, safe_next(next), error=None)


@router.post("/login", response_model=None)
async def login(
    request: Request,
    units: UnitsDep,
    email: FormText = "",
    password: FormText = "",
    csrf: FormText = "",
    next: FormText = "/",
) -> Response:
    """Sign in. Async on purpose: the password check, slow by design, runs in a thread of
    its own between two short units of work, never inside a transaction."""
    target = safe_next(next)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf.encode()):
        return _form(request, target, error="The form expired. Please sign in again.")
    attempt = sign_in_limits(request).attempt(_account(email), client_address(request))
    if not isinstance(attempt, Attempt):
        return _form(request, target, error=TOO_MANY, retry_after=attempt)
    try:
        token = await _sign_in(request, units, email, password)
    except Unavailable as busy:
        attempt.withdraw()
        return _form(request, target, error=BUSY, retry_after=busy.retry_after, status=503)
    if token is None:
        return _form(request, target, error="Wrong email or password.")
    attempt.succeeded()
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


TOO_MANY = "Too many failed sign-ins."
BUSY = "The service is busy."


async def _sign_in(request: Request, units: UnitsDep, email: str, password: str) -> str | None:
    """A new session's token, or None for a wrong email or password."""
    verdict = await password_verdict(request, units, email, password)
    if verdict is None:
        return None
    now = now_utc()
    return await units.run(lambda session: open_session(session, verdict, now), writes=True)


async def password_verdict(
    request: Request, units: UnitsDep, email: str, password: str
) -> Verdict | None:
    """The verdict on `email`'s password, checked in a thread, a few at a time."""
    if not email or not password:
        return None
    candidate = await units.run(lambda session: find_candidate(session, email), writes=False)
    checks = _password_checks(request)
    with anyio.move_on_after(get_settings().queue_timeout_seconds) as waiting:
        await checks.acquire()
    if waiting.cancelled_caught:
        raise Unavailable("too many sign-ins at once; try again in a moment", retry_after=2)
    try:
        return await anyio.to_thread.run_sync(check_password, candidate, password)
    finally:
        checks.release()


def _password_checks(request: Request) -> anyio.CapacityLimiter:
    """Passwords checked at once: each check takes a core and 64 MiB for a fraction of a
    second by design, so a flood of sign-ins must not take every core and the memory too."""
    checks: anyio.CapacityLimiter | None = getattr(request.app.state, "password_checks", None)
    if checks is None:
        cores = os.cpu_count() or 1
        checks = request.app.state.password_checks = anyio.CapacityLimiter(max(1, cores // 2))
    return checks


def sign_in_limits(request: Request) -> SignInLimits:
    limits: SignInLimits | None = getattr(request.app.state, "sign_in_limits", None)
    if limits is None:
        limits = request.app.state.sign_in_limits = SignInLimits()
    return limits


def _account(email: str) -> str:
    """The address as accounts store it, so that letter case does not make a new account."""
    try:
        return normalise_email(email)
    except AccountInvalid:
        return email.strip().lower()


def client_address(request: Request) -> str:
    # Behind a proxy, uvicorn puts the client's address here from X-Forwarded-For, for the
    # proxies it trusts (--forwarded-allow-ips); see docs/operations.md.
    return request.client.host if request.client else "unknown"


@router.post("/logout", response_model=None)
def logout(request: Request, session: SessionDep, csrf: FormText = "") -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token and not csrf_matches(token, csrf):
        return PlainTextResponse("The form expired: reload the page and try again.", 400)
    end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _form(
    request: Request,
    target: str,
    error: str | None,
    retry_after: int | None = None,
    status: int = 429,
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        {
            "next": target,
            "csrf": nonce,
            "error": error,
            "retry_minutes": math.ceil(retry_after / 60) if retry_after else None,
        },
        status_code=status if retry_after else 400 if error else 200,
    )
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    response.set_cookie(
        LOGIN_COOKIE, nonce, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
    return response


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    if request.headers.get("HX-Request") == "true":
        # A part of a page asked (a poll, say) after the sign-in ended: the whole page goes
        # to the form, to come back to the page, not to the part.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = safe_next(current.path + (f"?{current.query}" if current.query else ""))
        return Response(status_code=204, headers={"HX-Redirect": f"/login?next={quote(back)}"})
    return RedirectResponse(f"/login?next={quote(error.next_url)}", status_code=303)


async def _forbidden(request: Request, _error: Exception) -> Response:
    return render(request, "forbidden.html", {}, status_code=403)


async def _form_expired(request: Request, _error: Exception) -> Response:
    return page(request, "form_expired.html", None, status_code=400)


def install_login(app: FastAPI) -> None:
    app.include_router(router)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(PageForbidden, _forbidden)
    app.add_exception_handler(FormExpired, _form_expired)
