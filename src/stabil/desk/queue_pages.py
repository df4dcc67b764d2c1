"""The desk's queue as a page: open incidents, what is due first at the top, live.

Filters are plain query parameters, so a filtered queue is a link one can keep or share. The
rows refresh in place (htmx polls the rows' fragment); the filter form and the scroll stay.
A value that is no filter's (a priority of "x", say) filters nothing rather than failing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from stabil.accounts.roles import REPORT, SEE_ALL
from stabil.accounts.service import list_organisations
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.db.types import now_utc
from stabil.desk.queue import OPEN, QueueFilter, open_queue
from stabil.desk.states import State
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language, gettext_for
from stabil.web.pages import SignedInPage, is_fragment, page
from stabil.web.paging import PageNumber, Paging
from stabil.web.templating import render

router = APIRouter(prefix="/desk", include_in_schema=False)
Param = Annotated[str | None, Query()]
REFRESH_SECONDS = 20


def _filter(
    service: str | None,
    state: str | None,
    priority: str | None,
    party: str | None,
    breached: str | None,
    text: str | None,
) -> QueueFilter:
    return QueueFilter(
        service=(service or None) and service[:64],
        state=State(state) if state in {s.value for s in OPEN} else None,
        priority=int(priority) if priority and priority.isdigit() and len(priority) == 1 else None,
        party=(party or None) and party[:64],
        breached=breached == "yes",
        text=(text or "").strip()[:200] or None,
    )


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    who: SignedInPage,
    session: SessionDep,
    service: Param = None,
    state: Param = None,
    priority: Param = None,
    party: Param = None,
    breached: Param = None,
    text: Param = None,
    number: PageNumber = "1",
) -> HTMLResponse:
    """Open incidents the user may see, what is due first at the top."""
    filters = _filter(service, state, priority, party, breached, text)
    found = open_queue(session, who.user, filters, paging=Paging.of(number), now=now_utc())
    query = {
        name: value
        for name, value in (
            ("service", filters.service),
            ("state", filters.state.value if filters.state else None),
            ("priority", filters.priority),
            ("party", filters.party),
            ("breached", "yes" if filters.breached else None),
            ("text", filters.text),
        )
        if value
    }
    context = {
        "queue": found,
        "filters": filters,
        "query": urlencode(query),
        "page_url": lambda n: "/desk?" + urlencode({**query, "page": n}),
        "refresh_seconds": REFRESH_SECONDS,
        "may_report": who.is_one_of(REPORT),
    }
    if is_fragment(request):
        return render(request, "desk/_queue_rows.html", {**context, "signed_in": who})
    services = list_services(session)
    parties = (
        [o for o in list_organisations(session) if o.kind.value == "supplier"]
        if who.is_one_of(SEE_ALL)
        else []
    )
    context |= {
        "services": [(s.key, _service_name(s, request)) for s in services],
        "priority_options": [(level, f"P{level}") for level in _priorities(session, services)],
        "parties": [(o.key, o.name) for o in parties],
        "state_options": [(s.value, _named(request, s.value)) for s in OPEN],
    }
    return page(request, "desk/queue.html", who, context)


def _service_name(service: Service, request: Request) -> str:
    english = choose_language(request) == "en" and service.name_en
    return service.name_en if english and service.name_en else service.name_da


def _priorities(session: SessionDep, services: list[Service]) -> list[int]:
    """The priority levels of the declarations in force, for the filter."""
    today = now_utc().date()
    levels: set[int] = set()
    for service in services:
        stored = version_in_force(session, service.key, today)
        if stored is not None:
            levels |= {p.level for p in declaration_of(stored).priorities}
    return sorted(levels)


def _named(request: Request, name: str) -> str:
    return gettext_for(request).gettext(name).replace("_", " ")
