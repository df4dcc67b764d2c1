"""The desk's pages of watch: the monitors with their state and last probes, one monitor with
its probes and intervals, the outage log with its sources and evidence, an outage entered by
hand, and the uptime of a month per service period with its budget and the intervals behind
it (R3).

Each page calls the same service functions as the API (stabil.watch.monitors, outages,
availability), which decide who may see what. Times are typed and shown in the local time of
the declaration's zone, never UTC. An ongoing or recent outage opens the message composer
prefilled, for the operator to post (R9.3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from stabil.accounts.roles import SEE_ALL, WORK
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, list_services, version_in_force, version_named
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.errors import Invalid, NotFound, Refusal
from stabil.status.message_pages import may_write
from stabil.watch.availability import month_range, uptime
from stabil.watch.models import Monitor
from stabil.watch.monitors import get_monitor, list_monitors
from stabil.watch.outages import ENTERED, LogFilter, NewOutage, enter_outage, list_intervals
from stabil.watch.recent import last_intervals, last_probes
from stabil.watch.states import MonitorKind, Source, State
from stabil.watch.views import (
    Draft,
    LogRow,
    evidence_items,
    figures_of,
    joined,
    month_text,
    outage_draft,
    outage_seconds,
    part_names,
    reason_text,
    service_name,
)
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language
from stabil.web.pages import Problem as FormProblem
from stabil.web.pages import (
    SignedIn,
    SignedInPage,
    page,
    problem_of,
    refusable,
    require_form_roles,
    require_page_roles,
    see_other,
)
from stabil.web.paging import PageNumber, Paging, list_url, member, typed
from stabil.web.templating import DEFAULT_ZONE
from stabil.windows.local_time import SHOWN, local_instant, readings
from stabil.windows.views import Named, month_name

router = APIRouter(prefix="/desk", include_in_schema=False)
PAGE_SIZE = 25
PROBES_LISTED = 1  # per monitor in the list: the newest; the monitor page has more
PROBES_SHOWN = 20  # on a monitor's page
INTERVALS_SHOWN = 20
PIECES_READ = 400  # stored a day each: a month-long interval is some 30 pieces
ALL_MONITORS = 1_000  # far more than a service has: the log's "going on now" lists them all
RECENT = dt.timedelta(hours=24)  # an outage ended this recently may still be told of
WatchPage = Annotated[SignedIn, Depends(require_page_roles(*SEE_ALL))]
WorkPage = Annotated[SignedIn, Depends(require_page_roles(*WORK))]
WorkForm = Annotated[SignedIn, Depends(require_form_roles(*WORK))]
FormText = Annotated[str, Form()]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The services and, for each, the declaration in force: names, parts and zones."""

    services: list[Service]
    declarations: dict[int, Declaration]

    @classmethod
    def of(cls, session: Session) -> Catalogue:
        services = list_services(session)
        today = now_utc().date()
        found = {}
        for service in services:
            stored = version_in_force(session, service.key, today)
            if stored is not None:
                found[service.id] = declaration_of(stored)
        return cls(services, found)

    def named(self, key: str) -> Service | None:
        return next((item for item in self.services if item.key == key), None)

    def first(self) -> Service | None:
        return self.services[0] if self.services else None

    def parts(self, service_id: int) -> dict[str, Named]:
        declaration = self.declarations.get(service_id)
        return part_names(declaration) if declaration else {}

    def zone(self, service_id: int) -> str:
        declaration = self.declarations.get(service_id)
        return declaration.time.timezone if declaration else DEFAULT_ZONE

    def context(self) -> dict[str, Any]:
        return {
            "services": self.services,
            "service_names": {item.id: _service_named(item) for item in self.services},
            "part_names": {item.id: self.parts(item.id) for item in self.services},
        }


def _service_named(service: Service) -> Named:
    return Named(service.name_da, service.name_en)


# Monitors


