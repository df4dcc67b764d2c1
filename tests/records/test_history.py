"""The one recorded-entity mechanism, on every kind of record: events numbered by revision,
one at a time or in bulk, a second writer of the same revision refused, and history rows
that can never be changed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from stabil.changes.models import Change as ChangeRecord
from stabil.changes.models import ChangeEvent
from stabil.changes.service import NewChange, request_change
from stabil.changes.states import ChangeType, Risk
from stabil.db.base import Base
from stabil.declaration.communication import MessageType
from stabil.desk.models import Incident, IncidentEvent
from stabil.desk.service import NewIncident, open_incident
from stabil.meetings.models import Meeting, MeetingEvent
from stabil.meetings.service import NewMeeting, plan_meeting
from stabil.problems.models import Problem, ProblemEvent
from stabil.problems.service import NewProblem, open_problem
from stabil.records.history import Change, append_event, append_events, events_of, history_of
from stabil.records.models import Event, Immutable, Recorded
from stabil.releases.models import Release, ReleaseEvent
from stabil.releases.service import NewRelease, register_release
from stabil.requests.models import ServiceRequest, ServiceRequestEvent
from stabil.requests.service import NewRequest, submit_request
from stabil.status.models import Message, MessageEntry, MessageEvent
from stabil.status.service import NewMessage, post_message
from stabil.watch.models import Monitor, MonitorEvent, StateInterval
from stabil.watch.monitors import NewMonitor, add_monitor
from stabil.watch.recording import Entry, log_interval
from stabil.watch.states import MonitorKind, Source, State
from stabil.windows.models import ServiceWindow, ServiceWindowEvent
from stabil.windows.service import NewWindow, plan_window
from tests.cast import Cast

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
LATER = NOW + dt.timedelta(minutes=5)
KINDS = (
    Incident, Problem, ServiceRequest, Message, ServiceWindow, ChangeRecord, Release, Meeting,
    Monitor,
)  # fmt: skip
pytestmark = pytest.mark.usefixtures("services")


def one_of_each(session: Session, cast: Cast) -> list[Recorded]:
    """An incident, a problem, a service request, a service window, a change, a release, a
    meeting, a monitor and a message (last), each with its first event."""
    operator = cast.operator.user
    made: list[Recorded] = [
        open_incident(session, operator, NewIncident("borger-dk", "Fejl", ""), now=NOW),
        open_problem(session, operator, NewProblem("borger-dk", "Årsag"), now=NOW),
        submit_request(session, operator, NewRequest("borger-dk", "Adgang"), now=NOW),
        plan_window(session, operator, night(NOW + dt.timedelta(days=4)), now=NOW),
        request_change(session, operator, change(NOW + dt.timedelta(days=4)), now=NOW),
        register_release(
            session, operator, NewRelease("borger-dk", "2.0", dt.date(2026, 5, 7)), now=NOW
        ),
        plan_meeting(
            session, operator, NewMeeting("borger-dk", "operations_meeting", LATER), now=NOW
        ),
        add_monitor(
            session, operator, NewMonitor("m", "borger-dk", MonitorKind.tcp, target="h:1"), NOW
        ).monitor,
        post_message(
            session,
            operator,
            NewMessage("borger-dk", MessageType.unavailable, ["Log-in"], "Nede", "Log-in er nede"),
            now=NOW,
        ),
    ]
    session.flush()
    return made


def night(day: dt.datetime) -> NewWindow:
    start = day.replace(hour=1, minute=0)
    return NewWindow("borger-dk", "short", start, start + dt.timedelta(hours=2), "Opdatering")


def change(day: dt.datetime) -> NewChange:
    start = day.replace(hour=1, minute=0)
    return NewChange(
        "borger-dk", ChangeType.normal, "Opdatering", Risk.low, start, start + dt.timedelta(hours=2)
    )


def test_each_kind_has_its_event_table_found_from_its_events_relationship() -> None:
    found = {kind: history_of(kind) for kind in KINDS}
    assert {kind: (item.model, item.column) for kind, item in found.items()} == {
        Incident: (IncidentEvent, "incident_id"),
        Problem: (ProblemEvent, "problem_id"),
        ServiceRequest: (ServiceRequestEvent, "request_id"),
        Message: (MessageEvent, "message_id"),
        ServiceWindow: (ServiceWindowEvent, "window_id"),
        ChangeRecord: (ChangeEvent, "change_id"),
        Release: (ReleaseEvent, "release_id"),
        Meeting: (MeetingEvent, "meeting_id"),
        Monitor: (MonitorEvent, "monitor_id"),
    }


def test_every_event_table_is_guarded_against_a_second_writer_of_a_revision() -> None:
    events = [mapper for mapper in Base.registry.mappers if issubclass(mapper.class_, Event)]
    assert len(events) == len(KINDS)
    for mapper in events:
        unique = {
            tuple(column.name for column in constraint.columns)
            for constraint in mapper.local_table.constraints
            if isinstance(constraint, UniqueConstraint)
        }
        subject = next(
            item.column for item in map(history_of, KINDS) if item.model is mapper.class_
        )
        assert (subject, "seq") in unique, mapper.class_


def test_the_revision_is_the_seq_of_the_latest_event(session: Session, cast: Cast) -> None:
    for entity in one_of_each(session, cast):
        first = entity.revision  # its opening, and for an incident the routing of its report
        append_event(session, entity, kind="edited", actor=cast.viewer.user, recorded_at=LATER)
        append_event(session, entity, kind="edited", recorded_at=LATER, after={"x": 1})
        events = events_of(session, entity)
        assert [event.seq for event in events] == list(range(1, first + 3)), type(entity)
        assert entity.revision == first + 2
        assert entity.updated_at == LATER
        assert events[-2].actor == cast.viewer.user
        assert (events[-1].actor, events[-1].after) == (None, {"x": 1})


def test_the_bulk_path_numbers_events_as_one_at_a_time_does(session: Session, cast: Cast) -> None:
    incident, problem, *_ = one_of_each(session, cast)
    append_events(
        session,
        [
            (incident, Change("escalated", effective_at=NOW, after={"n": 1})),
            (problem, Change("edited", after={"n": 2})),
            (incident, Change("escalated", effective_at=NOW, after={"n": 3})),
        ],
        LATER,
    )
    first = incident.revision - 2
    assert problem.revision == 2
    append_event(session, incident, kind="edited", effective_at=LATER, recorded_at=LATER)
    session.flush()
    session.expire_all()
    rows = session.execute(
        select(IncidentEvent.seq, IncidentEvent.effective_at, IncidentEvent.after)
        .where(IncidentEvent.incident_id == incident.id)
        .order_by(IncidentEvent.seq)
    ).all()
    assert [(seq, after) for seq, _at, after in rows][first:] == [
        (first + 1, {"n": 1}),
        (first + 2, {"n": 3}),
        (first + 3, {}),
    ]
    assert rows[first].effective_at == NOW
    stored = session.get(Incident, incident.id)
    assert stored is not None
    assert (stored.revision, stored.updated_at) == (first + 3, LATER)
    assert [event.seq for event in events_of(session, problem)] == [1, 2]


def test_a_second_writer_of_the_same_revision_fails(session: Session, cast: Cast) -> None:
    for entity in one_of_each(session, cast):
        # As a writer would that read the entity before another one appended its event.
        set_committed_value(entity, "revision", entity.revision - 1)
        attempt = session.begin_nested()
        append_event(session, entity, kind="edited", recorded_at=LATER)
        with pytest.raises(IntegrityError):
            session.flush()
        attempt.rollback()


def test_history_rows_can_never_be_changed_or_deleted(session: Session, cast: Cast) -> None:
    *_, monitor, _message = one_of_each(session, cast)
    assert isinstance(monitor, Monitor)
    guarded = sorted(
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, Immutable)
    )
    assert guarded == [
        "ChangeEvent",
        "IncidentEvent",
        "MeetingEvent",
        "MessageEntry",
        "MessageEvent",
        "MonitorEvent",
        "ProblemEvent",
        "ReleaseEvent",
        "ServiceRequestEvent",
        "ServiceWindowEvent",
        "StateInterval",
    ]
    events = (
        IncidentEvent,
        ProblemEvent,
        ServiceRequestEvent,
        ServiceWindowEvent,
        ChangeEvent,
        ReleaseEvent,
        MeetingEvent,
        MonitorEvent,
        MessageEvent,
    )
    entry = Entry(monitor.service_id, NOW, LATER, State.down, Source.manual, reason="-")
    log_interval(session, entry, LATER)
    for model in (*events, MessageEntry, StateInterval):
        row = session.scalars(select(model).limit(1)).one()
        attempt = session.begin_nested()
        setattr(row, "state" if model is StateInterval else "kind", "rewritten")
        with pytest.raises(PermissionError, match=f"{model.__name__} .* is immutable"):
            session.flush()
        attempt.rollback()
        attempt = session.begin_nested()
        session.delete(row)
        with pytest.raises(PermissionError, match="immutable"):
            session.flush()
        attempt.rollback()


def test_a_note_goes_only_where_the_table_keeps_notes(session: Session, cast: Cast) -> None:
    *_, message = one_of_each(session, cast)
    with pytest.raises(TypeError, match="MessageEvent keeps no notes"):
        append_event(session, message, kind="edited", recorded_at=LATER, note="Hemmeligt")
    assert message.revision == 1
