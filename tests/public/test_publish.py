"""A change asks for its service's publication; the worker renders each service once per batch,
and plans the publications the clock asks for (R10.1)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.declaration.communication import MessageType
from stabil.public import publish as publishing
from stabil.public.publish import (
    PUBLISH,
    next_midnight,
    next_refresh,
    publish,
    publish_if_stale,
    request_publish,
)
from stabil.public.store import Store
from stabil.settings import get_settings
from stabil.status.models import Message
from stabil.status.service import NewMessage, post_message, resolve_message
from stabil.watch.confirm import Confirmed
from stabil.watch.monitors import NewMonitor, add_monitor
from stabil.watch.service import confirm
from stabil.watch.states import MonitorKind, Source, State
from stabil.windows.service import NewWindow, cancel_window, plan_window
from stabil.worker.jobs import run_due_jobs
from stabil.worker.models import Job, JobState
from tests.cast import Cast
from tests.public.conftest import PlainSite

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)  # a Tuesday
pytestmark = pytest.mark.usefixtures("services")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The store the worker publishes into, one per test."""
    monkeypatch.setenv("STABIL_PUBLIC_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield Store(tmp_path)
    get_settings.cache_clear()


def message(session: Session, cast: Cast, title: str, service: str = "borger-dk") -> int:
    new = NewMessage(service, MessageType.unavailable, ["Log-in"], title, "Borgere kan ikke.")
    return post_message(session, cast.operator.user, new, NOW).id


def publish_jobs(session: Session, state: JobState = JobState.pending) -> list[Job]:
    return list(
        session.scalars(
            select(Job).where(Job.kind == PUBLISH, Job.state == state.value).order_by(Job.id)
        )
    )


def services_asked(session: Session) -> list[str]:
    return [job.payload["service"] for job in publish_jobs(session) if job.run_at <= NOW]


def test_posting_and_resolving_a_message_ask_for_a_publication(
    session: Session, cast: Cast
) -> None:
    posted = session.get_one(Message, message(session, cast, "Log-in virker ikke"))
    assert services_asked(session) == ["borger-dk"]
    assert publish_jobs(session)[0].subject_key == f"service:{posted.service_id}"
    session.commit()  # the next request
    resolve_message(session, cast.operator.user, posted, now=NOW)
    assert services_asked(session) == ["borger-dk", "borger-dk"]
    keys = [job.dedupe_key for job in publish_jobs(session)]
    assert len(set(keys)) == len(keys)  # each request a key of its own: none is lost


def test_planning_and_cancelling_a_window_ask_for_a_publication(
    session: Session, cast: Cast
) -> None:
    start = dt.datetime(2026, 4, 18, 1, tzinfo=CPH)
    new = NewWindow(
        "borger-dk", "short", start, start + dt.timedelta(hours=2), "Opdatering", announce=True
    )
    window = plan_window(session, cast.operator.user, new, NOW)
    assert services_asked(session) == ["borger-dk"]  # its announcement, a message, too
    session.commit()
    cancel_window(session, cast.operator.user, window, "Udskudt", now=NOW)
    assert services_asked(session) == ["borger-dk", "borger-dk"]


def test_a_monitors_new_state_asks_for_a_publication(session: Session, cast: Cast) -> None:
    new = NewMonitor(
        key="login", service="borger-dk", kind=MonitorKind.http, part="login", target="http://x/"
    )
    monitor = add_monitor(session, cast.operator.user, new, now=NOW).monitor
    assert services_asked(session) == []
    confirm(session, monitor, Confirmed(State.down, NOW, {}), Source.probe, NOW)
    assert services_asked(session) == ["borger-dk"]


def test_the_worker_renders_each_service_once_for_many_changes(
    session: Session, cast: Cast, site: PlainSite, store: Store
) -> None:
    for n in range(3):
        message(session, cast, f"Fejl nummer {n}")
        session.commit()  # three requests, each asking
    request_publish(session, "example-webservice", NOW)
    assert len(publish_jobs(session)) == 4
    run_due_jobs(session, NOW)
    assert site.rendered == {"borger-dk": 1, "example-webservice": 1}
    assert len(publish_jobs(session, JobState.done)) == 4
    page = (store.root / "status/borger-dk/index.html").read_text()
    assert all(f"Fejl nummer {n}" in page for n in range(3))
    data = json.loads((store.root / "status/borger-dk.json").read_bytes())
    assert data["state"] == "major_outage"
    assert (store.root / "status/borger-dk/windows.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (store.root / "status/index.html").exists()
    assert (store.root / "status/404.html").exists()


def test_a_service_with_an_outage_is_published_again_soon_and_every_service_at_midnight(
    session: Session, cast: Cast, site: PlainSite, store: Store
) -> None:
    message(session, cast, "Log-in virker ikke")
    run_due_jobs(session, NOW)
    planned = {job.dedupe_key: job.run_at for job in publish_jobs(session)}
    midnight = dt.datetime(2026, 4, 15, tzinfo=CPH).astimezone(dt.UTC)
    soon = (NOW + publishing.REFRESH).astimezone(dt.UTC)
    assert planned == {
        f"{PUBLISH}:borger-dk:day:{midnight.isoformat()}": midnight,
        f"{PUBLISH}:borger-dk:refresh:{soon.isoformat()}": soon,
    }
    # The refresh renders again, and plans the next; nothing is asked twice.
    run_due_jobs(session, NOW + publishing.REFRESH)
    assert site.rendered["borger-dk"] == 2
    assert len(publish_jobs(session)) == 2


def test_a_service_that_is_operational_is_not_refreshed(
    session: Session, site: PlainSite, store: Store
) -> None:
    request_publish(session, "example-webservice", NOW)
    run_due_jobs(session, NOW)
    assert [job.dedupe_key.split(":")[2] for job in publish_jobs(session)] == ["day"]


def test_many_changes_in_one_transaction_ask_once(session: Session, cast: Cast) -> None:
    for n in range(5):
        message(session, cast, f"Fejl nummer {n}")
    assert services_asked(session) == ["borger-dk"]
    request_publish(session, "example-webservice", NOW)
    assert sorted(services_asked(session)) == ["borger-dk", "example-webservice"]


def test_an_ask_rolled_back_with_its_savepoint_is_asked_again(session: Session) -> None:
    savepoint = session.begin_nested()
    request_publish(session, "borger-dk", NOW)
    savepoint.rollback()
    assert services_asked(session) == []
    request_publish(session, "borger-dk", NOW)
    assert services_asked(session) == ["borger-dk"]


@pytest.mark.parametrize(
    ("now", "midnight"),
    [
        # The night the clocks go forward (30 March 2025) and back (26 October 2025): the
        # next midnight is local, 23 and 25 hours after the one before.
        (
            dt.datetime(2025, 3, 29, 23, 30, tzinfo=dt.UTC),
            dt.datetime(2025, 3, 30, 22, tzinfo=dt.UTC),
        ),
        (
            dt.datetime(2025, 3, 29, 22, 59, tzinfo=dt.UTC),
            dt.datetime(2025, 3, 29, 23, tzinfo=dt.UTC),
        ),
        (
            dt.datetime(2025, 10, 25, 22, tzinfo=dt.UTC),
            dt.datetime(2025, 10, 26, 23, tzinfo=dt.UTC),
        ),
        (dt.datetime(2025, 12, 31, 23, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, 23, tzinfo=dt.UTC)),
    ],
)
def test_the_new_day_begins_at_local_midnight(now: dt.datetime, midnight: dt.datetime) -> None:
    assert next_midnight(now, CPH) == midnight


def test_refreshes_close_together_ask_for_the_same_instant() -> None:
    first = next_refresh(dt.datetime(2026, 4, 14, 8, 1, 10, tzinfo=dt.UTC))
    assert first == dt.datetime(2026, 4, 14, 8, 5, tzinfo=dt.UTC)
    assert next_refresh(dt.datetime(2026, 4, 14, 8, 4, 59, tzinfo=dt.UTC)) == first
    assert next_refresh(first) == first + publishing.REFRESH


def test_a_job_for_a_service_that_is_gone_publishes_the_rest(
    session: Session, site: PlainSite, store: Store
) -> None:
    done = publish(session, NOW, ["no-such-service", "borger-dk"], store=store)
    assert [status.key for status in done.statuses] == ["borger-dk"]


def test_serve_publishes_at_start_only_an_empty_or_outdated_store(
    session: Session, site: PlainSite, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert publish_if_stale(session, NOW, store)
    assert set(site.rendered) == {"borger-dk", "example-webservice"}
    assert not publish_if_stale(session, NOW, store)
    monkeypatch.setattr(publishing, "code_stamp", lambda: "another version")
    assert publish_if_stale(session, NOW + dt.timedelta(seconds=1), store)
    assert site.rendered["borger-dk"] == 2
    # Another database (`make demo` beside `make run`) shows other facts.
    monkeypatch.setenv("STABIL_DATABASE_URL", "sqlite:///var/demo.db")
    get_settings.cache_clear()
    assert publish_if_stale(session, NOW + dt.timedelta(seconds=2), store)
    assert not publish_if_stale(session, NOW + dt.timedelta(seconds=3), store)
