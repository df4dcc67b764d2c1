"""The meeting pack, built from real incidents, majors with their post-review report, windows
and releases; the actions of earlier minutes carried from pack to pack until done; and its
HTML in Danish and English, in local time (R17.1, R9.8)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from stabil.desk import transitions
from stabil.desk.models import Incident
from stabil.desk.review import save_review
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.meetings.pack import pack, pack_html
from stabil.meetings.service import add_action, complete_action, record_minutes
from stabil.releases.service import NewRelease, mark_released, register_release
from stabil.windows.service import NewWindow, plan_window
from tests.cast import Cast
from tests.meetings.conftest import NOW, REVIEW, held, local, planned
from tests.web.pages import text_of

pytestmark = pytest.mark.usefixtures("services")


def incident(session: Session, cast: Cast, priority: int, at: dt.datetime) -> Incident:
    impact = Impact(users_affected_percent=90 if priority == 1 else 1)
    reason = None if priority == 1 else "Få berørte"
    new = NewIncident(
        "borger-dk",
        f"Fejl P{priority}",
        "",
        impact,
        detected_at=at,
        priority=None if priority == 1 else priority,
        priority_reason=reason,
    )
    return open_incident(session, cast.operator.user, new, now=at)


def resolved_major(session: Session, cast: Cast, at: dt.datetime) -> Incident:
    major = incident(session, cast, 1, at)
    transitions.hand_over(session, cast.operator.user, major, party="supplier-a", now=at)
    transitions.resolve(session, cast.operator.user, major, now=at + dt.timedelta(hours=2))
    report = "## Årsag\nEn certifikatfejl."
    actions = [{"text": "Overvåg certifikater", "owner": "supplier-a", "done": False}]
    save_review(session, cast.operator.user, major, report=report, actions=actions, now=NOW)
    return major


def window(session: Session, cast: Cast, month: int, day: int, title: str) -> None:
    new = NewWindow(
        service="borger-dk",
        kind="short",
        start=local(month, day, 1),
        end=local(month, day, 3),
        title=title,
        body="Borger.dk kan være utilgængelig.",
        affected=["Selvbetjening"],
        announce=True,
    )
    plan_window(session, cast.operator.user, new, NOW)


def releases(session: Session, cast: Cast) -> None:
    out = register_release(
        session, cast.operator.user, NewRelease("borger-dk", "1.9", local(4, 10).date()), now=NOW
    )
    mark_released(session, cast.operator.user, out, at=local(4, 10), now=NOW)
    coming = NewRelease(
        "borger-dk", "2.0", local(11, 2).date(), interface_change=True, announce=True
    )
    register_release(session, cast.operator.user, coming, now=NOW)


def test_the_pack_holds_the_operations_since_the_last_meeting_and_what_is_coming(
    session: Session, cast: Cast
) -> None:
    last = held(session, cast, local(2, 10))
    meeting = planned(session, cast, local(5, 20))
    incident(session, cast, 3, local(1, 20))  # before the last meeting: not in this pack
    incident(session, cast, 3, local(3, 2))
    cancelled = incident(session, cast, 2, local(3, 3))
    transitions.cancel(session, cast.operator.user, cancelled, reason="Dublet", now=NOW)
    major = resolved_major(session, cast, local(4, 1))
    window(session, cast, 4, 18, "Databaseopdatering")
    window(session, cast, 6, 6, "Netværksarbejde")
    releases(session, cast)

    found = pack(session, meeting, NOW)

    assert (found.since, found.until, found.previous) == (last.starts_at, meeting.starts_at, last)
    assert [(item.priority, item.count) for item in found.incidents] == [
        (1, 1),
        (2, 0),
        (3, 1),
        (4, 0),
    ]
    [listed] = found.majors
    assert (listed.key, listed.state, listed.review) == (major.key, "resolved", "draft")
    assert [item.title for item in found.windows] == ["Databaseopdatering"]
    assert [item.title for item in found.coming_windows] == ["Netværksarbejde"]
    assert [(item.version, item.state) for item in found.releases] == [("1.9", "released")]
    [coming] = found.coming_releases
    assert (coming.version, coming.notice_months, coming.notice_met) == ("2.0", 6, True)
    assert next(item.da for item in found.forum.agenda) == "Godkendelse af referat fra sidste møde"


def test_the_review_meeting_pack_lists_the_majors_with_their_reports_and_actions(
    session: Session, cast: Cast
) -> None:
    held(session, cast, local(1, 28), REVIEW)
    meeting = planned(session, cast, local(6, 3), REVIEW)
    major = resolved_major(session, cast, local(4, 1))
    found = pack(session, meeting, NOW)
    [listed] = found.majors
    assert listed.key == major.key
    assert "certifikatfejl" in listed.report
    assert listed.actions[0]["text"] == "Overvåg certifikater"
    said = text_of(pack_html(found, "da"))
    assert "En certifikatfejl." in said
    assert "Overvåg certifikater" in said


def test_actions_are_carried_to_the_next_pack_until_done(session: Session, cast: Cast) -> None:
    first = held(session, cast, local(2, 10))
    user = cast.operator.user
    done_soon = add_action(session, user, first, "Ny runbook", "digst", local(4, 1).date(), now=NOW)
    still_open = add_action(
        session, user, first, "Test af failover", "aarhus", local(4, 30).date(), now=NOW
    )
    second = planned(session, cast, local(5, 20))
    assert [(item.text, item.state) for item in pack(session, second, NOW).actions] == [
        ("Ny runbook", "open"),
        ("Test af failover", "open"),
    ]
    complete_action(session, user, done_soon, now=NOW)
    shown = pack(session, second, NOW).actions
    # Done since the last meeting: the next one sees it closed; and one past its due is overdue.
    assert [(item.text, item.state, item.overdue) for item in shown] == [
        ("Ny runbook", "done", False),
        ("Test af failover", "open", False),
    ]
    later = local(5, 20, 13)
    record_minutes(session, user, second, "Referat.", [], now=later)
    third = planned(session, cast, local(8, 26))
    shown = pack(session, third, local(8, 1))
    assert [(item.id, item.state, item.overdue) for item in shown.actions] == [
        (still_open.id, "open", True)
    ]


def test_the_pack_reads_in_danish_and_english_in_local_time(session: Session, cast: Cast) -> None:
    held(session, cast, local(2, 10))
    meeting = planned(session, cast, local(5, 20), location="Landgreven 4")
    found = pack(session, meeting, NOW)
    danish = pack_html(found, "da")
    assert danish.startswith("<!DOCTYPE html>")
    assert '<html lang="da">' in danish
    said = text_of(danish)
    assert "Dagsorden" in said
    assert "Godkendelse af referat fra sidste møde" in said
    assert "20. maj 2026 10.00–12.00" in said  # Copenhagen's summer time, not UTC's 08:00
    assert "Sidste referat" in said
    assert "10. feb. 2026 10.00 Beslutninger Godkendt Referat." in said  # the last minutes
    english = text_of(pack_html(found, "en"))
    assert "Agenda" in english
    assert "Approval of the last minutes" in english
    assert "20 May 2026 10:00–12:00" in english
