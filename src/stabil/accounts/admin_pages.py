"""The administration's front page, and its pages of users, organisations and API tokens.

Admins only. Each page calls the same service functions as the command line (`stabil user`,
`stabil organisation`, `stabil token`); what those refuse shows at its field. A generated
password and a new token are shown once, on the answer to the form that made them: only
their hashes are stored, and no later page can show them again.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from stabil.accounts.listing import (
    account_counts,
    organisation_page,
    token_page,
    user_by_id,
    user_page,
)
from stabil.accounts.models import ApiToken, OrganisationKind, Role, User
from stabil.accounts.service import (
    add_organisation,
    add_user,
    deactivate_user,
    find_token,
    list_organisations,
    new_password,
    revoke_token,
    token_for,
)
from stabil.accounts.validation import AccountInvalid
from stabil.errors import Invalid, NotFound
from stabil.outbox.mailbox import list_mail, mailbox_path
from stabil.outbox.manage import state_counts
from stabil.settings import get_settings
from stabil.subscriptions.listing import subscription_counts
from stabil.web.admin import AdminForm, AdminPage, FormText, admin_of_form, back_from, done
from stabil.web.deps import SessionDep, UnitsDep
from stabil.web.i18n import gettext_for
from stabil.web.pages import CsrfField, Problem, SignedIn, page, problem_of
from stabil.web.paging import PageNumber, Paging
from stabil.web.params import RowId

router = APIRouter(prefix="/admin", include_in_schema=False)
USERS, ORGANISATIONS, TOKENS = "/admin/users", "/admin/organisations", "/admin/tokens"


def account_problem(request: Request, error: AccountInvalid) -> Problem:
    """The one place an account's refusal becomes a page's: at its field, in the reader's
    language, like a refusal of stabil.errors."""
    # The template is a constant where it is raised, and is found for the catalogue there.
    return problem_of(request, Invalid(error.field, message=error.template, **error.params))


def translated(request: Request, names: Iterable[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) options of a select, each label in the reader's language."""
    catalogue = gettext_for(request)
    return [(name.value, catalogue.gettext(name.value)) for name in names]


@router.get("", response_class=HTMLResponse)
def index(request: Request, who: AdminPage, session: SessionDep) -> HTMLResponse:
    _mails, mail_total = list_mail(mailbox_path(get_settings().var_dir), limit=0)
    context = {
        "accounts": account_counts(session),
        "subscriptions": subscription_counts(session),
        "outbox": state_counts(session),
        "mail_total": mail_total,
    }
    return page(request, "accounts/admin.html", who, context)


# Users


