"""What every page behind the sign-in shares: who is signed in, CSRF-checked forms, the
layout's navigation, htmx fragments, and refusals shown at the field in the visitor's language.

A domain's `pages.py` declares its routes with these and calls the same service functions as
its API; a page never holds a rule of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from babel.support import Translations
from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from stabil.accounts.browser_sessions import csrf_matches, csrf_token, session_user
from stabil.accounts.models import User
from stabil.accounts.roles import Role
from stabil.db.types import now_utc
from stabil.errors import Names, Phrase, Refusal, TransitionNotAllowed
from stabil.texts import N_
from stabil.web.deps import SessionDep
from stabil.web.i18n import gettext_for, translations
from stabil.web.navigation import landing_for, menu_for
from stabil.web.templating import render

SESSION_COOKIE = "stabil_session"
T = TypeVar("T")
ALL_ROLES = tuple(Role)


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageForbidden(Exception):
    pass


class FormExpired(Exception):
    """The form's CSRF token does not belong to this session: it is old, or forged."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    csrf: str

    @property
    def role(self) -> Role:
        return self.user.role

    def is_one_of(self, roles: frozenset[Role] | tuple[Role, ...]) -> bool:
        return self.user.role in roles


def signed_in_user(request: Request, session: SessionDep) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    user = session_user(session, token, now_utc()) if token else None
    return None if user is None else SignedIn(user=user, csrf=csrf_token(token))


MaybeSignedIn = Annotated[SignedIn | None, Depends(signed_in_user)]


def require_page_roles(*roles: Role) -> Callable[[Request, SignedIn | None], SignedIn]:
    """A dependency of a page: the signed-in user with one of `roles`; else sign in, or 403."""

    def signed_in(request: Request, who: MaybeSignedIn) -> SignedIn:
        return _admitted(request, who, roles)

    return signed_in


def require_form_roles(*roles: Role) -> Callable[[Request, SignedIn | None, str], SignedIn]:
    """Like `require_page_roles`, for a form's POST: its `csrf` field must match the session."""

    def checked(request: Request, who: MaybeSignedIn, csrf: CsrfField = "") -> SignedIn:
        admitted = _admitted(request, who, roles)
        if not csrf_matches(request.cookies.get(SESSION_COOKIE, ""), csrf):
            raise FormExpired()
        return admitted

    return checked


CsrfField = Annotated[str, Form(max_length=200)]


def _admitted(request: Request, who: SignedIn | None, roles: tuple[Role, ...]) -> SignedIn:
    if who is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    if who.user.role not in roles:
        raise PageForbidden()
    return who


SignedInPage = Annotated[SignedIn, Depends(require_page_roles(*ALL_ROLES))]
SignedInForm = Annotated[SignedIn, Depends(require_form_roles(*ALL_ROLES))]


def is_fragment(request: Request) -> bool:
    """An htmx request that swaps part of the page, not a whole page load."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers


def page(
    request: Request,
    template: str,
    who: SignedIn | None,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page in the layout, with the menu of `who`'s role and the path it is on."""
    response = render(
        request,
        template,
        {
            **(context or {}),
            "signed_in": who,
            "menu": menu_for(who.role) if who else (),
            "path": request.url.path,
        },
        status_code=status_code,
    )
    # Pages behind the sign-in show what only this user may see: no shared cache keeps them.
    if who is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def see_other(request: Request, url: str) -> Response:
    """After a form has changed something: go to `url` (htmx follows HX-Location in place)."""
    if is_fragment(request):
        return Response(status_code=204, headers={"HX-Location": url})
    return RedirectResponse(url, status_code=303)


def refusable(session: Session, work: Callable[[], T]) -> T:
    """Run a form's change in a savepoint: refused half-way, it leaves nothing behind. The
    request still commits, as it answers the refusal with a page, not with an error."""
    with session.begin_nested():
        return work()


def answer_form(
    request: Request,
    session: Session,
    work: Callable[[], object],
    *,
    refused: Callable[[Problem], Response],
    in_place: Callable[[], Response],
    done_url: Callable[[], str],
) -> Response:
    """How a form on a record's page answers. `work` runs `refusable`; refused by the schema
    or by the service, the form shows again (`refused`) with why at its field, in the reader's
    language. Done, htmx gets the changed part in place, a plain form a 303 to `done_url()`."""
    try:
        refusable(session, work)
    except ValidationError as error:
        return refused(validation_problem(request, error))
    except Refusal as refusal:
        return refused(problem_of(request, refusal))
    return in_place() if is_fragment(request) else see_other(request, done_url())


@dataclass(frozen=True, slots=True)
class Act:
    """One form of a record's page: its name, what the page says when it is done, what it sent."""

    form: str
    done: str
    values: Mapping[str, str]


