"""The hand-built month of the report tests: March 2026 for Borger.dk, whose every figure is
worked out in tests/reports/test_hand_built_month.py. A test module that uses `march` sets
`NOW` (the moment the report is made) to 15 April 2026 12:00 local time.

Incidents are reported through the API with `detected_at`, and moved with `at` on the edges,
while the clock stands at the moment each step was entered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.catalog.service import service_named
from stabil.declaration.communication import MessageType
from stabil.desk.models import Incident
from stabil.desk.review import save_review, submit_review
from stabil.status.service import NewMessage, post_message
from stabil.watch.recording import Entry, log_interval
from stabil.watch.states import Source, State
from stabil.windows.service import NewWindow, plan_window
from tests.cast import Cast, headers

CPH = ZoneInfo("Europe/Copenhagen")
REPORTED_AT = dt.datetime(2026, 4, 15, 12, tzinfo=CPH)


def local(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=CPH)


class Desk:
    """Steps entered through the API, each at the moment the clock is moved to."""

    def __init__(self, client: TestClient, cast: Cast, clock: time_machine.Coordinates) -> None:
        self.client, self.cast, self.clock = client, cast, clock

    def report(self, detected: dt.datetime, priority: int, title: str) -> str:
        self.clock.move_to(detected + dt.timedelta(minutes=2))
        body = {
            "service": "borger-dk",
            "title": title,
            "detected_at": detected.isoformat(),
            "impact": {"users_affected_percent": 90 if priority == 1 else 5},
            "priority": priority,
            "priority_reason": "Sat af servicedesken efter aftale med leverandøren",
        }
        answer = self.client.post(
            "/api/v1/incidents", json=body, headers=headers(self.cast.operator)
        )
        assert answer.status_code == 201, answer.text
        key: str = answer.json()["key"]
        return key

    def step(self, key: str, to: str, at: dt.datetime, **extra: Any) -> None:
        self.clock.move_to(at + dt.timedelta(minutes=3))
        body = {"to": to, "at": at.isoformat(), **extra}
        answer = self.client.post(
            f"/api/v1/incidents/{key}/transitions", json=body, headers=headers(self.cast.operator)
        )
        assert answer.status_code == 200, answer.text


def message(session: Session, cast: Cast, key: str, at: dt.datetime) -> None:
    new = NewMessage(
        service="borger-dk",
        type=MessageType("unavailable"),
        affected=["Log-in"],
        title="Log-in nede",
        body="Vi arbejder på sagen.",
        incidents=[key],
    )
    post_message(session, cast.operator.user, new, now=at)


def incident(session: Session, key: str) -> Incident:
    return session.query(Incident).filter_by(key=key).one()


@pytest.fixture
def march(
    session: Session, cast: Cast, client: TestClient, frozen: time_machine.Coordinates
) -> dict[str, str]:
    desk = Desk(client, cast, frozen)
    keys: dict[str, str] = {}
    # A: P1, handed over at exactly the reaction deadline (10:15:00): met (R7.5). Resolved
    # after an hour; its post-review report is sent on time (R9.7).
    keys["A"] = desk.report(local(3, 3, 10), 1, "Log-in svarer ikke")
    message(session, cast, keys["A"], local(3, 3, 10, 30))  # first message on time (R14.2)
    desk.step(keys["A"], "handed_over", local(3, 3, 10, 15), party="supplier-a")
    desk.step(keys["A"], "resolved", local(3, 3, 11))
    frozen.move_to(local(3, 10, 9))
    review_a = incident(session, keys["A"])
    save_review(session, cast.operator.user, review_a, report="Tidslinje ...", actions=[])
    submit_review(session, cast.operator.user, review_a)
    # B: P1, handed over one second after its deadline: missed by a second. First message
    # 10 minutes late, then an update in time; no review report (missing, overdue).
    keys["B"] = desk.report(local(3, 4, 10), 1, "Selvbetjening fejler")
    desk.step(keys["B"], "handed_over", local(3, 4, 10, 15, 1), party="supplier-a")
    message(session, cast, keys["B"], local(3, 4, 11, 10))
    message(session, cast, keys["B"], local(3, 4, 12))
    desk.step(keys["B"], "resolved", local(3, 4, 13))
    # C: P2, reacted to in time; its resolution (480 min) passed its target on Tuesday 31
    # March 09:00 and it was resolved on 1 April: a miss of March, not of April.
    keys["C"] = desk.report(local(3, 30, 9), 2, "Artikler vises ikke")
    desk.step(keys["C"], "handed_over", local(3, 30, 10), party="supplier-a")
    # D: P3, resolved, reopened and resolved again: its clocks go on from where they
    # stopped (R7.4), met, decided at the second resolution.
    keys["D"] = desk.report(local(3, 10, 9), 3, "Forkert tekst på forsiden")
    desk.step(keys["D"], "handed_over", local(3, 10, 9, 30), party="supplier-a")
    desk.step(keys["D"], "resolved", local(3, 11, 10))
    desk.step(keys["D"], "reopened", local(3, 12, 10))
    desk.step(keys["D"], "resolved", local(3, 13, 10))
    # E: cancelled: counts nowhere.
    keys["E"] = desk.report(local(3, 5, 9), 2, "Dobbeltregistrering")
    desk.step(keys["E"], "cancelled", local(3, 5, 12), reason="Samme fejl som en anden sag")
    # F: P4, never handed over: its reaction (4 working days) passed its target on Tuesday
    # 31 March 10:00 while it still ran.
    keys["F"] = desk.report(local(3, 25, 10), 4, "Stavefejl i en artikel")
    desk.step(keys["C"], "resolved", local(4, 1, 10))
    windows_and_outages(session, cast, frozen)
    frozen.move_to(REPORTED_AT)
    return keys


def windows_and_outages(session: Session, cast: Cast, clock: time_machine.Coordinates) -> None:
    """Up all month but for outages in both periods, one inside a window announced with
    notice (excused) and one inside a window announced too late (flagged, R13, R3.3)."""
    clock.move_to(local(3, 31, 12))
    service = service_named(session, "borger-dk")
    everything = Entry(service.id, local(3, 1, 0), local(4, 1, 0), State.up, Source.probe)
    log_interval(session, everything, local(4, 1, 0))
    on_time = NewWindow(
        "borger-dk", "short", local(3, 15, 1), local(3, 15, 3), "Opdatering",
        announce=True, announced_at=local(3, 10, 12),
    )  # fmt: skip
    late = NewWindow(
        "borger-dk", "medium", local(3, 21, 1), local(3, 21, 5), "Hasteopdatering",
        announce=True, announced_at=local(3, 18, 12), override_reason="Sikkerhedsrettelse",
    )  # fmt: skip
    plan_window(session, cast.operator.user, on_time, local(3, 10, 12))
    plan_window(session, cast.operator.user, late, local(3, 18, 12))
    outages = [
        ("login", local(3, 12, 10), local(3, 12, 10, 30)),  # Thursday, primary: 30 minutes
        (None, local(3, 14, 3), local(3, 14, 4)),  # Saturday night, secondary: an hour
        (None, local(3, 15, 1, 30), local(3, 15, 2)),  # inside the announced window
        (None, local(3, 21, 2), local(3, 21, 2, 30)),  # inside the late window: downtime
    ]
    for part, start, end in outages:
        entry = Entry(service.id, start, end, State.down, Source.manual, part=part, reason="Nede")
        log_interval(session, entry, local(3, 31, 12))
    session.commit()
