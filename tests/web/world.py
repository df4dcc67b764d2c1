"""A small world in which every permission question has an answer worth checking.

Aarhus (the cast's `authority`) reported an incident that the desk handed to supplier-a (the
cast's `supplier`), with an internal and a shared note; a second, major one, was resolved by
supplier-a and has a saved post-review report. A problem is linked to the first; Aarhus has
a service request; operators posted a message about the first incident and resolved another,
planned two service windows (one under way), requested a change with one of them, and two
Borger.dk releases (an interface change planned with shorter notice, which leaves a duty to
help, and one that changes no interface). The desk watches Borger.dk with an external
monitor and a heartbeat.
Odense and supplier-b (`other_authority`, `other_supplier`) have nothing: they must see
nothing of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from stabil.accounts.service import create_token, revoke_token
from stabil.catalog.service import load_declaration_text
from stabil.changes.service import NewChange, link_window, request_change
from stabil.changes.states import ChangeType, Risk
from stabil.declaration.communication import MessageType
from stabil.desk import transitions
from stabil.desk.review import save_review
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.meetings.service import NewMeeting, add_action, plan_meeting
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.service import enqueue_email
from stabil.problems.service import NewProblem, open_problem
from stabil.records.models import NoteVisibility
from stabil.releases.service import NewRelease, register_release
from stabil.requests.service import NewRequest, submit_request
from stabil.status.service import NewMessage, post_message, resolve_message
from stabil.subscriptions.service import add_subscriber, add_webhook
from stabil.watch.monitors import NewMonitor, add_monitor
from stabil.watch.states import MonitorKind
from stabil.windows.service import NewWindow, plan_window, start_window
from tests.cast import Cast
from tests.conftest import BORGER_DK, EXAMPLE

CPH = ZoneInfo("Europe/Copenhagen")
# Tuesday 14 April 2026, 10:00 in Copenhagen: primary service time.
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
INTERNAL_NOTE = "Fejlen ligger i leverandørens database"
SHARED_NOTE = "Vi arbejder på sagen"


@dataclass(frozen=True, slots=True)
class World:
    handed: str  # reported by Aarhus, handed to supplier-a
    major: str  # reported by Aarhus, priority 1, resolved by supplier-a, report saved
    problem: str  # linked to `handed`
    request: str  # submitted by Aarhus
    message: int  # open, about `handed`
    resolved_message: int
    subscriber: int
    webhook: int
    parked: int  # an outbox item that kept failing
    window: int  # a Borger.dk service window, planned
    running_window: int  # one under way
    release: int  # a Borger.dk interface change, planned with shorter notice: help is owed
    minor_release: int  # a planned release that changes no interface
    change: str  # a requested Borger.dk change with its plans, `running_window` linked
    meeting: int  # a Borger.dk operations meeting begun an hour ago (R17.1)
    action: int  # an open action of it, owned by supplier-a
    revoked_token: str  # the admin's, revoked
    monitor: str  # an external monitor of Borger.dk's log-in
    heartbeat_token: str  # the token of a heartbeat monitor of Borger.dk's article import


def night(day: dt.date) -> NewWindow:
    """A short Borger.dk window from 01:00 to 03:00 on the night of `day`, compliant at NOW."""
    start = dt.datetime(day.year, day.month, day.day, 1, tzinfo=CPH)
    return NewWindow(
        "borger-dk", "short", start, start + dt.timedelta(hours=2), "Opdatering af databasen"
    )


def load_services(session: Session) -> None:
    for path in (BORGER_DK, EXAMPLE):
        load_declaration_text(session, path.read_text(encoding="utf-8"), path.name)


def build_world(session: Session, cast: Cast, now: dt.datetime = NOW) -> World:
    """Build the world at `now` and commit it (a savepoint of the test's transaction)."""
    load_services(session)
    operator, supplier, authority = cast.operator.user, cast.supplier.user, cast.authority.user
    handed = open_incident(
        session,
        authority,
        NewIncident("borger-dk", "Log-in fejler", "", Impact(users_affected_percent=10)),
        now=now - dt.timedelta(minutes=30),
    )
    transitions.hand_over(
        session,
        operator,
        handed,
        party="supplier-a",
        note=INTERNAL_NOTE,
        now=now - dt.timedelta(minutes=25),
    )
    transitions.hand_over(
        session,
        operator,
        handed,
        party=None,
        note=SHARED_NOTE,
        note_visibility=NoteVisibility.shared,
        now=now - dt.timedelta(minutes=20),
    )
    major = open_incident(
        session,
        authority,
        NewIncident("borger-dk", "Borger.dk er nede", "", Impact(users_affected_percent=100)),
        now=now - dt.timedelta(minutes=50),
    )
    transitions.hand_over(
        session, operator, major, party="supplier-a", now=now - dt.timedelta(minutes=45)
    )
    transitions.resolve(session, supplier, major, now=now - dt.timedelta(minutes=40))
    save_review(session, operator, major, report="# Rapport\n", actions=[], now=now)
    problem = open_problem(
        session, operator, NewProblem("borger-dk", "Databasen", incidents=[handed.key]), now=now
    )
    request = submit_request(session, authority, NewRequest("borger-dk", "Ny adgangskode"), now=now)
    subscriber = add_subscriber(session, "borger-dk", "borger@example.dk", actor=cast.admin.user)
    webhook, _secret = add_webhook(
        session, "borger-dk", "https://hooks.example/stabil", actor=cast.admin.user
    )
    message = post_message(session, operator, _message([handed.key]), now=now)
    resolved = post_message(session, operator, _message([]), now=now)
    resolve_message(session, operator, resolved, now=now)
    parked = _parked_item(session, handed.key)
    row, revoked = create_token(session, cast.admin.user, "revoked")
    revoke_token(session, row)
    session.commit()
    window = plan_window(session, operator, night(dt.date(2026, 5, 2)), now)
    running = plan_window(session, operator, night(dt.date(2026, 5, 9)), now)
    start_window(session, operator, running, now=now)
    release = register_release(session, operator, _release("2.0", interface_change=True), now)
    minor = register_release(session, operator, _release("1.9", interface_change=False), now)
    change = request_change(session, operator, _change(), now)
    link_window(session, operator, change, running.id, now)
    external = NewMonitor("bdk-login", "borger-dk", MonitorKind.external, part="login")
    add_monitor(session, operator, external, now)
    begun = NewMeeting("borger-dk", "operations_meeting", now - dt.timedelta(hours=1))
    meeting = plan_meeting(session, operator, begun, now)
    action = add_action(
        session, operator, meeting, "Opdater driftsvejledningen", "supplier-a",
        now.date() + dt.timedelta(days=14), now,
    )  # fmt: skip
    heartbeat = NewMonitor("bdk-import", "borger-dk", MonitorKind.heartbeat, part="article_import")
    token = add_monitor(session, operator, heartbeat, now).token
    assert token is not None
    session.commit()
    return World(
        monitor=external.key,
        heartbeat_token=token,
        handed=handed.key,
        major=major.key,
        problem=problem.key,
        request=request.key,
        message=message.id,
        resolved_message=resolved.id,
        subscriber=subscriber.id,
        webhook=webhook.id,
        parked=parked,
        revoked_token=revoked,
        window=window.id,
        running_window=running.id,
        release=release.id,
        minor_release=minor.id,
        change=change.key,
        meeting=meeting.id,
        action=action.id,
    )


def isolated(
    session: Session,
    client: TestClient,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    auth: dict[str, str],
) -> httpx.Response:
    """The answer to one request whose writes are undone afterwards."""
    session.commit()  # the session holds no savepoint of its own while the request runs
    connection = session.get_bind()
    assert isinstance(connection, Connection)
    savepoint = connection.begin_nested()
    try:
        return client.request(method, path, json=body, headers=auth)
    finally:
        savepoint.rollback()
        # Rows the request wrote are gone; so must be what the session remembers of them.
        session.expunge_all()


def _message(incidents: list[str]) -> NewMessage:
    return NewMessage(
        service="borger-dk",
        type=MessageType.unavailable,
        affected=["Log-in"],
        title="Log-in virker ikke",
        body="Borgere kan ikke logge ind.",
        incidents=incidents,
    )


def _release(version: str, *, interface_change: bool) -> NewRelease:
    """A Borger.dk release on 1 May 2026: an interface change that soon needs a reason."""
    return NewRelease(
        "borger-dk",
        version,
        dt.date(2026, 5, 1),
        notes="Ny log-in-grænseflade.",
        interface_change=interface_change,
        shorter_notice_reason="urgent" if interface_change else None,
    )


def _change() -> NewChange:
    start = dt.datetime(2026, 5, 9, 1, tzinfo=CPH)
    return NewChange(
        "borger-dk",
        ChangeType.normal,
        "Ny version af databasen",
        Risk.medium,
        start,
        start + dt.timedelta(hours=2),
        implementation_plan="Opgradér og genstart",
        fallback_plan="Gendan sikkerhedskopien",
    )


def _parked_item(session: Session, key: str) -> int:
    item_id = enqueue_email(
        session,
        recipient="drift@example.dk",
        subject="Prøve",
        body="Prøve",
        subject_kind="incident",
        subject_key=key,
    )
    assert item_id is not None
    item = session.get(OutboxItem, item_id)
    assert item is not None
    item.state = DeliveryState.parked.value
    return item_id
