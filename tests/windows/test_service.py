"""Planning service windows against the rules, on both databases (R13, R3.3)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.errors import Forbidden, Invalid, TransitionNotAllowed
from stabil.records.history import events_of
from stabil.windows.models import ServiceWindow, ServiceWindowEvent
from stabil.windows.service import (
    NewWindow,
    WindowRefused,
    announce_window,
    cancel_window,
    complete_window,
    excuses_downtime,
    plan_window,
    start_window,
)
from tests.cast import Cast

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)  # a Tuesday
pytestmark = pytest.mark.usefixtures("services")


def at(month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=CPH)


def night(month: int, day: int, **changes: object) -> NewWindow:
    values: dict[str, object] = {
        "service": "borger-dk",
        "kind": "short",
        "start": at(month, day, 1),
        "end": at(month, day, 3),
        "title": "Opdatering af databasen",
        "body": "Borger.dk kan være utilgængelig.",
        "affected": ["Selvbetjening"],
    }
    values.update(changes)
    return NewWindow(**values)  # type: ignore[arg-type]


def count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_compliant_window_is_planned_and_announced(session: Session, cast: Cast) -> None:
    window = plan_window(session, cast.operator.user, night(4, 18, announce=True), NOW)
    assert (window.state, window.compliant, window.violations) == ("announced", True, [])
    assert window.announced_at == NOW
    assert excuses_downtime(window)
    assert [event.kind for event in events_of(session, window)] == ["planned", "announced"]


def test_a_window_that_breaks_rules_is_refused_with_every_rule(
    session: Session, cast: Cast
) -> None:
    late = night(4, 15, start=at(4, 15, 7), end=at(4, 15, 10))  # tomorrow, into the day
    with pytest.raises(WindowRefused) as refused:
        plan_window(session, cast.operator.user, late, NOW)
    payload = refused.value.payload()
    assert [item["rule"] for item in payload["violations"]] == [
        "length",
        "hours",
        "service_period",
        "notice",
    ]
    assert payload["violations"][3]["allowed"]["earliest_start"] == "2026-04-17T10:00:00+02:00"
    assert refused.value.status_code == 422
    assert count(session, ServiceWindow) == count(session, ServiceWindowEvent) == 0


def test_with_an_override_reason_it_is_recorded_and_flagged(session: Session, cast: Cast) -> None:
    urgent = night(4, 15, override_reason="Kritisk sikkerhedsopdatering", announce=True)
    window = plan_window(session, cast.operator.user, urgent, NOW)
    assert window.compliant is False
    assert [item["rule"] for item in window.violations] == ["notice"]
    assert window.override_reason == "Kritisk sikkerhedsopdatering"
    assert not excuses_downtime(window)  # R3.3: only a compliant window excuses downtime


def test_the_quota_counts_windows_that_are_not_cancelled(session: Session, cast: Cast) -> None:
    operator = cast.operator.user
    windows = [plan_window(session, operator, night(5, day), NOW) for day in (4, 5, 6, 7)]
    with pytest.raises(WindowRefused) as refused:
        plan_window(session, operator, night(5, 8), NOW)
    assert [item["rule"] for item in refused.value.payload()["violations"]] == ["quota"]
    cancel_window(session, operator, windows[1], "Flyttet til næste kvartal", NOW)
    assert plan_window(session, operator, night(5, 8), NOW).compliant


def test_overlap_with_another_window_is_refused(session: Session, cast: Cast) -> None:
    plan_window(session, cast.operator.user, night(5, 4), NOW)
    with pytest.raises(WindowRefused) as refused:
        plan_window(session, cast.operator.user, night(5, 4, start=at(5, 4, 2)), NOW)
    assert refused.value.payload()["violations"][0]["rule"] == "overlap"


def test_an_announcement_entered_afterwards_counts_from_when_it_was_made(
    session: Session, cast: Cast
) -> None:
    window = plan_window(session, cast.operator.user, night(4, 18), NOW)
    with pytest.raises(Invalid, match="at: cannot be in the future"):
        announce_window(session, cast.operator.user, window, NOW + dt.timedelta(hours=1), NOW)
    announce_window(session, cast.operator.user, window, at(4, 14, 9), NOW)
    assert window.announced_at == at(4, 14, 9)
    event = events_of(session, window)[-1]
    assert (event.kind, event.effective_at, event.recorded_at) == ("announced", at(4, 14, 9), NOW)


def test_announcing_too_late_is_refused_and_changes_nothing(session: Session, cast: Cast) -> None:
    window = plan_window(session, cast.operator.user, night(4, 18), at(4, 10))
    with pytest.raises(WindowRefused):
        announce_window(session, cast.operator.user, window, at(4, 16), at(4, 16))
    assert (window.state, window.revision) == ("planned", 1)


def test_the_window_runs_and_ends(session: Session, cast: Cast) -> None:
    operator = cast.operator.user
    window = plan_window(session, operator, night(4, 18, announce=True), NOW)
    start_window(session, operator, window, at(4, 18, 1), at(4, 18, 1))
    with pytest.raises(Invalid):
        complete_window(session, operator, window, at(4, 18, 1), at(4, 18, 2))
    complete_window(session, operator, window, at(4, 18, 2), at(4, 18, 2))
    assert (window.state, window.actual_start, window.actual_end) == (
        "completed",
        at(4, 18, 1),
        at(4, 18, 2),
    )
    with pytest.raises(TransitionNotAllowed, match="allowed for you now: nothing"):
        cancel_window(session, operator, window, "For sent", at(4, 18, 3))


def test_who_may_plan(session: Session, cast: Cast) -> None:
    for member in (cast.viewer, cast.supplier, cast.authority):
        with pytest.raises(Forbidden, match="may not plan service windows"):
            plan_window(session, member.user, night(4, 18), NOW)
    assert count(session, ServiceWindow) == 0