@router.get("/monitors", response_class=HTMLResponse)
def monitors(
    request: Request,
    who: WatchPage,
    session: SessionDep,
    service: str = "",
    removed: str = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    """Every monitor with its state since when, what it watches and its last probes."""
    chosen, shown_removed = typed(service, 64), removed == "yes"
    paging = Paging.of(number, size=PAGE_SIZE)
    items, total = list_monitors(
        session,
        who.user,
        chosen or None,
        removed=shown_removed,
        limit=paging.size,
        offset=paging.offset,
    )
    catalogue = Catalogue.of(session)
    filters = {"service": chosen, "removed": "yes" if shown_removed else ""}
    context = {
        **catalogue.context(),
        "monitors": items,
        "probes": last_probes(session, [item.id for item in items], PROBES_LISTED),
        "total": total,
        "page_number": paging.number,
        "pages": paging.pages(total),
        "url": lambda page_number: list_url(f"{router.prefix}/monitors", filters, page_number),
        "chosen": chosen,
        "removed": shown_removed,
        "zone_of": catalogue.zone,
        "drafts": _monitor_drafts(catalogue, items) if may_write(who.user) else {},
        "may_work": who.is_one_of(WORK),
    }
    return page(request, "watch/monitors.html", who, context)


@router.get("/monitors/{key}", response_class=HTMLResponse)
def monitor(request: Request, key: str, who: WatchPage, session: SessionDep) -> HTMLResponse:
    """One monitor: its state and evidence, how it is set up, its last probes and intervals."""
    try:
        found = get_monitor(session, who.user, key)
    except NotFound as refusal:
        return _missing(request, who, refusal)
    catalogue = Catalogue.of(session)
    context = {
        **catalogue.context(),
        "m": found,
        "zone": catalogue.zone(found.service_id),
        "probes": last_probes(session, [found.id], PROBES_SHOWN)[found.id],
        "intervals": _recent(session, found),
        "evidence": evidence_items(found.state_evidence, catalogue.zone(found.service_id)),
        "evidence_items": evidence_items,
        "reason_text": reason_text,
        "draft": _monitor_drafts(catalogue, [found]).get(found.id) if may_write(who.user) else None,
        "probed": found.kind in (MonitorKind.http, MonitorKind.tcp),
    }
    return page(request, "watch/monitor.html", who, context)


def _recent(session: Session, found: Monitor) -> list[LogRow]:
    """The monitor's last intervals, whole: enough pieces are read to join a long one again,
    and the oldest, which may have lost its earlier pieces, is left out when some were."""
    pieces = last_intervals(session, found.id, PIECES_READ)
    rows = joined(pieces)
    if len(pieces) == PIECES_READ:
        rows = rows[:-1]
    return rows[:INTERVALS_SHOWN]


def _monitor_drafts(catalogue: Catalogue, items: list[Monitor]) -> dict[int, Draft]:
    """A message to tell of each monitor that sees an outage now."""
    drafts = {}
    for item in items:
        declaration = catalogue.declarations.get(item.service_id)
        if declaration is None or item.removed_at is not None:
            continue
        state = State(item.state)
        if state in ENTERED:
            incident = item.incident.key if item.incident_id and item.incident else None
            drafts[item.id] = outage_draft(
                declaration, item.part, state, item.state_since, incident
            )
    return drafts


def _missing(request: Request, who: SignedIn, refusal: NotFound) -> HTMLResponse:
    context = {"problem": problem_of(request, refusal), "zone": DEFAULT_ZONE}
    return page(request, "watch/missing.html", who, context, status_code=404)


# The outage log


@dataclass(frozen=True, slots=True)
class LogQuery:
    """The log's filters as the URL has them; a value that names nothing filters nothing."""

    service: str = ""
    part: str = ""
    source: Source | None = None
    month: str = ""

    def url(self, number: int = 1) -> str:
        values = {
            "service": self.service,
            "part": self.part,
            "source": self.source.value if self.source else "",
            "month": self.month,
        }
        return list_url(f"{router.prefix}/outages", values, number)


@router.get("/outages", response_class=HTMLResponse)
def outages(
    request: Request,
    who: WatchPage,
    session: SessionDep,
    service: str = "",
    part: str = "",
    source: str = "",
    month: str = "",
    done: str = "",
    number: PageNumber = "1",
) -> HTMLResponse:
    """The down and degraded intervals, newest first, with where each came from; above them
    the outages going on now."""
    catalogue = Catalogue.of(session)
    query = LogQuery(typed(service, 64), typed(part, 64), member(Source, source), "")
    start, end, shown_month = _month_filter(catalogue, query.service, typed(month, 7))
    query = LogQuery(query.service, query.part, query.source, shown_month)
    paging = Paging.of(number, size=PAGE_SIZE)
    filters = LogFilter(
        service=query.service or None,
        part=query.part or None,
        source=query.source,
        start=start,
        end=end,
    )
    rows, total = list_intervals(
        session, who.user, filters, limit=paging.size, offset=paging.offset
    )
    ongoing, _ = list_monitors(session, who.user, query.service or None, limit=ALL_MONITORS)
    now = now_utc()
    writer = may_write(who.user)
    shown = joined(rows)
    context = {
        **catalogue.context(),
        "rows": shown,
        "ongoing": [item for item in ongoing if State(item.state) in ENTERED],
        "drafts": _monitor_drafts(catalogue, ongoing) if writer else {},
        "row_drafts": _row_drafts(catalogue, shown, now) if writer else {},
        "total": total,
        "page_number": paging.number,
        "pages": paging.pages(total),
        "query": query,
        "sources": list(Source),
        "all_parts": _all_parts(catalogue),
        "zone_of": catalogue.zone,
        "evidence_items": evidence_items,
        "may_work": who.is_one_of(WORK),
        "done": done == "entered",
    }
    return page(request, "watch/outages.html", who, context)


def _month_filter(
    catalogue: Catalogue, service: str, month: str
) -> tuple[dt.datetime | None, dt.datetime | None, str]:
    """The month's range in the zone of the service (or the first one); none for a month
    that names none."""
    chosen = catalogue.named(service) or catalogue.first()
    declaration = catalogue.declarations.get(chosen.id) if chosen else None
    if not month or declaration is None:
        return None, None, ""
    try:
        start, end = month_range(declaration, month)
    except Invalid:
        return None, None, ""
    return start, end, month


def _all_parts(catalogue: Catalogue) -> list[tuple[str, Named]]:
    """Every part of every service, once, with its name."""
    seen: dict[str, Named] = {}
    for service in catalogue.services:
        for key, name in catalogue.parts(service.id).items():
            seen.setdefault(key, name)
    return list(seen.items())


def _row_drafts(catalogue: Catalogue, rows: list[LogRow], now: dt.datetime) -> dict[int, Draft]:
    """A message to tell of each outage of the page that ended within the last day."""
    drafts = {}
    for index, row in enumerate(rows):
        declaration = catalogue.declarations.get(row.service_id)
        if declaration is not None and now - row.end <= RECENT:
            drafts[index] = outage_draft(declaration, row.part, State(row.state), row.start)
    return drafts


# An outage entered by hand


@dataclass
class OutageForm:
    """The entry form's fields as it sends them: text, read in the declaration's zone."""

    service: FormText = ""
    part: FormText = ""
    start: FormText = ""
    start_offset: FormText = ""  # which of two instants, when the clocks show the time twice
    end: FormText = ""
    end_offset: FormText = ""
    state: FormText = State.down.value
    reason: FormText = ""


OutageFields = Annotated[OutageForm, Depends()]


@router.get("/outages/new", response_class=HTMLResponse)
def new_outage(
    request: Request, who: WorkPage, session: SessionDep, service: str = ""
) -> HTMLResponse:
    catalogue = Catalogue.of(session)
    chosen = catalogue.named(typed(service, 64))
    first = chosen or catalogue.first()
    form = OutageForm(service=first.key if first else "")
    return _outage_form(request, who, catalogue, form, None)


@router.post("/outages", response_class=HTMLResponse, response_model=None)
def enter(request: Request, who: WorkForm, session: SessionDep, form: OutageFields) -> Response:
    """Log the outage; refused, the form again as it was sent, with why at its field, and
    nothing written."""
    try:
        refusable(session, lambda: enter_outage(session, who.user, _new_outage(session, form)))
    except Refusal as refusal:
        catalogue = Catalogue.of(session)
        return _outage_form(request, who, catalogue, form, problem_of(request, refusal))
    shown = list_url(f"{router.prefix}/outages", {"service": form.service, "done": "entered"})
    return see_other(request, shown)


def _new_outage(session: Session, form: OutageForm) -> NewOutage:
    now = now_utc()
    stored = version_named(session, form.service.strip(), now.date())
    zone = declaration_of(stored).time.zone
    start = local_instant("start", form.start, zone, form.start_offset)
    end = local_instant("end", form.end, zone, form.end_offset)
    if end > now:
        # Said here in local time; the service says the same in UTC, as the API speaks.
        raise Invalid(
            "end",
            "cannot be in the future (it is {now} now)",
            now=now.astimezone(zone).strftime(SHOWN),
        )
    state = member(State, form.state)
    if state not in ENTERED:
        raise Invalid("state", "choose down or degraded: an outage is the time it was not up")
    assert state is not None
    return NewOutage(
        service=stored.service.key,
        start=start,
        end=end,
        state=state,
        reason=form.reason,
        part=form.part.strip() or None,
    )


def _outage_form(
    request: Request,
    who: SignedIn,
    catalogue: Catalogue,
    form: OutageForm,
    problem: FormProblem | None,
) -> HTMLResponse:
    chosen = catalogue.named(form.service)
    zone = catalogue.zone(chosen.id) if chosen else DEFAULT_ZONE
    context = {
        **catalogue.context(),
        "form": form,
        "problem": problem,
        "zone": zone,
        "all_parts": _all_parts(catalogue),
        "choices": {
            "start": readings(form.start, ZoneInfo(zone)),
            "end": readings(form.end, ZoneInfo(zone)),
        },
        "states": ENTERED,
    }
    status = problem.status_code if problem else 200
    return page(request, "watch/outage_new.html", who, context, status_code=status)


# Uptime


@router.get("/uptime", response_class=HTMLResponse)
def uptime_page(
    request: Request, who: SignedInPage, session: SessionDep, service: str = "", month: str = ""
) -> HTMLResponse:
    """A service's uptime in a local calendar month, per service period, against its target,
    with the downtime budget and the outages and excused windows behind the figures (R3)."""
    catalogue = Catalogue.of(session)
    chosen = catalogue.named(typed(service, 64)) if service else catalogue.first()
    if chosen is None or chosen.id not in catalogue.declarations:
        refusal = NotFound("no service is named {key!r}", key=typed(service, 64))
        return _missing(request, who, refusal)
    declaration = catalogue.declarations[chosen.id]
    now = now_utc()
    shown = typed(month, 7) or now.astimezone(declaration.time.zone).strftime("%Y-%m")
    problem = None
    try:
        start, end = month_range(declaration, shown)
    except Invalid as refusal:
        problem = problem_of(request, refusal)
        shown = now.astimezone(declaration.time.zone).strftime("%Y-%m")
        start, end = month_range(declaration, shown)
    found = uptime(session, chosen.key, start, end, now)
    language = choose_language(request)
    sees_monitors = who.is_one_of(SEE_ALL)
    context = {
        **catalogue.context(),
        "service": chosen,
        "declaration_name": service_name(declaration),
        "version": found.declaration_version,
        "month": shown,
        "start": start,
        "end": end,
        "month_title": month_name(start.astimezone(declaration.time.zone).date(), language),
        "before": month_text(start.astimezone(declaration.time.zone), -1),
        "after": month_text(start.astimezone(declaration.time.zone), 1),
        "future": start > now,
        "running": start <= now < end,
        "figures": figures_of(declaration, found),
        "outages": found.outages,
        "outage_seconds": lambda outage: outage_seconds(outage, now),
        "excused": found.excused,
        "parts_named": part_names(declaration),
        "zone": declaration.time.timezone,
        "sees_monitors": sees_monitors,
        "evidence_items": evidence_items,
        "problem": problem,
    }
    return page(request, "watch/uptime.html", who, context)
