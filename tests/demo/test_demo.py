"""`stabil demo` on real databases: it completes, leaves every kind of record, mostly in
time and some late, a queue with content, users who can sign in, and the same history for
the same seed; a database that is not its own it leaves as it was.

Each history is written once and then checked in every way by one test: a demo run costs
seconds, and with xdist a fixture shared by several tests would be written once per worker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of, version_named
from stabil.changes.models import Change
from stabil.clock import clock_for
from stabil.demo.people import AUTHORITIES, DEMO_PASSWORD, SUPPLIERS
from stabil.demo.plan import months_before
from stabil.demo.service import credentials
from stabil.demo.timing import Month, reported_month
from stabil.desk.models import Escalation, Incident, IncidentEvent, IncidentTimer, MajorReview
from stabil.meetings.models import Meeting, MeetingAction
from stabil.outbox.models import OutboxItem
from stabil.problems.models import Problem
from stabil.releases.models import Release
from stabil.requests.models import ServiceRequest
from stabil.status.models import Message
from stabil.watch.availability import uptime
from stabil.watch.models import Monitor, StateInterval
from stabil.windows.models import ServiceWindow
from tests.accounts.signin import signs_in
from tests.demo.conftest import (
    DEMO,
    DEMO_AT_NOW,
    KINDS,
    MONTHS,
    NOW,
    Database,
    fresh_database,
    row_counts,
)


@pytest.mark.parametrize("kind", KINDS)
def test_two_months_of_history(kind: str, tmp_path: Path, worker_id: str, testrun_uid: str) -> None:
    name = f"stabil_demo_{testrun_uid[:8]}_{worker_id}"
    with fresh_database(kind, name, tmp_path) as database:
        result = database.stabil(*DEMO_AT_NOW)
        assert result.exit_code == 0, result.output
        _prints_how_to_sign_in(result.output)
        with database.session() as session:
            _every_printed_user_signs_in(session)
            _every_kind_of_record_is_there(session)
            _post_reviews_are_sent_on_time_and_one_late(session)
            _most_timers_are_met_and_some_are_not(session)
            _the_queue_has_open_incidents_near_and_past_their_deadlines(session)
            _its_mail_is_in_the_local_mailbox(session, database)
            _windows_keep_the_rules_but_one_announced_late(session)
            _changes_and_releases_are_there(session)
            _its_parts_are_watched_with_a_history_of_outages(session)
            _the_last_whole_month_has_something_in_every_section_of_its_report(session)
        _a_second_run_on_its_own_database_changes_nothing(database)


def _prints_how_to_sign_in(output: str) -> None:
    assert "incidents by priority: P1 " in output
    assert "Sign in at http://127.0.0.1:8000/login as" in output  # STABIL_PUBLIC_URL's default
    for _role, email in credentials():
        assert email in output
    assert DEMO_PASSWORD in output


def _every_printed_user_signs_in(session: Session) -> None:
    for role, email in credentials():
        user = signs_in(session, email, DEMO_PASSWORD)
        assert user is not None, email
        assert user.role is role
    assert signs_in(session, credentials()[0][1], "not-the-password") is None
    session.commit()


def _values(session: Session, column: Any) -> set[Any]:
    return set(session.scalars(select(column).distinct()))


def _every_kind_of_record_is_there(session: Session) -> None:
    states = _values(session, Incident.state)
    assert states == {"registered", "handed_over", "resolved", "closed", "cancelled"}
    assert {"phone", "mail", "web", "monitor"} <= _values(session, Incident.channel)
    kinds = _values(session, IncidentEvent.kind)
    assert {
        "opened",
        "transition",
        "priority_changed",
        "escalated",
        "status_message",
        "orientation_reminder",
        "downtime_step",
        "review_saved",
        "review_submitted",
        "review_overdue",
    } <= kinds
    actions = {event.after.get("action") for event in _transitions(session)}
    assert {"handed_over", "resolved", "reopened", "closed", "cancelled"} <= actions
    assert _values(session, Escalation.stage) == {"warning", "breach"}
    types = _values(session, Message.type)
    assert {"partially_unavailable", "restored", "release"} <= types
    assert _values(session, Message.state) == {"open", "resolved", "closed"}
    assert "known_error" in _values(session, Problem.state)
    linked = session.scalars(select(Problem)).all()
    assert sum(len(problem.links) for problem in linked) >= len(linked) * 2
    assert {"submitted", "in_progress", "closed"} <= _values(session, ServiceRequest.state)
    organisations = _values(session, Incident.reporter_organisation_id)
    assert len(organisations) >= 1 + len(AUTHORITIES) // 2  # the agency and authorities
    parties = {
        incident.party.key
        for incident in session.scalars(select(Incident))
        if incident.party is not None
    }
    assert len(parties & {org.key for org in SUPPLIERS}) >= 2


def _windows_keep_the_rules_but_one_announced_late(session: Session) -> None:
    windows = session.scalars(select(ServiceWindow).order_by(ServiceWindow.planned_start)).all()
    assert {"completed", "announced"} <= {window.state for window in windows}
    flagged = [window for window in windows if not window.compliant]
    assert flagged
    for window in flagged:
        assert [item["rule"] for item in window.violations] == ["notice"]
        assert window.override_reason
    for window in windows:  # each announced on the status channel, and told of its end
        assert window.message is not None
        assert window.message.type == "service_window"
        assert (window.message.state == "resolved") == (window.state == "completed")


def _changes_and_releases_are_there(session: Session) -> None:
    changes = session.scalars(select(Change)).all()
    assert {"emergency", "normal"} <= {change.type for change in changes}
    windows = session.scalars(select(ServiceWindow)).all()
    assert all(window.change_id is not None for window in windows)  # each for a change
    assert {"reviewed", "scheduled"} <= {change.state for change in changes}
    released = session.scalars(select(Release)).all()
    assert {"released", "announced"} <= {release.state for release in released}
    interface = {item.notice_met: item for item in released if item.interface_change}
    assert set(interface) == {True, False}  # one with full notice, one with shorter (R11.1)
    assert interface[False].shorter_notice_reason == "technical"
    assert interface[False].help_given_at is not None  # the duty to help is done
    assert all(release.message_id is not None for release in released)


def _its_parts_are_watched_with_a_history_of_outages(session: Session) -> None:
    monitors = session.scalars(select(Monitor)).all()
    assert {item.kind for item in monitors} == {"http", "heartbeat", "external"}
    assert all(item.state == "up" for item in monitors)
    assert _values(session, StateInterval.state) == {"up", "down", "degraded", "unknown"}
    manual = session.scalars(select(StateInterval).where(StateInterval.source == "manual")).one()
    assert manual.reason
    assert manual.recorded_by_id is not None
    found = uptime(session, "borger-dk", months_before(NOW, MONTHS), NOW, NOW)
    figures = found.periods.values()
    assert sum(item.unknown_micros for item in figures) > 0  # the gap nothing watched
    assert sum(item.downtime_micros for item in figures) > 0
    # Mostly up: the last month's outages in both periods cost a little, never much.
    assert all(item.uptime_percent is not None and item.uptime_percent > 98.5 for item in figures)


def _transitions(session: Session) -> list[IncidentEvent]:
    return list(session.scalars(select(IncidentEvent).where(IncidentEvent.kind == "transition")))


def _post_reviews_are_sent_on_time_and_one_late(session: Session) -> None:
    sent = [r for r in session.scalars(select(MajorReview)) if r.submitted_at is not None]
    late = [review for review in sent if review.submitted_at > review.due_at]
    assert 1 <= len(late) < len(sent)


def _most_timers_are_met_and_some_are_not(session: Session) -> None:
    for kind in ("reaction", "resolution"):
        finished = list(
            session.scalars(
                select(IncidentTimer.met).where(
                    IncidentTimer.kind == kind, IncidentTimer.met.is_not(None)
                )
            )
        )
        assert 0.8 <= sum(finished) / len(finished) < 1.0, kind


def _the_queue_has_open_incidents_near_and_past_their_deadlines(session: Session) -> None:
    clock = clock_for(declaration_of(version_named(session, "borger-dk", NOW.date())))
    running = list(session.scalars(select(IncidentTimer).where(IncidentTimer.running)))
    assert len({timer.incident_id for timer in running}) >= 5
    assert any(timer.due_at < NOW for timer in running)
    left = [
        clock.elapsed(timer.calendar, NOW, timer.due_at) / timer.target_seconds
        for timer in running
        if timer.due_at > NOW
    ]
    assert any(share < 0.2 for share in left)
    majors = session.scalars(select(Incident).where(Incident.priority == 1)).all()
    assert any(incident.state == "handed_over" for incident in majors)


def _its_mail_is_in_the_local_mailbox(session: Session, database: Database) -> None:
    states = _values(session, OutboxItem.state)
    assert states == {"sent"}
    sent = session.scalar(select(func.count()).select_from(OutboxItem))
    assert len(list((database.var_dir / "mailbox" / "new").iterdir())) == sent


def _a_second_run_on_its_own_database_changes_nothing(database: Database) -> None:
    before = row_counts(database)
    again = database.stabil(*DEMO)
    assert again.exit_code == 0, again.output
    assert "already" in again.output
    assert DEMO_PASSWORD in again.output
    assert row_counts(database) == before


def _fingerprint(session: Session) -> list[tuple[Any, ...]]:
    """The history as people read it, without the ids and instants the database makes."""
    incidents = session.execute(
        select(
            Incident.key,
            Incident.title,
            Incident.priority,
            Incident.state,
            Incident.detected_at,
            Incident.registered_at,
        ).order_by(Incident.key)
    )
    events = session.execute(
        select(
            Incident.key,
            IncidentEvent.seq,
            IncidentEvent.kind,
            IncidentEvent.effective_at,
            IncidentEvent.recorded_at,
        )
        .join(Incident, Incident.id == IncidentEvent.incident_id)
        .order_by(Incident.key, IncidentEvent.seq)
    )
    messages = session.execute(
        select(Message.title, Message.state, Message.posted_at).order_by(Message.id)
    )
    problems = session.execute(select(Problem.key, Problem.state).order_by(Problem.key))
    requests = session.execute(
        select(ServiceRequest.key, ServiceRequest.state).order_by(ServiceRequest.key)
    )
    return [
        tuple(row) for rows in (incidents, events, messages, problems, requests) for row in rows
    ]


ONE_MONTH = (
    "demo",
    "--service",
    "borger-dk",
    "--months",
    "1",
    "--seed",
    "3",
    "--now",
    NOW.isoformat(),
)


def test_the_same_seed_gives_the_same_history(tmp_path: Path) -> None:
    histories = []
    for name in ("first", "second"):
        with fresh_database("sqlite", name, tmp_path) as database:
            written = database.stabil(*ONE_MONTH)
            assert written.exit_code == 0, written.output
            with database.session() as session:
                histories.append(_fingerprint(session))
    assert histories[0] == histories[1]
    assert len(histories[0]) > 300


@pytest.mark.parametrize("kind", KINDS)
def test_a_database_with_other_data_is_refused_and_left_as_it_was(
    kind: str, tmp_path: Path, worker_id: str, testrun_uid: str
) -> None:
    name = f"stabil_foreign_{testrun_uid[:8]}_{worker_id}"
    with fresh_database(kind, name, tmp_path) as database:
        added = database.stabil(
            "organisation", "add", "--key", "aarhus", "--name", "Aarhus", "--kind", "authority"
        )
        assert added.exit_code == 0, added.output
        before = row_counts(database)
        refused = database.stabil(*DEMO_AT_NOW)
        assert refused.exit_code == 2
        assert "organisations that the demo did not make" in refused.output
        assert row_counts(database) == before


def test_it_refuses_to_run_with_an_smtp_server_configured(tmp_path: Path) -> None:
    with fresh_database("sqlite", "smtp", tmp_path) as database:
        before = row_counts(database)
        refused = database.stabil(*DEMO_AT_NOW, env={"STABIL_SMTP_HOST": "smtp.example"})
        assert refused.exit_code == 2
        assert "STABIL_SMTP_HOST" in refused.output
        assert row_counts(database) == before


def test_an_end_in_the_future_is_refused(tmp_path: Path) -> None:
    with fresh_database("sqlite", "future", tmp_path) as database:
        later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
        refused = database.stabil(*DEMO, "--now", later)
        assert refused.exit_code == 2
        assert "future" in refused.output


def _the_last_whole_month_has_something_in_every_section_of_its_report(session: Session) -> None:
    declaration = declaration_of(version_named(session, "borger-dk", NOW.date()))
    month = reported_month(declaration.time.zone, months_before(NOW, MONTHS), NOW)
    assert month is not None
    assert month.start.astimezone(declaration.time.zone).month == 2  # February 2026
    _timers_of_every_priority_are_met_and_missed(session, month)
    _majors_are_reviewed_on_time_late_and_never(session, month)
    _orientation_escalations_and_other_records(session, month)
    _outages_and_slow_spells_in_both_service_periods(session, month, clock_for(declaration))
    _windows_in_time_and_late_and_releases_with_and_without_notice(session, month)
    _both_forums_meet_with_minutes_and_actions(session, month)


def _timers_of_every_priority_are_met_and_missed(session: Session, month: Month) -> None:
    rows = session.execute(
        select(Incident.priority, Incident.state, IncidentTimer).join(IncidentTimer.incident)
    ).all()
    decided = {
        (priority, timer.kind, timer.met)
        for priority, state, timer in rows
        if state != "cancelled" and timer.decided_at is not None and month.holds(timer.decided_at)
    }
    for priority in (1, 2, 3, 4):
        for kind in ("reaction", "resolution"):
            assert {(priority, kind, True), (priority, kind, False)} <= decided, (priority, kind)
    timers = [timer for _, _, timer in rows if timer.kind == "resolution"]
    # Missed before the month and stopped in it; missed in it and stopped after it (or not yet).
    assert any(
        t.decided_at is not None
        and t.decided_at < month.start
        and t.stopped_at is not None
        and month.holds(t.stopped_at)
        for t in timers
    )
    assert any(
        t.met is not True
        and month.holds(t.decided_at or t.due_at)  # a running timer passed its target at due
        and (t.running or (t.stopped_at is not None and t.stopped_at >= month.end))
        for t in timers
    )


def _majors_are_reviewed_on_time_late_and_never(session: Session, month: Month) -> None:
    reviews = session.scalars(
        select(MajorReview).join(MajorReview.incident).where(Incident.detected_at >= month.start)
    ).all()
    ours = [review for review in reviews if review.due_at < month.end]
    assert any(r.submitted_at is not None and r.submitted_at <= r.due_at for r in ours)
    assert any(r.submitted_at is not None and r.submitted_at > r.due_at for r in ours)
    assert any(r.submitted_at is None for r in ours)


def _in(month: Month, column: Any) -> Any:
    return column.between(month.start, month.end - dt.timedelta(microseconds=1))


def _orientation_escalations_and_other_records(session: Session, month: Month) -> None:
    kinds = set(
        session.scalars(select(IncidentEvent.kind).where(_in(month, IncidentEvent.effective_at)))
    )
    assert {"status_message", "orientation_missed", "review_overdue"} <= kinds
    actions = {
        event.after.get("action")
        for event in _transitions(session)
        if month.holds(event.effective_at)
    }
    assert {"handed_over", "resolved", "reopened", "cancelled", "closed"} <= actions
    stages = set(session.scalars(select(Escalation.stage).where(_in(month, Escalation.reached_at))))
    assert stages == {"warning", "breach"}
    requests = select(ServiceRequest.id).where(_in(month, ServiceRequest.submitted_at))
    assert session.scalars(requests).first() is not None


def _outages_and_slow_spells_in_both_service_periods(
    session: Session, month: Month, clock: Any
) -> None:
    spells = session.scalars(
        select(StateInterval).where(
            _in(month, StateInterval.start), StateInterval.state.in_(("down", "degraded"))
        )
    ).all()
    found = {
        (spell.state, calendar)
        for spell in spells
        for calendar in ("primary", "secondary")
        if clock.elapsed(calendar, spell.start, spell.end) > 0
    }
    assert found == {
        (state, calendar) for state in ("down", "degraded") for calendar in ("primary", "secondary")
    }


def _windows_in_time_and_late_and_releases_with_and_without_notice(
    session: Session, month: Month
) -> None:
    windows = session.scalars(
        select(ServiceWindow).where(
            _in(month, ServiceWindow.planned_start), ServiceWindow.state == "completed"
        )
    ).all()
    assert {window.compliant for window in windows} == {True, False}
    downs = session.scalars(
        select(StateInterval).where(_in(month, StateInterval.start), StateInterval.state == "down")
    ).all()
    for window in windows:  # downtime in each: excused by the one in time only (R3.3)
        assert any(
            spell.start < window.planned_end and window.planned_start < spell.end for spell in downs
        )
    released = session.scalars(select(Release).where(Release.state == "released")).all()
    ours = [item for item in released if month.holds(_morning(item.planned_date))]
    assert {(item.interface_change, item.notice_met) for item in ours} >= {
        (False, True),
        (True, True),
        (True, False),
    }


def _morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(6), dt.UTC)


def _both_forums_meet_with_minutes_and_actions(session: Session, month: Month) -> None:
    held = session.scalars(select(Meeting).where(_in(month, Meeting.starts_at))).all()
    assert {meeting.forum for meeting in held} == {"operations_meeting", "review_meeting"}
    assert all(meeting.state == "held" and meeting.decisions for meeting in held)
    actions = session.scalars(select(MeetingAction)).all()
    assert {action.meeting_id for action in actions} >= {meeting.id for meeting in held}
