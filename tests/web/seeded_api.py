"""A database with one thing of every kind the API serves, seeded through the API itself.

The schemathesis tests (test_openapi_conformance.py) run on it: generated keys and ids name
nothing, so they need real ones to reach the successes and the refusals of real things.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from stabil.catalog.service import load_declaration_text
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.web.app import create_app
from tests.cast import Cast, Member, headers, make_cast
from tests.conftest import BORGER_DK, EXAMPLE, serve_from

ROLES = ("admin", "supplier", "authority", "viewer")
MONTH = "2026-04"

# The labels of the seeded external monitor, which an alert must carry to match it.
LABELS = {"alertname": "LoginDown"}


@dataclass(frozen=True, slots=True)
class World:
    """A seeded database: a token of each role, and its things by name."""

    engine: Engine
    tokens: dict[str, str]
    named: dict[str, Any]

    def known(self) -> dict[str, list[Any]]:
        """The seeded names by the kind of parameter or field that takes them."""
        named = self.named
        incidents = [named[name] for name in ("handed", "reviewed", "ours", "theirs")]
        return {
            "incidents": incidents,
            "incident lists": [[key] for key in incidents],
            "problems": [named["problem"]],
            "requests": [named["request"]],
            "services": ["borger-dk", "example-webservice"],
            "parties": ["supplier-a", "aarhus"],
            "months": [MONTH],
            "message_id": [named["open message"], named["resolved message"]],
            "subscriber_id": [named["subscriber"]],
            "webhook_id": [named["webhook"]],
            "item_id": [named["parked"]],
            "window_id": [named["window"], named["running window"]],
            "release_id": [named["release"], named["minor release"], named["short release"]],
            "changes": [named["change"]],
            "monitors": [named["monitor"]],
            "meeting_id": [named["meeting"], named["planned meeting"]],
            "action_id": [named["action"]],
        }


def seeded(engine: Engine) -> World:
    """Put in, and commit, what the routes work on, as clients would."""
    with Session(engine) as session:
        for path in (BORGER_DK, EXAMPLE):
            load_declaration_text(session, path.read_text(encoding="utf-8"), path.name)
        cast = make_cast(session)
        app = create_app()
        serve_from(app, session)
        with TestClient(app) as client:
            named = _seed(client, cast)
            # No notification fails without a mail server; one is parked as if it had.
            named["parked"] = parked = min(_outbox_ids(client, cast))
        session.execute(
            update(OutboxItem).where(OutboxItem.id == parked).values(state=DeliveryState.parked)
        )
        session.commit()
    tokens = {name: getattr(cast, name).token for name in ROLES}
    return World(engine, tokens, named)


def _outbox_ids(client: TestClient, cast: Cast) -> list[int]:
    page = client.get("/api/v1/outbox", headers=headers(cast.admin)).json()
    return [item["id"] for item in page["items"]]


def _seed(client: TestClient, cast: Cast) -> dict[str, Any]:
    def created(member: Member, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.request(
            "PUT" if path.endswith("/review") else "POST",
            f"/api/v1/{path}",
            json=body,
            headers=headers(member),
        )
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    def incident(member: Member, title: str, **extra: Any) -> str:
        body = {"service": "borger-dk", "title": title, **extra}
        return str(created(member, "incidents", body)["key"])

    handed_over = {"to": "handed_over", "party": "supplier-a"}
    everyone = {"users_affected_percent": 100}
    handed = incident(cast.operator, "Log-in fejler", impact=everyone)
    created(cast.operator, f"incidents/{handed}/transitions", handed_over)
    # A resolved major incident has a post-review report (R9.7), here saved but not sent.
    reviewed = incident(cast.operator, "Borger.dk er nede", impact=everyone)
    created(cast.operator, f"incidents/{reviewed}/transitions", handed_over)
    created(cast.operator, f"incidents/{reviewed}/transitions", {"to": "resolved"})
    created(cast.operator, f"incidents/{reviewed}/review", {"report": "Årsag og forløb."})
    subscriber = {"service": "borger-dk", "email": "borger@example.org"}
    hook = {"service": "borger-dk", "url": "https://hooks.example.org/stabil"}
    problem = {"service": "borger-dk", "title": "MitID-fejl", "incidents": [handed]}
    request = {"service": "borger-dk", "title": "Ny tekst på forsiden"}
    named = {
        "handed": handed,
        "reviewed": reviewed,
        # Reported by Aarhus (`authority`), and by Odense, whom `authority` may not see.
        "ours": incident(cast.authority, "Selvbetjening er langsom"),
        "theirs": incident(cast.other_authority, "Post kan ikke åbnes"),
        "subscriber": created(cast.admin, "subscribers", subscriber)["id"],
        "webhook": created(cast.admin, "webhooks", hook)["id"],
        "open message": created(cast.operator, "messages", message_body(handed))["id"],
        "resolved message": created(cast.operator, "messages", message_body(handed))["id"],
        "problem": created(cast.operator, "problems", problem)["key"],
        "request": created(cast.authority, "requests", request)["key"],
    }
    created(cast.operator, f"messages/{named['resolved message']}/resolve", {})
    # Windows at allowed starts, so that they keep every rule whenever this runs: from a day
    # after the earliest, so that announcing one later in the run still gives the notice.
    after = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    slots = client.get(
        "/api/v1/services/borger-dk/windows/slots",
        params={"kind": "short", "limit": 3, "after": after.isoformat()},
        headers=headers(cast.operator),
    ).json()["slots"]
    named["window"] = created(cast.operator, "windows", window_body(slots[0]))["id"]
    named["running window"] = created(cast.operator, "windows", window_body(slots[1]))["id"]
    created(cast.operator, f"windows/{named['running window']}/start", {})
    free = window_body(slots[2])  # a third, left for a call to plan
    named["free start"], named["free end"] = free["start"], free["end"]
    named.update(_releases(created, cast))
    # A requested change for the running window, which is linked to it.
    change = {**change_body(), "start": slots[1], "end": window_body(slots[1])["end"]}
    named["change"] = created(cast.operator, "changes", change)["key"]
    created(
        cast.operator, f"changes/{named['change']}/windows", {"window": named["running window"]}
    )
    named.update(_monitors(created, cast))
    named.update(_meetings(created, cast))
    return named


def _meetings(created: Any, cast: Cast) -> dict[str, Any]:
    """An operations meeting that has begun, with an action, and one planned ahead (R17.1)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    path = "services/borger-dk/meetings"

    def meeting(start: dt.datetime) -> Any:
        body = {"forum": "operations_meeting", "starts_at": start.isoformat()}
        return created(cast.operator, path, body)["id"]

    begun = meeting(now - dt.timedelta(hours=1))
    action = {"text": "Test af failover", "owner": "aarhus", "due_on": "2030-01-15"}
    return {
        "meeting": begun,
        "planned meeting": meeting(now + dt.timedelta(days=30)),
        "action": created(cast.operator, f"{path}/{begun}/actions", action)["id"],
    }


