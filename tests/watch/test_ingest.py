"""What other systems tell: Alertmanager's webhook and generic events, mapped to external
monitors and confirmed like probes (R3)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.watch.models import Monitor, StateInterval
from tests.cast import Cast, headers

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")
HOOK = "/api/v1/ingest/alertmanager"


def external(client: TestClient, cast: Cast, key: str, labels: dict[str, str], **more: Any) -> None:
    body = {"key": key, "service": "borger-dk", "kind": "external", "labels": labels, **more}
    made = client.post("/api/v1/monitors", json=body, headers=headers(cast.admin))
    assert made.status_code == 201, made.text


def alert(fingerprint: str, status: str, name: str, starts: str, ends: str | None = None) -> Any:
    return {
        "status": status,
        "labels": {"alertname": name, "job": "borger-dk", "instance": "web-1"},
        "annotations": {"summary": f"{name} on web-1"},
        "startsAt": starts,
        "endsAt": ends or "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=up",
        "fingerprint": fingerprint,
    }


def notification(*alerts: Any) -> dict[str, Any]:
    firing = any(item["status"] == "firing" for item in alerts)
    return {
        "receiver": "stabil",
        "status": "firing" if firing else "resolved",
        "alerts": list(alerts),
        "groupLabels": {"job": "borger-dk"},
        "commonLabels": {"job": "borger-dk"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example:9093",
        "version": "4",
        "groupKey": '{}:{job="borger-dk"}',
        "truncatedAlerts": 0,
    }


def utc(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 4, 14, hour, minute, tzinfo=dt.UTC)


def state_of(session: Session, key: str) -> tuple[str, dt.datetime, dict[str, Any]]:
    monitor = session.scalar(select(Monitor).where(Monitor.key == key))
    assert monitor is not None
    session.refresh(monitor)
    return monitor.state, monitor.state_since, monitor.state_evidence


def test_a_monitor_is_down_while_any_of_its_alerts_fires(
    client: TestClient, cast: Cast, session: Session, frozen: time_machine.Coordinates
) -> None:
    frozen.move_to(NOW - dt.timedelta(hours=1))  # watched since 09:00
    external(client, cast, "bdk-login", {"alertname": "LoginDown"}, part="login")
    external(client, cast, "bdk", {"job": "borger-dk"})
    frozen.move_to(NOW)
    send = headers(cast.operator)
    first = client.post(
        HOOK, json=notification(alert("aaa", "firing", "LoginDown", "2026-04-14T09:40:00+02:00")),
        headers=send,
    )  # fmt: skip
    assert first.status_code == 200, first.text
    assert first.json() == {
        "alerts": [{"fingerprint": "aaa", "status": "firing", "monitors": ["bdk", "bdk-login"]}],
        "changes": [
            {"monitor": "bdk", "state": "down", "since": "2026-04-14T07:40:00Z"},
            {"monitor": "bdk-login", "state": "down", "since": "2026-04-14T07:40:00Z"},
        ],
    }
    login = session.scalar(select(Monitor).where(Monitor.key == "bdk-login"))
    assert login is not None
    assert login.incident_id is not None  # the desk heard of it
    second = client.post(
        HOOK, json=notification(alert("bbb", "firing", "Slow", "2026-04-14T09:50:00+02:00")),
        headers=send,
    )  # fmt: skip
    assert second.json()["alerts"][0]["monitors"] == ["bdk"]
    assert second.json()["changes"] == []  # down already
    assert sorted(state_of(session, "bdk")[2]["firing"]) == ["aaa", "bbb"]

    resolved = alert(
        "aaa", "resolved", "LoginDown", "2026-04-14T09:40:00+02:00", "2026-04-14T09:55:00+02:00"
    )
    third = client.post(HOOK, json=notification(resolved), headers=send)
    assert third.json()["changes"] == [
        {"monitor": "bdk-login", "state": "up", "since": "2026-04-14T07:55:00Z"}
    ]
    state, _, evidence = state_of(session, "bdk")
    assert (state, sorted(evidence["firing"])) == ("down", ["bbb"])  # the other still fires

    done = alert(
        "bbb", "resolved", "Slow", "2026-04-14T09:50:00+02:00", "2026-04-14T09:58:00+02:00"
    )
    client.post(HOOK, json=notification(done), headers=send)
    assert state_of(session, "bdk")[:2] == ("up", utc(7, 58))
    logged = session.execute(
        select(Monitor.key, StateInterval.start, StateInterval.end, StateInterval.source)
        .join(Monitor, Monitor.id == StateInterval.monitor_id)
        .where(StateInterval.state == "down")
        .order_by(Monitor.key)
    ).all()
    assert [tuple(row) for row in logged] == [
        ("bdk", utc(7, 40), utc(7, 58), "alertmanager"),
        ("bdk-login", utc(7, 40), utc(7, 55), "alertmanager"),
    ]
    other = alert("ccc", "firing", "Disk", "2026-04-14T09:59:00+02:00")
    other["labels"] = {"alertname": "Disk", "job": "mail"}
    unmatched = client.post(HOOK, json=notification(other), headers=send).json()
    assert unmatched == {
        "alerts": [{"fingerprint": "ccc", "status": "firing", "monitors": []}],
        "changes": [],
    }


def test_a_payload_of_another_shape_names_the_field(client: TestClient, cast: Cast) -> None:
    good = alert("aaa", "firing", "LoginDown", "2026-04-14T09:40:00+02:00")
    without_start = {name: value for name, value in good.items() if name != "startsAt"}
    cases = {
        "version": {**notification(good), "version": "3"},
        "alerts.0.startsAt": notification(without_start),
        "alerts.0.status": notification({**good, "status": "burning"}),
        "alerts": {**notification(good), "alerts": {"0": good}},
        "alerts.0.endsAt": notification({**good, "endsAt": "9999-12-31T23:00:00-05:00"}),
    }
    for field, body in cases.items():
        answer = client.post(HOOK, json=body, headers=headers(cast.admin))
        assert answer.status_code == 422, answer.text
        assert [item["field"] for item in answer.json()["errors"]] == [field]
    assert client.post(HOOK, json=notification(good)).status_code == 401
    viewer = client.post(HOOK, json=notification(good), headers=headers(cast.viewer))
    assert viewer.status_code == 403


def test_events_tell_an_external_monitors_state(
    client: TestClient, cast: Cast, session: Session, frozen: time_machine.Coordinates
) -> None:
    frozen.move_to(NOW - dt.timedelta(hours=1))
    external(client, cast, "bdk-self", {}, part="self_service")
    probed = {"key": "bdk-web", "service": "borger-dk", "kind": "http", "target": "https://x.dk/"}
    client.post("/api/v1/monitors", json=probed, headers=headers(cast.admin))
    frozen.move_to(NOW)
    send = headers(cast.operator)
    down = {"monitor": "bdk-self", "state": "down", "at": "2026-04-14T09:30:00+02:00",
            "message": "Nets melder fejl", "evidence": {"ticket": "N-1234"}}  # fmt: skip
    told = client.post("/api/v1/ingest/events", json=down, headers=send)
    assert told.json() == {
        "monitor": "bdk-self",
        "state": "down",
        "since": "2026-04-14T07:30:00Z",
        "changed": True,
    }
    assert state_of(session, "bdk-self")[2] == {"ticket": "N-1234", "message": "Nets melder fejl"}
    again = client.post("/api/v1/ingest/events", json={**down, "at": None}, headers=send)
    assert again.json()["changed"] is False
    up = client.post(
        "/api/v1/ingest/events", json={"monitor": "bdk-self", "state": "up"}, headers=send
    )
    assert up.json()["since"] == "2026-04-14T08:00:00Z"  # now
    row = session.scalar(select(StateInterval).where(StateInterval.state == "down"))
    assert row is not None
    assert (row.source, row.evidence["ticket"]) == ("event", "N-1234")
    refused = {
        "monitor": {"monitor": "bdk-web", "state": "down"},
        "at": {"monitor": "bdk-self", "state": "down", "at": "2026-04-14T10:01:00+02:00"},
        "state": {"monitor": "bdk-self", "state": "unknown"},
    }
    for field, body in [*refused.items(), ("monitor", {"monitor": "nope", "state": "up"})]:
        answer = client.post("/api/v1/ingest/events", json=body, headers=send)
        assert answer.status_code == 422, answer.text
        assert [item["field"] for item in answer.json()["errors"]] == [field]
