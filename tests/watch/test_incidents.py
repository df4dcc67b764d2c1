"""From a confirmed outage to the desk: an incident opened or joined, the recovery noted,
never resolved by itself; on both databases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.desk.models import Incident, IncidentEvent
from stabil.watch import downtime  # noqa: F401 (majors read the downtime from watch)
from stabil.watch.confirm import Confirmed
from stabil.watch.models import Monitor, StateInterval
from stabil.watch.monitors import NewMonitor, add_monitor
from stabil.watch.service import confirm
from stabil.watch.states import MonitorKind, Source, State
from tests.cast import Cast
from tests.escalation.conftest import run_until

CPH = ZoneInfo("Europe/Copenhagen")
START = dt.datetime(2026, 3, 3, 9, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("services")


def monitor(session: Session, cast: Cast, key: str, part: str) -> Monitor:
    new = NewMonitor(
        key=key,
        service="borger-dk",
        kind=MonitorKind.http,
        part=part,
        target=f"http://127.0.0.1:9/{key}",
    )
    found = add_monitor(session, cast.operator.user, new, now=START).monitor
    confirm(session, found, Confirmed(State.up, START, {}), Source.probe, START)
    return found


def goes(session: Session, item: Monitor, state: State, minutes: int, **evidence: object) -> None:
    since = START + dt.timedelta(minutes=minutes)
    confirmed = Confirmed(state, since, dict(evidence))
    confirm(session, item, confirmed, Source.probe, since + dt.timedelta(minutes=3))


def notes(session: Session, incident: Incident) -> list[str]:
    rows = session.scalars(
        select(IncidentEvent.note)
        .where(IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "note")
        .order_by(IncidentEvent.seq)
    )
    return [note or "" for note in rows]


def test_an_outage_of_a_part_that_counts_opens_an_incident_from_its_start(
    session: Session, cast: Cast
) -> None:
    login = monitor(session, cast, "login", "login")
    goes(session, login, State.down, 10, status_code=503)
    incident = session.get(Incident, login.incident_id)
    assert incident is not None
    assert (incident.channel, incident.priority, incident.state) == ("monitor", 1, "registered")
    assert incident.detected_at == START + dt.timedelta(minutes=10)
    assert incident.title == "Log-in med MitID er utilgængelig"
    assert "03.03.2026 kl. 09:10 (HTTP 503)" in incident.description
    assert incident.reported_by_id is None  # Stabil itself


def test_a_second_outage_joins_the_open_incident_and_recovery_only_suggests_resolving(
    session: Session, cast: Cast
) -> None:
    login, front = (
        monitor(session, cast, "login", "login"),
        monitor(session, cast, "f", "front_page"),
    )
    goes(session, login, State.down, 10)
    goes(session, front, State.down, 12, error="connection refused")
    assert front.incident_id == login.incident_id
    goes(session, login, State.up, 40)
    incident = session.get(Incident, front.incident_id)
    assert incident is not None
    assert incident.state == "registered"  # never resolved by itself
    assert notes(session, incident) == [
        "Overvågningen (f) har set Forsiden og artiklerne nede siden 03.03.2026 kl. 09:12 "
        "(connection refused).",
        "Overvågningen (login) ser Log-in med MitID oppe igen siden 03.03.2026 kl. 09:40. "
        "Er fejlen væk, kan incidentet løses.",
    ]
    assert login.incident_id is None
    logged = session.scalars(
        select(StateInterval).where(
            StateInterval.monitor_id == login.id, StateInterval.state == "down"
        )
    ).one()
    assert (logged.start, logged.end, logged.incident_id) == (
        START + dt.timedelta(minutes=10),
        START + dt.timedelta(minutes=40),
        incident.id,
    )


def test_a_part_that_does_not_count_opens_no_incident(session: Session, cast: Cast) -> None:
    articles = monitor(session, cast, "import", "article_import")
    goes(session, articles, State.down, 10)
    assert articles.incident_id is None
    assert session.scalar(select(Incident.id)) is None


def downtime_steps(session: Session, incident_id: int | None) -> list[dt.datetime]:
    rows = session.scalars(
        select(IncidentEvent.effective_at).where(
            IncidentEvent.incident_id == incident_id, IncidentEvent.kind == "downtime_step"
        )
    )
    return list(rows)


def test_the_step_after_an_hour_of_downtime_reads_the_downtime_from_the_monitors_r9_4(
    session: Session, cast: Cast
) -> None:
    login = monitor(session, cast, "login", "login")
    goes(session, login, State.down, 0)  # an outage from 09:00: the major incident opens
    incident_id = login.incident_id
    goes(session, login, State.up, 30)  # back at 09:30, down again from 09:45
    goes(session, login, State.down, 45)
    run_until(session, START + dt.timedelta(minutes=60))
    assert downtime_steps(session, incident_id) == []  # 45 minutes of downtime so far
    run_until(session, START + dt.timedelta(minutes=74))
    assert downtime_steps(session, incident_id) == []
    run_until(session, START + dt.timedelta(minutes=75))  # 30 + 30 minutes: the hour is full
    assert downtime_steps(session, incident_id) == [START + dt.timedelta(minutes=75)]


def test_a_service_back_within_the_hour_needs_no_step_r9_4(session: Session, cast: Cast) -> None:
    login = monitor(session, cast, "login", "login")
    goes(session, login, State.down, 0)
    incident_id = login.incident_id
    goes(session, login, State.up, 20)
    run_until(session, START + dt.timedelta(hours=3))
    assert downtime_steps(session, incident_id) == []
