"""Opening incidents and moving them through their states, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.catalog.service import load_declaration_text
from stabil.desk import transitions
from stabil.desk.models import Incident, IncidentEvent
from stabil.desk.present import incident_out
from stabil.desk.service import NewIncident, change_priority, edit_incident, open_incident
from stabil.desk.suggestion import Impact
from stabil.errors import Forbidden, Invalid, NotFound, TransitionNotAllowed
from tests.cast import Cast
from tests.conftest import BORGER_DK

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.usefixtures("services")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def report(session: Session, cast: Cast, now: dt.datetime, **changes: object) -> Incident:
    fields: dict[str, object] = {
        "service": "borger-dk",
        "title": "Log-in fejler",
        "description": "MitID-login giver fejl 500",
        "impact": Impact(users_affected_percent=30),
        "detected_at": None,
    }
    fields.update(changes)
    return open_incident(session, cast.operator.user, NewIncident(**fields), now=now)  # type: ignore[arg-type]


def test_key_priority_and_timers(session: Session, cast: Cast) -> None:
    # Tuesday 14 April 2026 10:00: P1 reaction due 10:15, resolution (240 min) due 14:00.
    now = local(2026, 4, 14, 10)
    incident = report(session, cast, now)
    second = report(session, cast, now)
    assert incident.key == "BDK-2026-0001"
    assert second.key == "BDK-2026-0002"
    out = incident_out(incident, now, cast.operator.user)
    assert (out.priority, out.suggested_priority, out.major) == (1, 1, True)
    assert out.declaration_version == "1.0"
    assert out.timers["reaction"].due_at == local(2026, 4, 14, 10, 15)
    assert out.timers["resolution"].due_at == local(2026, 4, 14, 14)
    assert out.timers["reaction"].target_seconds == 900
    assert out.state == "registered"


def test_numbers_restart_each_year(session: Session, cast: Cast) -> None:
    report(session, cast, local(2026, 12, 30, 10))
    incident = report(session, cast, local(2027, 1, 4, 10))
    assert incident.key == "BDK-2027-0001"


def test_detected_in_the_future_is_refused(session: Session, cast: Cast) -> None:
    now = local(2026, 4, 14, 10)
    with pytest.raises(Invalid, match="lies in the future"):
        report(session, cast, now, detected_at=now + dt.timedelta(seconds=1))


def test_unknown_service_is_refused(session: Session, cast: Cast) -> None:
    with pytest.raises(Invalid, match="no service is named 'nope'"):
        report(session, cast, local(2026, 4, 14, 10), service="nope")


def test_override_needs_a_reason_r6_5(session: Session, cast: Cast) -> None:
    now = local(2026, 4, 14, 10)
    with pytest.raises(Invalid) as caught:
        report(session, cast, now, priority=2)
    assert caught.value.field == "priority_reason"
    incident = report(session, cast, now, priority=2, priority_reason="Kun én kommune ramt")
    assert (incident.priority, incident.suggested_priority) == (2, 1)
    assert incident.priority_reason == "Kun én kommune ramt"


def test_every_transition_and_its_events(session: Session, cast: Cast) -> None:
    op = cast.operator.user
    incident = report(session, cast, local(2026, 4, 14, 10), detected_at=local(2026, 4, 14, 9, 50))
    transitions.hand_over(session, op, incident, party="supplier-a", now=local(2026, 4, 14, 10, 1))
    transitions.resolve(session, cast.supplier.user, incident, now=local(2026, 4, 14, 11))
    transitions.reopen(session, op, incident, note="fejlen er tilbage", now=local(2026, 4, 14, 12))
    transitions.resolve(session, op, incident, now=local(2026, 4, 14, 12, 30))
    transitions.close(session, op, incident, now=local(2026, 4, 14, 13))
    events = session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident.id)
        .order_by(IncidentEvent.seq)
    ).all()
    assert [(e.kind, e.before.get("state"), e.after.get("state")) for e in events] == [
        ("opened", None, "registered"),
        ("report_routed", None, None),  # R5.3: to 1st level support and operations at once
        ("transition", "registered", "handed_over"),
        ("transition", "handed_over", "resolved"),
        ("transition", "resolved", "handed_over"),
        ("transition", "handed_over", "resolved"),
        ("transition", "resolved", "closed"),
    ]
    assert events[2].after["party"] == "supplier-a"
    assert events[4].after["reopen"] is True
    assert events[4].note == "fejlen er tilbage"
    assert events[3].actor_id == cast.supplier.user.id
    out = incident_out(incident, local(2026, 4, 15), cast.operator.user)
    # Resolution: 09:50-11:00 (70 min) and 12:00-12:30 (30 min) = 100 min of 240: met.
    assert out.timers["resolution"].elapsed_seconds == 100 * 60
    assert out.timers["resolution"].met is True
    # Reaction: 09:50-10:01 = 11 min of 15: met.
    assert out.timers["reaction"].elapsed_seconds == 11 * 60
    assert out.timers["reaction"].met is True
    assert out.allowed_transitions == []


def test_transition_not_allowed_lists_the_allowed(session: Session, cast: Cast) -> None:
    incident = report(session, cast, local(2026, 4, 14, 10))
    with pytest.raises(TransitionNotAllowed) as caught:
        transitions.close(session, cast.operator.user, incident, now=local(2026, 4, 14, 11))
    assert caught.value.allowed_transitions == ["handed_over", "cancelled"]


def test_entry_made_afterwards_r7_2(session: Session, cast: Cast) -> None:
    # Registered at 10:30 about a fault detected at 10:00 and handed over at 10:10.
    incident = report(session, cast, local(2026, 4, 14, 10, 30), detected_at=local(2026, 4, 14, 10))
    op = cast.operator.user
    with pytest.raises(Invalid, match="before the previous step"):
        transitions.hand_over(
            session,
            op,
            incident,
            party="supplier-a",
            at=local(2026, 4, 14, 9, 59),
            now=local(2026, 4, 14, 10, 30),
        )
    with pytest.raises(Invalid, match="lies in the future"):
        transitions.hand_over(
            session,
            op,
            incident,
            party="supplier-a",
            at=local(2026, 4, 14, 10, 31),
            now=local(2026, 4, 14, 10, 30),
        )
    transitions.hand_over(
        session,
        op,
        incident,
        party="supplier-a",
        at=local(2026, 4, 14, 10, 10),
        now=local(2026, 4, 14, 10, 30),
    )
    out = incident_out(incident, local(2026, 4, 14, 10, 30), cast.operator.user)
    assert out.timers["reaction"].stopped_at == local(2026, 4, 14, 10, 10)
    assert out.timers["reaction"].met is True
    event = session.scalars(select(IncidentEvent).where(IncidentEvent.kind == "transition")).one()
    assert event.effective_at == local(2026, 4, 14, 10, 10)
    assert event.recorded_at == local(2026, 4, 14, 10, 30)


def test_priority_change_recomputes_from_detection(session: Session, cast: Cast) -> None:
    # Detected Tuesday 10:00 as P1 (reaction due 10:15); changed to P2 at 10:05: 240 minutes
    # from 10:00 is 14:00.
    incident = report(session, cast, local(2026, 4, 14, 10))
    with pytest.raises(Invalid, match="required when the priority changes"):
        change_priority(
            session, cast.operator.user, incident, 2, None, now=local(2026, 4, 14, 10, 5)
        )
    change_priority(
        session,
        cast.operator.user,
        incident,
        2,
        "Færre ramt end først antaget",
        now=local(2026, 4, 14, 10, 5),
    )
    out = incident_out(incident, local(2026, 4, 14, 10, 5), cast.operator.user)
    assert out.priority == 2
    assert out.major is False
    assert out.timers["reaction"].due_at == local(2026, 4, 14, 14)
    event = session.scalars(
        select(IncidentEvent).where(IncidentEvent.kind == "priority_changed")
    ).one()
    assert (event.before["priority"], event.after["priority"]) == (1, 2)


def test_cancel_needs_a_reason_and_excludes_timers(session: Session, cast: Cast) -> None:
    incident = report(session, cast, local(2026, 4, 14, 10))
    with pytest.raises(Invalid, match="say why"):
        transitions.cancel(
            session, cast.operator.user, incident, reason=" ", now=local(2026, 4, 14, 10, 5)
        )
    transitions.cancel(
        session, cast.operator.user, incident, reason="Dublet", now=local(2026, 4, 14, 10, 5)
    )
    assert incident.state == "cancelled"
    assert all(timer.excluded for timer in incident.timers)


def test_edit_records_only_what_changed(session: Session, cast: Cast) -> None:
    incident = report(session, cast, local(2026, 4, 14, 10))
    edit_incident(
        session,
        cast.operator.user,
        incident,
        {"title": "Log-in fejler for alle", "description": incident.description},
        now=local(2026, 4, 14, 10, 5),
    )
    event = session.scalars(select(IncidentEvent).where(IncidentEvent.kind == "edited")).one()
    assert event.before == {"title": "Log-in fejler"}
    assert event.after == {"title": "Log-in fejler for alle"}


def test_events_are_immutable(session: Session, cast: Cast) -> None:
    incident = report(session, cast, local(2026, 4, 14, 10))
    session.flush()
    event = session.scalars(
        select(IncidentEvent).where(
            IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "opened"
        )
    ).one()
    event.note = "rewritten"
    with pytest.raises(PermissionError, match="immutable"):
        session.flush()


def test_new_declaration_version_leaves_open_incidents_alone(session: Session, cast: Cast) -> None:
    incident = report(session, cast, local(2026, 4, 14, 10))
    text = BORGER_DK.read_text(encoding="utf-8")
    newer = text.replace(
        '  version: "1.0"\n  effective: 2015-03-16\n', '  version: "1.1"\n  effective: 2026-04-14\n'
    )
    newer = newer.replace(
        "    notify: [authority_network]\n    source: R1.3",
        '      - {date: 2026-04-14, version: "1.1", change: {da: Kortere mål}, author: DOR}\n'
        "    notify: [authority_network]\n    source: R1.3",
    ).replace("reaction: {value: 15, unit: minutes", "reaction: {value: 10, unit: minutes")
    load_declaration_text(session, newer, "borger-dk.yaml")
    later = report(session, cast, local(2026, 4, 14, 11))
    change_priority(session, cast.operator.user, incident, 1, None, now=local(2026, 4, 14, 11))
    old_out, new_out = (
        incident_out(incident, local(2026, 4, 14, 11), cast.operator.user),
        incident_out(later, local(2026, 4, 14, 11), cast.operator.user),
    )
    assert (old_out.declaration_version, new_out.declaration_version) == ("1.0", "1.1")
    assert old_out.timers["reaction"].target_seconds == 900
    assert new_out.timers["reaction"].target_seconds == 600


def test_supplier_and_authority_limits(session: Session, cast: Cast) -> None:
    incident = report(session, cast, local(2026, 4, 14, 10))
    # Not handed to the supplier, so not visible to it: answered as if it did not exist.
    with pytest.raises(NotFound):
        transitions.hand_over(
            session, cast.supplier.user, incident, party="supplier-a", now=local(2026, 4, 14, 10, 1)
        )
    with pytest.raises(Forbidden):
        open_incident(
            session,
            cast.viewer.user,
            NewIncident("borger-dk", "x", "y"),
            now=local(2026, 4, 14, 10),
        )
    assert session.scalar(select(func.count()).select_from(Incident)) == 1
