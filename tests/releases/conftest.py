"""What the release tests share: a request body, and the calls that make releases."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.cast import Member, headers

CPH = ZoneInfo("Europe/Copenhagen")
# Sunday 15 March 2026, 10:00 in Copenhagen: six months on is 15 September.
NOW = dt.datetime(2026, 3, 15, 10, tzinfo=CPH)
API = "/api/v1/releases"


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "service": "borger-dk",
        "version": "2.0",
        "planned_date": "2026-09-15",
        "notes": "Ny log-in-grænseflade.",
        "interface_change": True,
    }
    return {**values, **changes}


def register(client: TestClient, member: Member, **changes: Any) -> dict[str, Any]:
    answer = client.post(API, json=body(**changes), headers=headers(member))
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