R = TypeVar("R")


def answer_act(
    request: Request,
    session: Session,
    record: R,
    act: Act,
    work: Callable[[R], None],
    *,
    show: Callable[..., HTMLResponse],
    url: str,
) -> Response:
    """`answer_form` for one form of `record`'s page, whose part `show(record, done=…,
    failed=…)` renders: refused, the form again as it was sent; done, the part in place or a
    303 to `url`, saying what was done."""
    return answer_form(
        request,
        session,
        lambda: work(record),
        refused=lambda why: show(record, failed=FailedForm(act.form, why, act.values)),
        in_place=lambda: show(record, done=act.done),
        done_url=lambda: f"{url}?done={act.done}",
    )


@dataclass(frozen=True, slots=True)
class FailedForm:
    """The form of a record's page that was refused, why, and what it sent, to show it again
    as it was sent."""

    form: str
    problem: Problem
    values: Mapping[str, str]


def record_page(
    request: Request,
    who: SignedIn,
    context: Mapping[str, Any],
    *,
    part: str,
    whole: str,
    done: str | None = None,
    failed: FailedForm | None = None,
) -> HTMLResponse:
    """A record's page (`whole`), or for htmx only its `part`, which its forms answer into;
    with what a form did (`done`) or why it was refused (`failed`, and its status)."""
    template = part if is_fragment(request) else whole
    status = failed.problem.status_code if failed else 200
    values = {**context, "done": done, "failed": failed}
    return page(request, template, who, values, status_code=status)


def landing(who: SignedIn) -> str:
    return landing_for(who.role)


@dataclass(frozen=True, slots=True)
class Problem:
    """A refusal as a form shows it: at `field` (None: for the whole form), in the reader's
    language, with what may be done instead where the refusal says."""

    field: str | None
    text: str
    status_code: int
    allowed: tuple[str, ...] = ()


def problem_of(request: Request, refusal: Refusal, language: str | None = None) -> Problem:
    """The refusal in `language` (by default the visitor's): its template through the
    catalogue, then its values, each value that names a state, action or role translated too."""
    catalogue = translations(language) if language else gettext_for(request)
    text = _translated(catalogue, refusal.template, refusal.params)
    allowed: tuple[str, ...] = ()
    if isinstance(refusal, TransitionNotAllowed):
        allowed = tuple(refusal.allowed_transitions)
    return Problem(
        field=getattr(refusal, "field", None),
        text=text,
        status_code=refusal.status_code,
        allowed=allowed,
    )


def _translated(catalogue: Translations, template: str, params: Mapping[str, object]) -> str:
    translated = catalogue.gettext(template)
    if not params:
        return translated
    return translated.format(**{name: _value(catalogue, value) for name, value in params.items()})


def _value(catalogue: Translations, value: object) -> object:
    """A refusal's value as the page shows it: a name (of a state, action, role or field)
    and each of several names translated, a phrase translated with its own values."""
    if isinstance(value, str):
        return _name(catalogue, value)
    if isinstance(value, Names):
        return Names(_name(catalogue, name) for name in value)
    if isinstance(value, Phrase):
        return _translated(catalogue, value.template, value.params)
    return value


def _name(catalogue: Translations, text: str) -> str:
    # gettext("") is the catalogue's header, never a value's translation.
    return catalogue.gettext(text) if text else text


# Pydantic's error types as a form says them, by the constraint's own values.
VALIDATION_TEXTS = {
    "missing": N_("Fill this in."),
    "string_too_short": N_("Fill this in."),
    "string_too_long": N_("Use at most {max_length} characters."),
    "less_than_equal": N_("Give at most {le}."),
    "greater_than_equal": N_("Give at least {ge}."),
    "float_parsing": N_("Give a number, e.g. 40."),
    "float_type": N_("Give a number, e.g. 40."),
    "int_type": N_("Give a whole number."),
    "int_parsing": N_("Give a whole number."),
    "datetime_parsing": N_("Give a date and time."),
    "datetime_from_date_parsing": N_("Give a date and time."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
}


def validation_problem(request: Request, error: ValidationError) -> Problem:
    """The first thing wrong with a form's values, at its field, in the visitor's language."""
    first = error.errors()[0]
    # The field's name, not the index of a list's item within it (`incidents`, not `0`).
    field = next((part for part in reversed(first["loc"]) if isinstance(part, str)), None)
    template = VALIDATION_TEXTS.get(first["type"])
    if template is None:
        return Problem(field=field, text=first["msg"], status_code=422)
    text = gettext_for(request).gettext(template).format(**(first.get("ctx") or {}))
    return Problem(field=field, text=text, status_code=422)
