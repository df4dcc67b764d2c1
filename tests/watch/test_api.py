"""Watch's API: monitors and who may see them, heartbeats, outages entered by hand, and the
uptime answer with real figures (R3)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.service import service_named
from stabil.watch.models import Monitor
from stabil.watch.recording import Entry, log_interval
from stabil.watch.states import Source, State
from stabil.windows.service import NewWindow, plan_window
from tests.cast import Cast, headers

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 2, 12, tzinfo=CPH)  # March 2026 is over
pytestmark = pytest.mark.usefixtures("frozen", "services")


def monitor(key: str = "bdk-login", **changes: Any) -> dict[str, Any]:
    values = {
        "key": key,
        "service": "borger-dk",
        "part": "login",
        "kind": "http",
        "target": "https://www.borger.dk/log-ind",
        "interval_seconds": 30,
    }
    return {**values, **changes}


def problems(answer: Any) -> list[str]:
    assert answer.status_code == 422, answer.text
    return [item["field"] for item in answer.json()["errors"]]


def test_monitors_are_set_up_read_by_the_desk_and_removed(client: TestClient, cast: Cast) -> None:
    made = client.post("/api/v1/monitors", json=monitor(), headers=headers(cast.operator))
    assert made.status_code == 201, made.text
    shown = made.json()
    assert (shown["state"], shown["part"], shown["token"], shown["revision"]) == (
        "unknown",
        "login",
        None,
        1,
    )
    listed = client.get("/api/v1/monitors?service=borger-dk", headers=headers(cast.viewer))
    assert [item["key"] for item in listed.json()["items"]] == ["bdk-login"]
    for outsider in (cast.supplier, cast.authority):  # they see uptime, never the targets
        assert client.get("/api/v1/monitors", headers=headers(outsider)).status_code == 403
        assert (
            client.get("/api/v1/monitors/bdk-login", headers=headers(outsider)).status_code == 403
        )
    refused = client.post("/api/v1/monitors", json=monitor("x"), headers=headers(cast.viewer))
    assert refused.status_code == 403
    removed = client.delete("/api/v1/monitors/bdk-login", headers=headers(cast.admin))
    assert removed.status_code == 200
    assert removed.json()["removed_at"] is not None
    again = client.delete("/api/v1/monitors/bdk-login", headers=headers(cast.admin))
    assert again.status_code == 409
    assert client.get("/api/v1/monitors", headers=headers(cast.admin)).json()["total"] == 0
    with_removed = client.get("/api/v1/monitors?removed=true", headers=headers(cast.admin))
    assert with_removed.json()["total"] == 1


def test_bad_monitors_are_refused_at_their_field(client: TestClient, cast: Cast) -> None:
    cases = {
        "target": monitor(target="ftp://www.borger.dk/"),
        "interval_seconds": monitor(interval_seconds=5),
        "service": monitor(service="nope"),
        "part": monitor(part="kitchen"),
        "labels": monitor(labels={"job": "x"}),
        "kind": monitor(kind="smoke"),
    }
    tcp = monitor(kind="tcp", target="db.borger.dk")
    for field, body in [*cases.items(), ("target", tcp)]:
        answer = client.post("/api/v1/monitors", json=body, headers=headers(cast.admin))
        assert problems(answer) == [field], body
    used = client.post("/api/v1/monitors", json=monitor("ok"), headers=headers(cast.admin))
    assert used.status_code == 201
    twice = client.post("/api/v1/monitors", json=monitor("ok"), headers=headers(cast.admin))
    assert twice.status_code == 409


def test_a_heartbeat_needs_only_its_token_shown_once(
    client: TestClient, cast: Cast, session: Session
) -> None:
    body = monitor("bdk-import", part="article_import", kind="heartbeat", target=None)
    made = client.post("/api/v1/monitors", json=body, headers=headers(cast.operator))
    token = made.json()["token"]
    assert len(token) >= 30
    shown = client.get("/api/v1/monitors/bdk-import", headers=headers(cast.operator)).json()
    assert "token" not in shown  # only its digest is kept
    assert client.post(f"/api/v1/heartbeats/{token}").status_code == 204
    stored = session.scalar(select(Monitor).where(Monitor.key == "bdk-import"))
    assert stored is not None
    session.refresh(stored)
    assert stored.last_heartbeat_at == NOW
    assert client.post(f"/api/v1/heartbeats/{token}x").status_code == 404
    client.delete("/api/v1/monitors/bdk-import", headers=headers(cast.operator))
    gone = client.post(f"/api/v1/heartbeats/{token}")
    assert gone.status_code == 404
    assert gone.json() == {"detail": "no heartbeat monitor has this token"}


def outage(**changes: Any) -> dict[str, Any]:
    values = {
        "service": "borger-dk",
        "part": "login",
        "start": "2026-03-31T23:00:00+02:00",
        "end": "2026-04-01T03:00:00+02:00",
        "state": "down",
        "reason": "MitID svarede ikke; overvågningen var slukket",
    }
    return {**values, **changes}


def test_outages_are_entered_with_who_and_why_and_read_back(client: TestClient, cast: Cast) -> None:
    entered = client.post("/api/v1/outages", json=outage(), headers=headers(cast.operator))
    assert entered.status_code == 201, entered.text
    rows = entered.json()  # 21:00Z to 01:00Z: cut at midnight UTC
    assert [(row["start"], row["end"]) for row in rows] == [
        ("2026-03-31T21:00:00Z", "2026-04-01T00:00:00Z"),
        ("2026-04-01T00:00:00Z", "2026-04-01T01:00:00Z"),
    ]
    assert {(row["source"], row["recorded_by"], row["reason"]) for row in rows} == {
        ("manual", "operator@digst.example", "MitID svarede ikke; overvågningen var slukket")
    }
    bad = {
        "end": outage(end="2026-03-31T22:00:00+02:00"),  # before the start
        "end ": outage(start="2025-03-01T00:00:00+01:00"),  # longer than a year
        "state": outage(state="up"),
        "part": outage(part="kitchen"),
        "service": outage(service="nope"),
    }
    for field, body in bad.items():
        assert problems(client.post("/api/v1/outages", json=body, headers=headers(cast.admin))) == [
            field.strip()
        ]
    future = outage(start="2026-04-02T11:00:00+02:00", end="2026-04-02T13:00:00+02:00")
    assert problems(client.post("/api/v1/outages", json=future, headers=headers(cast.admin))) == [
        "end"
    ]
    assert (
        client.post("/api/v1/outages", json=outage(), headers=headers(cast.viewer)).status_code
        == 403
    )
    log = client.get(
        "/api/v1/outages?service=borger-dk&source=manual&from=2026-04-01T00:30:00Z&limit=1",
        headers=headers(cast.viewer),
    ).json()
    assert (log["total"], log["items"][0]["end"]) == (1, "2026-04-01T01:00:00Z")
    assert client.get("/api/v1/outages", headers=headers(cast.authority)).status_code == 403


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=CPH)


def test_the_uptime_answer_has_its_exact_shape_and_real_figures(
    client: TestClient, cast: Cast, session: Session
) -> None:
    """March 2026: up all month, but for an outage of the log-in in primary time, one of the
    service at a weekend, one inside a window announced with notice (excused) and one inside
    a window announced a day ahead (flagged, excusing nothing, R3.3)."""
    service = service_named(session, "borger-dk")
    everything = Entry(
        service.id, local(1, 0), dt.datetime(2026, 4, 1, tzinfo=CPH), State.up, Source.probe
    )
    log_interval(session, everything, NOW)
    on_time = NewWindow(
        "borger-dk", "short", local(19, 1), local(19, 3), "Opdatering",
        announce=True, announced_at=local(12, 10),
    )  # fmt: skip
    late = NewWindow(
        "borger-dk", "short", local(24, 1), local(24, 3), "Hasteopdatering",
        announce=True, announced_at=local(23, 10), override_reason="Sikkerhedsrettelse",
    )  # fmt: skip
    excused = plan_window(session, cast.operator.user, on_time, NOW)
    plan_window(session, cast.operator.user, late, NOW)
    session.commit()
    entries = [
        ("login", local(10, 10), local(10, 10, 30)),  # Tuesday, primary: 30 minutes
        (None, local(14, 12), local(14, 13)),  # Saturday, secondary: an hour
        (None, local(19, 1, 30), local(19, 2, 30)),  # inside the announced window
        (None, local(24, 1), local(24, 2)),  # inside the late window: downtime
    ]
    for part, start, end in entries:
        body = outage(part=part, start=start.isoformat(), end=end.isoformat())
        entered = client.post("/api/v1/outages", json=body, headers=headers(cast.operator))
        assert entered.status_code == 201, entered.text

    answer = client.get(
        "/api/v1/services/borger-dk/uptime?month=2026-03", headers=headers(cast.authority)
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert set(report) == {
        "service", "from", "to", "declaration_version", "periods", "outages", "excused",
    }  # fmt: skip
    assert (report["service"], report["from"], report["to"], report["declaration_version"]) == (
        "borger-dk",
        "2026-03-01T00:00:00+01:00",
        "2026-04-01T00:00:00+02:00",
        "1.0",
    )
    primary_seconds = 22 * 8 * 3600  # 22 weekdays of 08:30-16:30, no holiday in March 2026
    month_seconds = (31 * 24 - 1) * 3600  # the clocks went forward on 29 March
    secondary_measured = month_seconds - primary_seconds - 7200
    assert report["periods"] == {
        "primary": {
            "period_seconds": primary_seconds,
            "excluded_seconds": 0,
            "unknown_seconds": 0,
            "downtime_seconds": 1800,
            "degraded_seconds": 0,
            "uptime_percent": percent(1800, primary_seconds),
            "target_percent": 99.7,
            "met": True,
            "budget_seconds": 1900,  # 0.3 % of 633,600 s is 1,900.8 s: rounded down
            "budget_left_seconds": 100,
        },
        "secondary": {
            "period_seconds": month_seconds - primary_seconds,
            "excluded_seconds": 7200,  # the announced window only
            "unknown_seconds": 0,
            "downtime_seconds": 7200,  # the weekend hour and the hour in the late window
            "degraded_seconds": 0,
            "uptime_percent": percent(7200, secondary_measured),
            "target_percent": 99.7,
            "met": False,
            "budget_seconds": secondary_measured * 3 // 1000,
            "budget_left_seconds": secondary_measured * 3 // 1000 - 7200,
        },
    }
    assert report["periods"]["secondary"]["uptime_percent"] == 99.64602
    assert [(o["start"], o["end"], o["part"], o["excused"]) for o in report["outages"]] == [
        ("2026-03-10T10:00:00+01:00", "2026-03-10T10:30:00+01:00", "login", False),
        ("2026-03-14T12:00:00+01:00", "2026-03-14T13:00:00+01:00", None, False),
        ("2026-03-19T01:30:00+01:00", "2026-03-19T02:30:00+01:00", None, True),
        ("2026-03-24T01:00:00+01:00", "2026-03-24T02:00:00+01:00", None, False),
    ]
    first = report["outages"][0]
    assert set(first) == {
        "start", "end", "state", "part", "source", "excused", "monitor", "counts", "evidence",
        "reason",
    }  # fmt: skip
    assert (first["state"], first["source"], first["counts"], first["monitor"]) == (
        "down",
        "manual",
        True,
        None,
    )
    assert first["evidence"] is None  # an authority is not shown what the monitors saw
    assert report["excused"] == [
        {
            "id": excused.id,
            "title": "Opdatering",
            "start": "2026-03-19T01:00:00+01:00",
            "end": "2026-03-19T03:00:00+01:00",
        }
    ]
    staff = client.get(
        "/api/v1/services/borger-dk/uptime?from=2026-03-10T00:00:00%2B01:00&to=2026-03-11T00:00:00%2B01:00",
        headers=headers(cast.viewer),
    ).json()
    assert staff["periods"]["primary"]["downtime_seconds"] == 1800
    assert staff["outages"][0]["evidence"] == {}


def percent(down: int, measured: int) -> float:
    return round(float((1 - Fraction(down, measured)) * 100), 5)


def test_uptime_refuses_a_bad_range_and_an_unknown_service(client: TestClient, cast: Cast) -> None:
    base = "/api/v1/services/borger-dk/uptime"
    asked = {
        "?month=2026-13": "month",
        "?month=2026-03&from=2026-03-01T00:00:00Z": "month",
        "?from=2026-03-01T00:00:00Z": "to",
        "?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z": "to",
        "?from=2020-03-02T00:00:00Z&to=2026-03-01T00:00:00Z": "to",
        "?month=9999-12": "month",  # beyond the clock's years: refused, not a server error
        "?from=9998-06-01T00:00:00Z&to=9998-12-31T00:00:00Z": "to",
    }
    for query, field in asked.items():
        assert problems(client.get(base + query, headers=headers(cast.supplier))) == [field], query
    unknown = client.get("/api/v1/services/nope/uptime", headers=headers(cast.supplier))
    assert unknown.status_code == 404
    this_month = client.get(base, headers=headers(cast.supplier)).json()
    assert this_month["from"] == "2026-04-01T00:00:00+02:00"
    assert this_month["periods"]["primary"]["uptime_percent"] is None  # nothing was measured
