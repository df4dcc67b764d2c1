"""Changes in the service layer: each step and its event, the refused ones with what is
allowed instead, the windows linked to a change, and the quota it shows (R12.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from stabil.changes import service
from stabil.changes.access import transitions_for
from stabil.changes.models import Change, ChangeEvent
from stabil.changes.states import ChangeState
from stabil.errors import Forbidden, Invalid, NotFound, TransitionNotAllowed
from stabil.records.history import events_of
from stabil.windows.service import cancel_window
from tests.cast import Cast
from tests.changes.helpers import NOW, new_change, night_window, other_service_window
from tests.status.conftest import count

pytestmark = pytest.mark.usefixtures("frozen", "services")
State = ChangeState


def test_a_change_is_keyed_per_service_and_year_and_starts_requested(
    session: Session, cast: Cast
) -> None:
    first = new_change(session, cast.operator.user)
    second = new_change(session, cast.admin.user)
    other = new_change(session, cast.operator.user, service="example-webservice")
    assert [first.key, second.key, other.key] == [
        "CHG-BDK-2026-0001",
        "CHG-BDK-2026-0002",
        "CHG-EWS-2026-0001",
    ]
    assert first.state == State.requested
    assert transitions_for(cast.operator.user, first) == [State.approved, State.rejected]
    assert transitions_for(cast.supplier.user, first) == []


def test_each_step_to_reviewed_is_an_event_with_who_and_when(session: Session, cast: Cast) -> None:
    change = new_change(session, cast.operator.user)
    times = [NOW + dt.timedelta(hours=hours) for hours in (1, 2, 3, 4)]
    service.approve(session, cast.admin.user, change, note="CAB godkendte", now=times[0])
    service.schedule(session, cast.operator.user, change, now=times[1])
    service.implement(session, cast.operator.user, change, now=times[2])
    service.review(session, cast.admin.user, change, note="Gik som planlagt", now=times[3])
    assert (change.state, change.state_since) == (State.reviewed, times[3])
    assert transitions_for(cast.admin.user, change) == []
    events = events_of(session, change)
    assert [(event.kind, event.after.get("state")) for event in events] == [
        ("requested", "requested"),
        ("transition", "approved"),
        ("transition", "scheduled"),
        ("transition", "implemented"),
        ("transition", "reviewed"),
    ]
    assert [event.actor for event in events] == [
        cast.operator.user,
        cast.admin.user,
        cast.operator.user,
        cast.operator.user,
        cast.admin.user,
    ]
    assert [event.recorded_at for event in events[1:]] == times
    assert (events[1].before, events[1].note) == ({"state": "requested"}, "CAB godkendte")
    assert change.revision == 5


def test_a_rejected_change_says_why(session: Session, cast: Cast) -> None:
    change = new_change(session, cast.operator.user)
    with pytest.raises(Invalid) as refused:
        service.reject(session, cast.operator.user, change, note="  ")
    assert refused.value.field == "note"
    service.reject(session, cast.operator.user, change, note="Ikke nødvendig")
    assert change.state == State.rejected
    assert transitions_for(cast.operator.user, change) == []


@pytest.mark.parametrize("implemented", [False, True], ids=["scheduled", "implemented"])
def test_a_change_fails_once_scheduled_or_after_it_was_implemented(
    session: Session, cast: Cast, implemented: bool
) -> None:
    change = new_change(session, cast.operator.user)
    service.approve(session, cast.operator.user, change)
    service.schedule(session, cast.operator.user, change)
    if implemented:
        service.implement(session, cast.operator.user, change)
    service.fail(session, cast.operator.user, change, note="Rullet tilbage efter fejl")
    assert change.state == State.failed
    assert events_of(session, change)[-1].note == "Rullet tilbage efter fejl"


def test_a_step_the_state_does_not_allow_is_refused_with_what_is_allowed(
    session: Session, cast: Cast
) -> None:
    change = new_change(session, cast.operator.user)
    with pytest.raises(TransitionNotAllowed) as refused:
        service.move(session, cast.operator.user, change, State.implemented)
    assert refused.value.allowed_transitions == ["approved", "rejected"]
    with pytest.raises(TransitionNotAllowed) as again:
        service.move(session, cast.operator.user, change, State.requested)
    assert again.value.allowed_transitions == ["approved", "rejected"]
    assert (change.state, change.revision) == (State.requested, 1)


def test_only_the_desk_moves_a_change(session: Session, cast: Cast) -> None:
    change = new_change(session, cast.operator.user)
    for member in (cast.supplier, cast.viewer, cast.authority):
        with pytest.raises(Forbidden):
            service.approve(session, member.user, change)
        with pytest.raises(Forbidden):
            new_change(session, member.user)
    assert change.state == State.requested


@pytest.mark.parametrize("missing", ["implementation_plan", "fallback_plan"])
def test_a_change_is_approved_only_with_its_plans_written_down(
    session: Session, cast: Cast, missing: str
) -> None:
    change = new_change(session, cast.operator.user, **{missing: ""})
    with pytest.raises(Invalid) as refused:
        service.approve(session, cast.operator.user, change)
    assert refused.value.field == missing
    assert change.state == State.requested


def test_the_plan_changes_while_requested_or_approved_only(session: Session, cast: Cast) -> None:
    change = new_change(session, cast.operator.user)
    later = change.planned_end + dt.timedelta(hours=1)
    service.edit_change(session, cast.operator.user, change, {"risk": "high", "end": later})
    edited = events_of(session, change)[-1]
    assert (edited.kind, edited.before, edited.after) == (
        "edited",
        {"risk": "medium", "end": "2026-04-18T01:00:00+00:00"},
        {"risk": "high", "end": "2026-04-18T02:00:00+00:00"},
    )
    with pytest.raises(Invalid) as backwards:
        service.edit_change(session, cast.operator.user, change, {"end": change.planned_start})
    assert backwards.value.field == "end"
    service.approve(session, cast.operator.user, change)
    service.schedule(session, cast.operator.user, change)
    with pytest.raises(TransitionNotAllowed) as final:
        service.edit_change(session, cast.operator.user, change, {"title": "Ny titel"})
    assert final.value.allowed_transitions == ["implemented", "failed"]
    assert (change.risk, change.title) == ("high", "Ny version af databasen")


def test_a_window_is_linked_and_unlinked_with_an_event_on_both(
    session: Session, cast: Cast
) -> None:
    operator = cast.operator.user
    change = new_change(session, operator)
    window = night_window(session, operator, 18)
    service.link_window(session, operator, change, window.id)
    service.link_window(session, operator, change, window.id)  # linked already: no new event
    assert [item.id for item in change.windows] == [window.id]
    assert window.change_key == change.key
    assert [event.kind for event in events_of(session, change)] == ["requested", "window_linked"]
    assert events_of(session, window)[-1].after == {"change": change.key}
    service.unlink_window(session, operator, change, window.id)
    assert (change.windows, window.change_id) == ([], None)
    assert events_of(session, change)[-1].before == {"windows": [window.id]}
    assert events_of(session, window)[-1].kind == "change_unlinked"
    with pytest.raises(NotFound):
        service.unlink_window(session, operator, change, window.id)


def test_a_window_of_another_service_is_refused(session: Session, cast: Cast) -> None:
    operator = cast.operator.user
    change = new_change(session, operator)
    other = other_service_window(session, operator)
    with pytest.raises(Invalid) as refused:
        service.link_window(session, operator, change, other.id)
    assert refused.value.field == "window"
    assert "example-webservice" in str(refused.value)
    assert (other.change_id, change.revision, count(session, ChangeEvent)) == (None, 1, 1)


def test_a_cancelled_window_a_window_of_another_change_and_no_window_are_refused(
    session: Session, cast: Cast
) -> None:
    operator = cast.operator.user
    change, other_change = new_change(session, operator), new_change(session, operator)
    taken, cancelled = night_window(session, operator, 18), night_window(session, operator, 19)
    service.link_window(session, operator, other_change, taken.id)
    cancel_window(session, operator, cancelled, "Flyttet")
    for window_id, said in [
        (taken.id, other_change.key),
        (cancelled.id, "cancelled"),
        (2_000_000, "no service window"),
    ]:
        with pytest.raises(Invalid) as refused:
            service.link_window(session, operator, change, window_id)
        assert (refused.value.field, said in str(refused.value)) == ("window", True)
    assert change.windows == []


def test_windows_are_final_once_the_change_is_implemented(session: Session, cast: Cast) -> None:
    operator = cast.operator.user
    change = new_change(session, operator)
    window = night_window(session, operator, 18)
    for step in (service.approve, service.schedule, service.implement):
        step(session, operator, change)
    with pytest.raises(TransitionNotAllowed) as refused:
        service.link_window(session, operator, change, window.id)
    assert refused.value.allowed_transitions == ["failed", "reviewed"]


def test_the_quota_is_the_services_in_the_year_of_the_planned_start(
    session: Session, cast: Cast
) -> None:
    """R12.1: the number of service windows is kept track of, per kind used and left."""
    operator = cast.operator.user
    change = new_change(session, operator)
    for day in (18, 19):
        night_window(session, operator, day)
    quota = service.quota_for(session, change)
    short = next(item for item in quota.kinds if item.kind == "short")
    assert (quota.service, quota.year, short.used, short.left) == ("borger-dk", 2026, 2, 2)
    # Planned for New Year's night, local time: next year's quota, none used yet.
    new_year = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    next_year = new_change(session, operator, start=new_year, end=new_year + dt.timedelta(hours=1))
    quota = service.quota_for(session, next_year)
    assert quota.year == 2027
    assert {item.kind: item.used for item in quota.kinds} == {
        "short": 0,
        "medium": 0,
        "long": 0,
        "unplanned": 0,
    }


def test_a_change_ending_before_it_starts_is_not_recorded(session: Session, cast: Cast) -> None:
    with pytest.raises(Invalid) as refused:
        new_change(session, cast.operator.user, end=dt.datetime(2026, 4, 17, tzinfo=dt.UTC))
    assert refused.value.field == "end"
    assert count(session, Change) == 0
