"""The reports over HTTP: `GET /api/v1/services/{key}/reports/monthly?month=YYYY-MM` and
`.../weekly?week=YYYY-Www`, JSON by default, any other format by `format=` or `Accept`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from stabil.accounts.auth import require_roles
from stabil.accounts.models import User
from stabil.catalog.service import version_asked
from stabil.db.types import now_utc
from stabil.reports.model import Report
from stabil.reports.period import Kind
from stabil.reports.render.formats import Format, file_name, format_of_media_type, render
from stabil.reports.service import READERS, report_asked
from stabil.web.deps import SessionDep
from stabil.web.i18n import choose_language

router = APIRouter(tags=["reports"])
Reader = Annotated[User, Depends(require_roles(*sorted(READERS)))]
ServiceKey = Annotated[str, Path(max_length=64)]
FormatParam = Annotated[
    Format | None,
    Query(
        alias="format",
        description="json, html, pdf, xlsx or csv; wins over `Accept`. Default: JSON.",
    ),
]
AcceptHeader = Annotated[str | None, Header(alias="accept", include_in_schema=False)]
OTHER_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report, in the format asked for.",
        "content": {
            media: {}
            for media in (
                Format.html.media_type,
                Format.pdf.media_type,
                Format.xlsx.media_type,
                Format.csv.media_type,
            )
        },
    }
}


@router.get(
    "/services/{key}/reports/monthly",
    summary="The compliance report of a local calendar month",
    response_model=Report,
    responses=OTHER_FORMATS,
)
def monthly_report(
    key: ServiceKey,
    request: Request,
    user: Reader,
    session: SessionDep,
    month: Annotated[
        str | None, Query(max_length=16, description="YYYY-MM; default: last month.")
    ] = None,
    form: FormatParam = None,
    accept: AcceptHeader = None,
) -> Response:
    """Every KPI of the declaration in force in the month, each with the records behind it
    (docs/reports.md), as known now."""
    return _answer(request, session, key, Kind.month, month, form, accept)


@router.get(
    "/services/{key}/reports/weekly",
    summary="The compliance report of an ISO week",
    response_model=Report,
    responses=OTHER_FORMATS,
)
def weekly_report(
    key: ServiceKey,
    request: Request,
    user: Reader,
    session: SessionDep,
    week: Annotated[
        str | None, Query(max_length=16, description="YYYY-Www; default: last week.")
    ] = None,
    form: FormatParam = None,
    accept: AcceptHeader = None,
) -> Response:
    """The week's incidents, breaches and messages against the declaration's goals."""
    return _answer(request, session, key, Kind.week, week, form, accept)


def _answer(
    request: Request,
    session: SessionDep,
    key: str,
    kind: Kind,
    text: str | None,
    form: Format | None,
    accept: str | None,
) -> Response:
    now = now_utc()
    version_asked(session, key, None, now.date())  # 404 for a service that is not there
    report = report_asked(session, key, kind, text, now)
    chosen = form or format_of_media_type(accept or "") or Format.json
    if chosen is Format.json:
        return JSONResponse(report.contract())
    body = render(
        report, chosen, choose_language(request), link_base=str(request.base_url).rstrip("/")
    )
    disposition = "inline" if chosen is Format.html else "attachment"
    return Response(
        body,
        media_type=chosen.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{file_name(report, chosen)}"'},
    )
