"""HTML pages of the service catalogue."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.declaration.summary import describe_week, target_rows
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language
from stabil.web.pages import MaybeSignedIn, landing, page

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False, response_model=None)
def front(request: Request, session: SessionDep, who: MaybeSignedIn) -> Response:
    """Signed in: where the user's work is. Otherwise the declarations, with a way to sign in."""
    if who is not None:
        return RedirectResponse(landing(who), status_code=303)
    return declarations(request, session, who)


@router.get("/declarations", response_class=HTMLResponse, include_in_schema=False)
def declarations(request: Request, session: SessionDep, who: MaybeSignedIn) -> HTMLResponse:
    """The loaded declarations with their service periods, targets and goals."""
    language = choose_language(request)
    today = dt.datetime.now(dt.UTC).date()
    cards = []
    for service in list_services(session):
        stored = version_in_force(session, service.key, today)
        if stored is None:
            continue
        declaration = declaration_of(stored)
        patterns = declaration.week_patterns
        cards.append(
            {
                "declaration": declaration,
                "stored": stored,
                "periods": [
                    (
                        declaration.time.calendars[name].name
                        if name in declaration.time.calendars
                        else None,
                        name,
                        describe_week(patterns[name], language),
                    )
                    for name in declaration.time.service_periods.periods
                ],
                "rows": target_rows(declaration, language),
            }
        )
    return page(request, "catalog/index.html", who, {"cards": cards})