def _users(
    request: Request,
    who: SignedIn,
    session: Session,
    paging: Paging,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    users, total = user_page(session, limit=paging.size, offset=paging.offset)
    context = {
        "users": users,
        "total": total,
        "paging": paging,
        "pages": paging.pages(total),
        "back": _list_url(USERS, paging),
        "roles": translated(request, Role),
        "organisations": [(o.key, f"{o.name} ({o.key})") for o in list_organisations(session)],
        "problem": None,
        "entered": {},
        **shown,
    }
    return page(request, "accounts/admin_users.html", who, context, status_code)


def _list_url(section: str, paging: Paging, **query: str) -> str:
    parts = [f"{name}={value}" for name, value in query.items() if value]
    if paging.number > 1:
        parts.append(f"page={paging.number}")
    return section + ("?" + "&".join(parts) if parts else "")


@router.get("/users", response_class=HTMLResponse)
def users(
    request: Request, who: AdminPage, session: SessionDep, number: PageNumber = "1"
) -> HTMLResponse:
    return _users(request, who, session, Paging.of(number))


@router.post("/users", response_class=HTMLResponse)
async def user_add(
    request: Request,
    units: UnitsDep,
    csrf: CsrfField = "",
    email: FormText = "",
    name: FormText = "",
    role: FormText = "",
    organisation: FormText = "",
) -> HTMLResponse:
    """Add a user with a generated password, shown on this answer only. Async, so that the
    password is hashed (slow by design) before the one short transaction that stores it."""
    who = await admin_of_form(request, units, csrf)
    password = await anyio.to_thread.run_sync(new_password)

    def store(session: Session) -> tuple[User, str | None]:
        return add_user(session, email, role, organisation or None, name or None, password)

    entered = {"email": email, "name": name, "role": role, "organisation": organisation}
    try:
        user, generated = await units.run(store, writes=True)
    except AccountInvalid as error:
        problem = account_problem(request, error)
        return await _users_in_unit(
            request, units, who, problem.status_code, problem=problem, entered=entered
        )
    return await _users_in_unit(request, units, who, added=user, password=generated)


async def _users_in_unit(
    request: Request, units: UnitsDep, who: SignedIn, status_code: int = 200, **shown: Any
) -> HTMLResponse:
    def render(session: Session) -> HTMLResponse:
        return _users(request, who, session, Paging(), status_code, **shown)

    return await units.run(render, writes=False)


@router.post("/users/{user_id}/deactivate", response_class=HTMLResponse)
def user_deactivate(
    request: Request, user_id: RowId, who: AdminForm, session: SessionDep, back: FormText = ""
) -> Response:
    """Stop a user signing in; the user's tokens and browser sessions stop working too."""
    user = user_by_id(session, user_id)
    if user is None:
        problem = problem_of(request, NotFound("no user has id {id}", id=user_id))
        return _users(request, who, session, Paging(), problem.status_code, problem=problem)
    deactivate_user(session, user)
    return done(request, back_from(back, USERS))


# Organisations


def _organisations(
    request: Request,
    who: SignedIn,
    session: Session,
    paging: Paging,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    organisations, total = organisation_page(session, limit=paging.size, offset=paging.offset)
    context = {
        "organisations": organisations,
        "total": total,
        "paging": paging,
        "pages": paging.pages(total),
        "back": _list_url(ORGANISATIONS, paging),
        "kinds": translated(request, OrganisationKind),
        "problem": None,
        "entered": {},
        **shown,
    }
    return page(request, "accounts/admin_organisations.html", who, context, status_code)


@router.get("/organisations", response_class=HTMLResponse)
def organisations(
    request: Request, who: AdminPage, session: SessionDep, number: PageNumber = "1"
) -> HTMLResponse:
    return _organisations(request, who, session, Paging.of(number))


@router.post("/organisations", response_class=HTMLResponse)
def organisation_add(
    request: Request,
    who: AdminForm,
    session: SessionDep,
    key: FormText = "",
    name: FormText = "",
    kind: FormText = "",
) -> Response:
    try:
        add_organisation(session, key.strip(), name, kind)
    except AccountInvalid as error:
        problem = account_problem(request, error)
        entered = {"key": key, "name": name, "kind": kind}
        return _organisations(
            request, who, session, Paging(), problem.status_code, problem=problem, entered=entered
        )
    return done(request, ORGANISATIONS)


# API tokens


def _tokens(
    request: Request,
    who: SignedIn,
    session: Session,
    paging: Paging,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    tokens, total = token_page(session, limit=paging.size, offset=paging.offset)
    context = {
        "tokens": tokens,
        "total": total,
        "paging": paging,
        "pages": paging.pages(total),
        "back": _list_url(TOKENS, paging),
        "problem": None,
        "entered": {"name": "api"},
        **shown,
    }
    return page(request, "accounts/admin_tokens.html", who, context, status_code)


@router.get("/tokens", response_class=HTMLResponse)
def tokens(
    request: Request, who: AdminPage, session: SessionDep, number: PageNumber = "1"
) -> HTMLResponse:
    return _tokens(request, who, session, Paging.of(number))


@router.post("/tokens", response_class=HTMLResponse)
def token_create(
    request: Request, who: AdminForm, session: SessionDep, email: FormText = "", name: FormText = ""
) -> HTMLResponse:
    """A new token for a user; the token itself is on this answer only."""
    try:
        token, plaintext = token_for(session, email, name)
    except AccountInvalid as error:
        problem = account_problem(request, error)
        entered = {"email": email, "name": name}
        return _tokens(
            request, who, session, Paging(), problem.status_code, problem=problem, entered=entered
        )
    return _tokens(request, who, session, Paging(), created=token, plaintext=plaintext)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def token_revoke(
    request: Request, token_id: RowId, who: AdminForm, session: SessionDep, back: FormText = ""
) -> Response:
    token: ApiToken | None = find_token(session, token_id)
    if token is None:
        problem = problem_of(request, NotFound("no API token has id {id}", id=token_id))
        return _tokens(request, who, session, Paging(), problem.status_code, problem=problem)
    revoke_token(session, token)
    return done(request, back_from(back, TOKENS))
