"""The reports in the desk: a month or week picker, the figures with the evidence behind each
one click away, and the files to download (HTML, PDF, XLSX, CSV, JSON)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from stabil.catalog.service import list_services, version_in_force
from stabil.db.types import now_utc
from stabil.errors import Invalid, NotFound, Refusal
from stabil.reports.period import Kind
from stabil.reports.render.formats import Format, file_name, parse_format, render
from stabil.reports.render.html import body_context, style_sheet
from stabil.reports.service import READERS, period_asked, report_asked
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language
from stabil.web.pages import SignedIn, page, problem_of, require_page_roles
from stabil.web.paging import typed
from stabil.web.templating import DEFAULT_ZONE

router = APIRouter(prefix="/desk/reports", include_in_schema=False)
Reader = Annotated[SignedIn, Depends(require_page_roles(*READERS))]
DOWNLOADS = (Format.pdf, Format.xlsx, Format.html, Format.csv, Format.json)


@router.get("", response_class=HTMLResponse)
def reports_page(
    request: Request,
    who: Reader,
    session: SessionDep,
    service: str = "",
    kind: str = "month",
    period: str = "",
) -> HTMLResponse:
    """The report of a service's month or week: last month's unless another is asked for."""
    services = [item for item in list_services(session) if _in_force(session, item.key)]
    key = typed(service, 64) or (services[0].key if services else "")
    if key not in {item.key for item in services}:
        missing = NotFound("no service is named {key!r}", key=key)
        context = {"problem": problem_of(request, missing), "zone": DEFAULT_ZONE}
        return page(request, "reports/missing.html", who, context, status_code=404)
    chosen = Kind.week if kind == Kind.week.value else Kind.month
    now = now_utc()
    problem = None
    asked = typed(period, 16) or None
    try:
        found = period_asked(session, key, chosen, asked, now)
    except Invalid as refusal:
        problem = problem_of(request, refusal)
        found = period_asked(session, key, chosen, None, now)
    report = report_asked(session, key, chosen, found.label, now)
    language = choose_language(request)
    context = {
        **body_context(report, language),
        "services": services,
        "service_key": key,
        "kind": chosen.value,
        "period_label": found.label,
        "before": found.previous().label,
        "problem": problem,
        "downloads": [(item.value, file_name(report, item)) for item in DOWNLOADS],
        "zone": report.zone,
    }
    return page(request, "reports/page.html", who, context)


@router.get("/download")
def download(
    request: Request,
    who: Reader,
    session: SessionDep,
    service: str = "",
    kind: str = "month",
    period: str = "",
    format: str = "pdf",
) -> Response:
    """One report as a file; a bad service, period or format is a page that says why."""
    chosen = Kind.week if kind == Kind.week.value else Kind.month
    try:
        form = parse_format(format[:16])
        report = report_asked(
            session, typed(service, 64), chosen, typed(period, 16) or None, now_utc()
        )
    except Refusal as refusal:
        context = {"problem": problem_of(request, refusal), "zone": DEFAULT_ZONE}
        return page(request, "reports/missing.html", who, context, refusal.status_code)
    base = str(request.base_url).rstrip("/")
    body = render(report, form, choose_language(request), link_base=base)
    disposition = "inline" if form is Format.html else "attachment"
    return Response(
        body,
        media_type=form.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{file_name(report, form)}"'},
    )


@router.get("/report.css")
def report_css() -> Response:
    """The reports' own style sheet, for the desk's page as for the saved document."""
    return Response(
        style_sheet(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


def _in_force(session: SessionDep, key: str) -> bool:
    return version_in_force(session, key, now_utc().date()) is not None
