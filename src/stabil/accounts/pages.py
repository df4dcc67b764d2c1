"""The signed-in user's own account: changing one's password.

The current password is checked like a sign-in (in a thread, outside any transaction, counted
by the same failure limits), the new one is hashed outside too, and one short unit of work
stores it and ends the user's other browser sessions.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from stabil.accounts.browser_sessions import change_password
from stabil.accounts.passwords import hash_password
from stabil.accounts.roles import Role
from stabil.accounts.validation import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    AccountInvalid,
    check_password,
)
from stabil.errors import Invalid
from stabil.web.deps import UnitsDep
from stabil.web.login import client_address, password_verdict, sign_in_limits
from stabil.web.pages import (
    SESSION_COOKIE,
    Problem,
    SignedIn,
    SignedInPage,
    page,
    problem_of,
    require_form_roles,
)
from stabil.web.signin_limits import Attempt

router = APIRouter(prefix="/account", include_in_schema=False)
Secret = Annotated[str, Form(max_length=PASSWORD_MAX)]
PasswordForm = Annotated[SignedIn, Depends(require_form_roles(*Role))]


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request, who: SignedInPage) -> HTMLResponse:
    return page(request, "accounts/password.html", who, {"problem": None, "changed": False})


@router.post("/password", response_class=HTMLResponse)
async def change_own_password(
    request: Request,
    who: PasswordForm,
    units: UnitsDep,
    current: Secret = "",
    new: Secret = "",
    repeated: Secret = "",
) -> Response:
    problem = _new_password_problem(request, new, repeated)
    if problem is not None:
        return _answer(request, who, problem)
    attempt = sign_in_limits(request).attempt(who.user.email, client_address(request))
    if not isinstance(attempt, Attempt):
        refusal = Invalid("current", "Too many wrong passwords; wait a few minutes.")
        return _answer(request, who, problem_of(request, refusal))
    verdict = await password_verdict(request, units, who.user.email, current)
    if verdict is None:
        refusal = Invalid("current", "The password is not right.")
        return _answer(request, who, problem_of(request, refusal))
    attempt.succeeded()
    new_hash = await anyio.to_thread.run_sync(hash_password, new)
    token = request.cookies.get(SESSION_COOKIE, "")
    changed = await units.run(
        lambda session: change_password(session, verdict, new_hash, token), writes=True
    )
    if not changed:
        problem = problem_of(request, Invalid("current", "The password was changed meanwhile."))
        return _answer(request, who, problem)
    return page(request, "accounts/password.html", who, {"problem": None, "changed": True})


def _new_password_problem(request: Request, new: str, repeated: str) -> Problem | None:
    try:
        check_password(new)
    except AccountInvalid:
        refusal = Invalid(
            "new", "Use {low} to {high} characters.", low=PASSWORD_MIN, high=PASSWORD_MAX
        )
        return problem_of(request, refusal)
    if new != repeated:
        return problem_of(request, Invalid("repeated", "The two new passwords differ."))
    return None


def _answer(request: Request, who: SignedIn, problem: Problem) -> HTMLResponse:
    context = {"problem": problem, "changed": False}
    return page(request, "accounts/password.html", who, context, status_code=422)
