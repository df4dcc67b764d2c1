"""A window's stakeholders are told of it: announced, reminded, begun, ended, moved or cancelled,
each once, through the operational message and the outbox (R12.2, R10.2, R10.3)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.outbox.models import OutboxItem
from stabil.status.models import Message
from stabil.subscriptions.service import add_subscriber
from stabil.windows import jobs as window_jobs
from stabil.windows.models import ServiceWindow
from stabil.windows.service import (
    NewWindow,
    cancel_window,
    complete_window,
    plan_window,
    reschedule_window,
    start_window,
)
from stabil.worker.jobs import run_due_jobs
from stabil.worker.models import Job, JobState
from tests.cast import Cast
from tests.outbox.delivery_helpers import Clock, smtp_settings, worker
from tests.outbox.servers import smtp_server

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)  # a Tuesday
START = dt.datetime(2026, 4, 18, 1, tzinfo=CPH)  # the Saturday after, 01:00-03:00
END = START + dt.timedelta(hours=2)
SUBSCRIBER = "it@kommune.example"
pytestmark = pytest.mark.usefixtures("services")
assert window_jobs.remind  # imported for its job handlers, as the worker imports it


def planned(session: Session, cast: Cast, **changes: object) -> ServiceWindow:
    values: dict[str, object] = {
        "service": "borger-dk",
        "kind": "short",
        "start": START,
        "end": END,
        "title": "Opdatering af databasen",
        "body": "Selvbetjeningen kan være utilgængelig.",
        "body_en": "Self-service may be unavailable.",
        "affected": ["Selvbetjening"],
        "announce": True,
    }
    values.update(changes)
    return plan_window(session, cast.operator.user, NewWindow(**values), NOW)  # type: ignore[arg-type]


def entries(window: ServiceWindow) -> list[tuple[str, str]]:
    assert window.message is not None
    return [(entry.kind, entry.body) for entry in window.message.entries]


def jobs(session: Session, window: ServiceWindow) -> dict[str, tuple[str, dt.datetime]]:
    rows = session.scalars(select(Job).where(Job.subject_key == f"window:{window.id}"))
    return {row.dedupe_key: (row.state, row.run_at) for row in rows}


def mails(session: Session) -> Counter[str]:
    return Counter(session.scalars(select(OutboxItem.subject)))


def test_announcing_posts_a_service_window_message_in_local_time(
    session: Session, cast: Cast
) -> None:
    add_subscriber(session, "borger-dk", SUBSCRIBER)
    window = planned(session, cast)
    message = window.message
    assert message is not None
    assert (message.type, message.title, message.affected) == (
        "service_window",
        "Opdatering af databasen",
        ["Selvbetjening"],
    )
    [(kind, body)] = entries(window)
    assert kind == "posted"
    assert body == (
        "Selvbetjeningen kan være utilgængelig.\n\n"
        "Tidspunkt: lørdag den 18. april 2026 kl. 01:00–03:00."
    )
    assert message.entries[0].body_en == (
        "Self-service may be unavailable.\n\n"
        "Time: Saturday 18 April 2026, 01:00–03:00 (Europe/Copenhagen time)."
    )
    assert message.horizon_at == END
    assert mails(session) == {"[Borger.dk] Driftsstatus: Opdatering af databasen": 1}


def test_a_window_planned_but_not_announced_tells_nobody(session: Session, cast: Cast) -> None:
    window = planned(session, cast, announce=False)
    assert window.message is None
    assert jobs(session, window) == {}
    assert session.scalars(select(Message)).all() == []


def test_the_reminder_start_and_end_are_planned_at_their_times(
    session: Session, cast: Cast
) -> None:
    window = planned(session, cast)
    subject = f"window:{window.id}"
    assert jobs(session, window) == {
        f"{subject}:reminder:2026-04-17T23:00:00+00:00": ("pending", START - dt.timedelta(1)),
        f"{subject}:start": ("pending", START),
        f"{subject}:end": ("pending", END),
    }


def test_a_window_announced_inside_the_reminder_period_gets_no_reminder(
    session: Session, cast: Cast
) -> None:
    # Announced at 10:00 for 01:00 the night after next... 15 hours before: no reminder.
    start = dt.datetime(2026, 4, 15, 1, tzinfo=CPH)
    late = {"start": start, "end": start + dt.timedelta(hours=1), "override_reason": "Akut"}
    window = planned(session, cast, **late)
    assert sorted(jobs(session, window)) == [f"window:{window.id}:end", f"window:{window.id}:start"]


def test_the_worker_reminds_starts_and_ends_the_window_each_once(
    session: Session, cast: Cast
) -> None:
    window = planned(session, cast)
    for moment in (START - dt.timedelta(hours=24), START, END):
        run_due_jobs(session, moment)
        run_due_jobs(session, moment + dt.timedelta(minutes=5))  # again: nothing new
    session.refresh(window)
    assert (window.state, window.actual_start, window.actual_end) == ("completed", START, END)
    assert [kind for kind, _ in entries(window)] == ["posted", "updated", "updated", "resolved"]
    assert entries(window)[1][1] == (
        "Påmindelse: servicevinduet ligger lørdag den 18. april 2026 kl. 01:00–03:00."
    )
    assert entries(window)[2][1] == (
        "Servicevinduet er begyndt kl. 01:00. Efter planen slutter det kl. 03:00."
    )
    assert entries(window)[3][1] == (
        "Servicevinduet sluttede kl. 03:00, og Borger.dk kører normalt igen."
    )
    assert window.message is not None
    assert window.message.state == "resolved"
    assert {state for state, _ in jobs(session, window).values()} == {JobState.done.value}
    system = [event for event in window.events if event.kind in ("started", "completed")]
    assert [event.actor_id for event in system] == [None, None]


def test_a_window_the_desk_started_early_is_not_started_again(session: Session, cast: Cast) -> None:
    window = planned(session, cast)
    early = START - dt.timedelta(minutes=30)
    start_window(session, cast.operator.user, window, at=early, now=early)
    run_due_jobs(session, START)
    assert window.actual_start == early
    assert [kind for kind, _ in entries(window)] == ["posted", "updated"]
    assert "begyndt kl. 00:30" in entries(window)[1][1]
    complete_window(session, cast.operator.user, window, at=END, now=END)
    run_due_jobs(session, END)
    assert [kind for kind, _ in entries(window)] == ["posted", "updated", "resolved"]


def test_rescheduling_updates_the_message_and_moves_the_jobs(session: Session, cast: Cast) -> None:
    window = planned(session, cast)
    later = NOW + dt.timedelta(hours=1)
    start = dt.datetime(2026, 4, 25, 2, tzinfo=CPH)
    reschedule_window(
        session, cast.operator.user, window, start, start + dt.timedelta(hours=2), now=later
    )
    assert entries(window)[1] == (
        "updated",
        "Servicevinduet er flyttet. Nyt tidspunkt: lørdag den 25. april 2026 kl. 02:00–04:00.",
    )
    assert window.message is not None
    assert window.message.horizon_at == start + dt.timedelta(hours=2)
    subject = f"window:{window.id}"
    assert jobs(session, window) == {
        f"{subject}:reminder:2026-04-17T23:00:00+00:00": ("cancelled", START - dt.timedelta(1)),
        f"{subject}:reminder:2026-04-25T00:00:00+00:00": ("pending", start - dt.timedelta(1)),
        f"{subject}:start": ("pending", start),
        f"{subject}:end": ("pending", start + dt.timedelta(hours=2)),
    }
    run_due_jobs(session, START)  # the old start passes: nothing happens
    assert window.state == "announced"


def test_cancelling_resolves_the_message_without_telling_of_restored_service(
    session: Session, cast: Cast
) -> None:
    window = planned(session, cast)
    cancel_window(session, cast.operator.user, window, "Leverandøren er ikke klar", NOW)
    assert entries(window)[-1] == (
        "resolved",
        "Servicevinduet lørdag den 18. april 2026 kl. 01:00–03:00 er aflyst.",
    )
    assert {state for state, _ in jobs(session, window).values()} == {JobState.cancelled.value}
    for moment in (START - dt.timedelta(hours=24), START, END):
        run_due_jobs(session, moment)
    assert window.state == "cancelled"
    assert len(entries(window)) == 2


def test_a_window_entered_after_it_was_over_tells_nobody(session: Session, cast: Cast) -> None:
    start = dt.datetime(2026, 4, 11, 1, tzinfo=CPH)
    window = planned(
        session,
        cast,
        start=start,
        end=start + dt.timedelta(hours=1),
        announced_at=start - dt.timedelta(days=5),
    )
    assert window.state == "announced"
    assert window.message is None
    assert jobs(session, window) == {}


def test_the_mails_reach_a_real_smtp_server_exactly_once(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    add_subscriber(session, "borger-dk", SUBSCRIBER)
    with time_machine.travel(NOW, tick=False):  # the outbox stamps its items with the time
        planned(session, cast)
        session.commit()
    clock = Clock(NOW)
    with smtp_server() as server:
        stabil = worker(session, smtp_settings(tmp_path, server.port), clock)
        for moment in (NOW, START - dt.timedelta(hours=24), START, END, END):
            clock.now = moment + dt.timedelta(seconds=1)
            with time_machine.travel(clock.now, tick=False):
                stabil.run_once()
    subjects = Counter(mail["Subject"] for mail in server.received)
    base = "[Borger.dk] Driftsstatus: Opdatering af databasen"
    assert subjects == {base: 1, f"{base} (opdateret)": 2, f"{base} (løst)": 1}
    assert {mail["To"] for mail in server.received} == {SUBSCRIBER}
    assert len(set(server.message_ids)) == 4
