"""The service-window API: refused with every broken rule, flagged with an override, the quota
and the next allowed slots (R13, R3.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.windows.models import ServiceWindow
from tests.cast import Cast, headers

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)  # a Tuesday
pytestmark = pytest.mark.usefixtures("frozen", "services")


def body(day: int, **changes: Any) -> dict[str, Any]:
    values = {
        "service": "borger-dk",
        "kind": "short",
        "start": f"2026-04-{day:02d}T01:00:00+02:00",
        "end": f"2026-04-{day:02d}T03:00:00+02:00",
        "title": "Opdatering af databasen",
        "body": "Borger.dk kan være utilgængelig i kort tid.",
        "affected": ["Selvbetjening"],
    }
    return {**values, **changes}


def post(client: TestClient, cast: Cast, data: dict[str, Any]) -> Any:
    return client.post("/api/v1/windows", json=data, headers=headers(cast.operator))


def test_a_compliant_window_is_planned_and_shown(client: TestClient, cast: Cast) -> None:
    created = post(client, cast, body(18, announce=True))
    assert created.status_code == 201, created.text
    window = created.json()
    assert (window["state"], window["compliant"], window["violations"]) == ("announced", True, [])
    assert window["excuses_downtime"] is True
    assert window["start"] == "2026-04-17T23:00:00Z"
    shown = client.get(f"/api/v1/windows/{window['id']}", headers=headers(cast.authority))
    assert shown.json() == window
    events = client.get(f"/api/v1/windows/{window['id']}/events", headers=headers(cast.viewer))
    assert [event["kind"] for event in events.json()] == ["planned", "announced"]


def test_a_window_that_breaks_rules_is_a_422_listing_them(
    client: TestClient, cast: Cast, session: Session
) -> None:
    refused = post(client, cast, body(15))  # tomorrow night: 3 days' notice are needed
    assert refused.status_code == 422
    answer = refused.json()
    assert answer["detail"] == "invalid request"
    assert answer["errors"][0]["field"] == "start"
    assert answer["violations"] == [
        {
            "rule": "notice",
            "source": "R13.1",
            "message": {
                "da": "»Servicevindue, 2 timer« skal varsles 3 dage før; varslet 2026-04-14 "
                "10:00 kan den tidligst begynde 2026-04-17 10:00.",
                "en": "'Service window, 2 hours' needs 3 days' notice; announced 2026-04-14 "
                "10:00, it may start at 2026-04-17 10:00 at the earliest.",
            },
            "allowed": {"notice_days": 3, "earliest_start": "2026-04-17T10:00:00+02:00"},
        }
    ]
    assert session.scalar(select(func.count()).select_from(ServiceWindow)) == 0


def test_an_override_records_it_flagged(client: TestClient, cast: Cast) -> None:
    created = post(client, cast, body(15, override_reason="Kritisk sikkerhedsrettelse"))
    assert created.status_code == 201, created.text
    window = created.json()
    assert (window["compliant"], window["excuses_downtime"]) == (False, False)
    assert [item["rule"] for item in window["violations"]] == ["notice"]


def test_the_quota_per_kind_and_the_next_slots(client: TestClient, cast: Cast) -> None:
    for day in (18, 19):
        assert post(client, cast, body(day)).status_code == 201
    quota = client.get(
        "/api/v1/services/borger-dk/windows/quota",
        params={"year": 2026},
        headers=headers(cast.viewer),
    ).json()
    short = next(kind for kind in quota["kinds"] if kind["kind"] == "short")
    assert short == {
        "kind": "short",
        "per_year": 4,
        "used": 2,
        "left": 2,
        "dates": ["2026-04-18", "2026-04-19"],
    }
    slots = client.get(
        "/api/v1/services/borger-dk/windows/slots",
        params={"kind": "short", "limit": 3},
        headers=headers(cast.operator),
    ).json()
    # The nights of Saturday and Sunday hold windows from 01:00 to 03:00: the slots there
    # begin at 03:00, Monday's at midnight (all local time).
    assert slots == {
        "kind": "short",
        "minutes": 120,
        "slots": ["2026-04-18T01:00:00Z", "2026-04-19T01:00:00Z", "2026-04-19T22:00:00Z"],
    }


def test_an_unknown_kind_for_slots_is_a_422_naming_the_kinds(
    client: TestClient, cast: Cast
) -> None:
    answer = client.get(
        "/api/v1/services/borger-dk/windows/slots",
        params={"kind": "weekly"},
        headers=headers(cast.operator),
    )
    assert answer.status_code == 422
    assert "it has: short, medium, long, unplanned" in answer.text


def test_the_window_is_worked_through_its_states(client: TestClient, cast: Cast) -> None:
    window = post(client, cast, body(18)).json()
    url, auth = f"/api/v1/windows/{window['id']}", headers(cast.operator)
    announced = client.post(
        f"{url}/announce", json={"at": "2026-04-14T09:00:00+02:00"}, headers=auth
    )
    assert announced.json()["announced_at"] == "2026-04-14T07:00:00Z"
    future = client.post(f"{url}/start", json={"at": "2026-04-18T01:00:00+02:00"}, headers=auth)
    assert future.status_code == 422
    assert client.post(f"{url}/start", headers=auth).json()["state"] == "in_progress"
    assert client.post(f"{url}/complete", headers=auth).json()["state"] == "completed"
    refused = client.post(f"{url}/cancel", json={"reason": "For sent"}, headers=auth)
    assert refused.status_code == 409
    assert refused.json()["allowed_transitions"] == []


def test_announcing_too_late_is_refused_unless_a_reason_records_it_flagged(
    client: TestClient, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    window = post(client, cast, body(18)).json()
    url, auth = f"/api/v1/windows/{window['id']}", headers(cast.operator)
    frozen.move_to(dt.datetime(2026, 4, 16, 10, tzinfo=CPH))  # 3 days' notice no longer fit
    late = client.post(f"{url}/announce", headers=auth)
    assert late.status_code == 422
    assert [item["rule"] for item in late.json()["violations"]] == ["notice"]
    assert client.get(url, headers=auth).json()["state"] == "planned"
    kept = client.post(f"{url}/announce", json={"override_reason": "Akut"}, headers=auth)
    assert kept.status_code == 200, kept.text
    shown = kept.json()
    assert (shown["state"], shown["compliant"], shown["excuses_downtime"]) == (
        "announced",
        False,
        False,
    )
    assert shown["override_reason"] == "Akut"
    assert [item["rule"] for item in shown["violations"]] == ["notice"]


def test_rescheduling_an_announced_window_announces_it_anew(client: TestClient, cast: Cast) -> None:
    window = post(client, cast, body(18, announced_at="2026-04-13T09:00:00+02:00")).json()
    url, auth = f"/api/v1/windows/{window['id']}", headers(cast.operator)
    # Two nights later is fine; notice now counts from the rescheduling, so tomorrow is not.
    later = {"start": "2026-04-20T01:00:00+02:00", "end": "2026-04-20T03:00:00+02:00"}
    moved = client.patch(url, json=later, headers=auth)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["start"], moved.json()["announced_at"]) == (
        "2026-04-19T23:00:00Z",
        "2026-04-14T08:00:00Z",
    )
    sooner = {"start": "2026-04-15T01:00:00+02:00", "end": "2026-04-15T03:00:00+02:00"}
    refused = client.patch(url, json=sooner, headers=auth)
    assert refused.status_code == 422
    assert [item["rule"] for item in refused.json()["violations"]] == ["notice"]
    events = client.get(f"{url}/events", headers=auth).json()
    assert [event["kind"] for event in events] == ["planned", "announced", "rescheduled"]


def test_a_window_that_has_begun_cannot_be_rescheduled(client: TestClient, cast: Cast) -> None:
    window = post(client, cast, body(18)).json()
    url, auth = f"/api/v1/windows/{window['id']}", headers(cast.operator)
    client.post(f"{url}/start", headers=auth)
    later = {"start": "2026-04-20T01:00:00+02:00", "end": "2026-04-20T03:00:00+02:00"}
    refused = client.patch(url, json=later, headers=auth)
    assert refused.status_code == 409
    assert refused.json()["allowed_transitions"] == ["complete", "cancel"]
