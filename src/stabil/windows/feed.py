"""The route of the windows' calendar (see calendar.py): answered from the database when the
published file (stabil.public) is not there yet."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request, Response

from stabil.catalog.service import declaration_of, version_asked
from stabil.db.types import now_utc
from stabil.meetings.calendar import meeting_events
from stabil.web.deps import SessionDep
from stabil.windows.calendar import HISTORY, MEDIA_TYPE, calendar_of

router = APIRouter(include_in_schema=False)


@router.get("/status/{service}/windows.ics")
def windows_calendar(service: str, request: Request, session: SessionDep) -> Response:
    """Announced windows and the meetings of the service, from a year back; public, like the
    status channel."""
    now = now_utc()
    stored = version_asked(session, service, None, now.date())  # 404 for an unknown one
    meetings = meeting_events(session, declaration_of(stored), stored.service_id, now - HISTORY)
    body = calendar_of(session, stored, now, meetings)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": "public, max-age=300"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)