def _monitors(created: Any, cast: Cast) -> dict[str, Any]:
    """An external monitor that alerts name, a heartbeat's token, and an hour of the past
    for an outage to be entered in."""
    external = {"service": "borger-dk", "part": "login", "kind": "external"}
    created(cast.operator, "monitors", {**external, "key": "bdk-login", "labels": LABELS})
    heartbeat = {"service": "borger-dk", "kind": "heartbeat", "key": "bdk-import"}
    token = created(cast.operator, "monitors", heartbeat)["token"]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return {
        "monitor": "bdk-login",
        "heartbeat token": token,
        "outage start": (now - dt.timedelta(hours=2)).isoformat(),
        "outage end": (now - dt.timedelta(hours=1)).isoformat(),
    }


def _releases(created: Any, cast: Cast) -> dict[str, Any]:
    """An interface change far enough ahead for any notice, one that changes no interface,
    and one announced with shorter notice, which leaves a duty to help (R11.1)."""
    soon = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    later = soon + dt.timedelta(days=400)

    def release(version: str, day: dt.date, **extra: Any) -> Any:
        body = {"service": "borger-dk", "version": version, "planned_date": day.isoformat()}
        return created(cast.operator, "releases", {**body, **extra})["id"]

    return {
        "release": release("2.0", later, interface_change=True),
        "minor release": release("1.9", soon),
        "short release": release(
            "2.1", soon, interface_change=True, shorter_notice_reason="urgent"
        ),
    }


def window_body(start: str) -> dict[str, Any]:
    begins = dt.datetime.fromisoformat(start)
    return {
        "service": "borger-dk",
        "kind": "short",
        "start": start,
        "end": (begins + dt.timedelta(hours=1)).isoformat(),
        "title": "Opdatering af databasen",
    }


def change_body() -> dict[str, Any]:
    return {
        "service": "borger-dk",
        "type": "normal",
        "title": "Ny version af databasen",
        "risk": "medium",
        "start": "2026-05-16T01:00:00+02:00",
        "end": "2026-05-16T03:00:00+02:00",
        "implementation_plan": "Opgradér og genstart",
        "fallback_plan": "Gendan sikkerhedskopien",
    }


def message_body(*incidents: str) -> dict[str, Any]:
    return {
        "service": "borger-dk",
        "type": "unavailable",
        "affected": ["Log-in"],
        "title": "Log-in virker ikke",
        "body": "Borgere kan ikke logge ind.",
        "incidents": list(incidents),
    }
