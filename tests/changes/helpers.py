"""What the change tests share: a change's plan, and windows of a night to link to it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.changes.models import Change
from stabil.changes.service import NewChange, request_change
from stabil.changes.states import ChangeType, Risk
from stabil.windows.models import ServiceWindow
from stabil.windows.service import NewWindow, plan_window

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)  # a Tuesday
START = dt.datetime(2026, 4, 18, 1, tzinfo=CPH)


def plan(**changes: Any) -> dict[str, Any]:
    """A change's plan as the API takes it."""
    values: dict[str, Any] = {
        "service": "borger-dk",
        "type": "normal",
        "title": "Ny version af databasen",
        "risk": "medium",
        "start": "2026-04-18T01:00:00+02:00",
        "end": "2026-04-18T03:00:00+02:00",
        "description": "Databasen opgraderes til en ny hovedversion.",
        "implementation_plan": "Stop tjenesten, opgradér, start igen.",
        "fallback_plan": "Gendan fra sikkerhedskopien fra samme nat.",
    }
    return {**values, **changes}


def new_change(session: Session, actor: User, **changes: Any) -> Change:
    values: dict[str, Any] = {
        "service": "borger-dk",
        "type": ChangeType.normal,
        "title": "Ny version af databasen",
        "risk": Risk.medium,
        "start": START,
        "end": START + dt.timedelta(hours=2),
        "implementation_plan": "Stop tjenesten, opgradér, start igen.",
        "fallback_plan": "Gendan fra sikkerhedskopien.",
    }
    return request_change(session, actor, NewChange(**{**values, **changes}), now=NOW)


def night_window(session: Session, actor: User, day: int) -> ServiceWindow:
    """A short Borger.dk window from 01:00 to 03:00 on the night of April `day`, compliant
    at NOW from the 17th on."""
    start = dt.datetime(2026, 4, day, 1, tzinfo=CPH)
    window = NewWindow("borger-dk", "short", start, start + dt.timedelta(hours=2), "Opdatering")
    return plan_window(session, actor, window, NOW)


def other_service_window(session: Session, actor: User) -> ServiceWindow:
    """A window of the example web service (recorded despite its rules: only its service
    matters here)."""
    start = dt.datetime(2026, 4, 21, 18, tzinfo=CPH)
    window = NewWindow(
        "example-webservice",
        "weekly",
        start,
        start + dt.timedelta(hours=2),
        "Opdatering",
        override_reason="Kun tjenesten betyder noget her",
    )
    return plan_window(session, actor, window, NOW)
