"""Planning meetings of the declared forums with the declaration's defaults, the flag beyond
the yearly number, the schedule held or due (R17.1: a quarter; R9.8: two months), minutes,
actions and cancelling, each change an event."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from stabil.errors import Conflict, Invalid, TransitionNotAllowed
from stabil.meetings.schedule import Standing
from stabil.meetings.service import (
    NewMeeting,
    add_action,
    cancel_meeting,
    complete_action,
    plan_meeting,
    record_minutes,
    schedule,
)
from stabil.records.history import events_of
from tests.cast import Cast
from tests.meetings.conftest import NOW, OPERATIONS, REVIEW, held, local, planned

pytestmark = pytest.mark.usefixtures("services")


def standings(session: Session, cast: Cast, year: int, forum: str) -> list[tuple[str, Standing]]:
    found = schedule(session, cast.viewer.user, "borger-dk", year, NOW)
    [item] = [entry for entry in found if entry.forum.key == forum]
    return [(slot.period.label(), slot.standing) for slot in item.slots]


def test_r17_1_a_meeting_lasts_the_declared_two_hours_and_is_named_as_declared(
    session: Session, cast: Cast
) -> None:
    meeting = planned(session, cast, local(5, 20), location="Digitaliseringsstyrelsen")
    assert meeting.ends_at - meeting.starts_at == local(5, 20, 12) - local(5, 20, 10)
    assert meeting.title == "Driftsmøde mellem myndigheder i driftsnetværket"
    assert (meeting.state, meeting.over_quota) == ("planned", False)
    assert [event.kind for event in events_of(session, meeting)] == ["planned"]


def test_a_forum_the_declaration_does_not_hold_is_refused_naming_those_it_does(
    session: Session, cast: Cast
) -> None:
    new = NewMeeting("borger-dk", "board_meeting", local(5, 20))
    with pytest.raises(Invalid) as refused:
        plan_meeting(session, cast.operator.user, new, now=NOW)
    assert refused.value.field == "forum"
    assert "known: operations_meeting, review_meeting" in refused.value.problem


def test_an_end_before_the_start_is_refused(session: Session, cast: Cast) -> None:
    new = NewMeeting("borger-dk", OPERATIONS, local(5, 20), ends_at=local(5, 20, 9))
    with pytest.raises(Invalid) as refused:
        plan_meeting(session, cast.operator.user, new, now=NOW)
    assert refused.value.field == "ends_at"


def test_r17_1_a_fifth_meeting_in_a_year_is_planned_and_flagged(
    session: Session, cast: Cast
) -> None:
    first = planned(session, cast, local(5, 20))
    cancel_meeting(session, cast.operator.user, first, "Flyttet", now=NOW)
    flags = [planned(session, cast, local(month, 20)).over_quota for month in (5, 6, 9, 11, 12)]
    # The cancelled one does not count: four take place, the fifth is beyond.
    assert flags == [False, False, False, False, True]
    next_year = planned(session, cast, local(1, 20, year=2027))
    assert not next_year.over_quota


def test_r17_1_the_schedule_is_one_meeting_a_quarter(session: Session, cast: Cast) -> None:
    held(session, cast, local(2, 10))
    planned(session, cast, local(5, 20))
    assert standings(session, cast, 2026, OPERATIONS) == [
        ("2026-01..2026-03", Standing.held),
        ("2026-04..2026-06", Standing.planned),
        ("2026-07..2026-09", Standing.due),
        ("2026-10..2026-12", Standing.due),
    ]
    assert {standing for _, standing in standings(session, cast, 2025, OPERATIONS)} == {
        Standing.missing
    }


def test_r9_8_the_review_meeting_is_due_every_second_month(session: Session, cast: Cast) -> None:
    held(session, cast, local(1, 28), REVIEW)
    planned(session, cast, local(6, 3), REVIEW)
    assert standings(session, cast, 2026, REVIEW) == [
        ("2026-01..2026-02", Standing.held),
        ("2026-03..2026-04", Standing.due),  # it lasts until the end of April
        ("2026-05..2026-06", Standing.planned),
        ("2026-07..2026-08", Standing.due),
        ("2026-09..2026-10", Standing.due),
        ("2026-11..2026-12", Standing.due),
    ]


def test_minutes_wait_until_the_meeting_has_started(session: Session, cast: Cast) -> None:
    meeting = planned(session, cast, local(5, 20))
    with pytest.raises(Invalid) as refused:
        record_minutes(session, cast.operator.user, meeting, "Referat", [], now=NOW)
    assert refused.value.field == "minutes"
    assert "in the future" in refused.value.problem


def test_minutes_and_actions_are_events_of_the_meeting(session: Session, cast: Cast) -> None:
    meeting = held(session, cast, local(2, 10))
    action = add_action(
        session,
        cast.operator.user,
        meeting,
        "Opdatér driftsvejledning",
        "aarhus",
        local(5, 1).date(),
        now=NOW,
    )
    complete_action(session, cast.operator.user, action, now=NOW)
    with pytest.raises(Conflict):
        complete_action(session, cast.operator.user, action, now=NOW)
    record_minutes(session, cast.operator.user, meeting, "Rettet referat.", ["Godkendt"], now=NOW)
    kinds = [event.kind for event in events_of(session, meeting)]
    assert kinds == [
        "planned",
        "minutes_recorded",
        "action_added",
        "action_done",
        "minutes_amended",
    ]
    assert (meeting.state, meeting.minutes, meeting.decisions) == (
        "held",
        "Rettet referat.",
        ["Godkendt"],
    )


def test_an_action_owner_must_be_an_organisation(session: Session, cast: Cast) -> None:
    meeting = held(session, cast, local(2, 10))
    with pytest.raises(Invalid) as refused:
        add_action(session, cast.operator.user, meeting, "Noget", "nowhere", local(5, 1).date())
    assert refused.value.field == "owner"
    assert "aarhus" in refused.value.problem


def test_a_cancelled_meeting_takes_no_minutes_and_needs_a_reason(
    session: Session, cast: Cast
) -> None:
    meeting = planned(session, cast, local(5, 20))
    with pytest.raises(Invalid):
        cancel_meeting(session, cast.operator.user, meeting, "  ", now=NOW)
    cancel_meeting(session, cast.operator.user, meeting, "Ingen dagsorden", now=NOW)
    with pytest.raises(TransitionNotAllowed):
        record_minutes(session, cast.operator.user, meeting, "Referat", [], now=NOW)
    [*_, cancelled] = events_of(session, meeting)
    assert (cancelled.kind, cancelled.note) == ("cancelled", "Ingen dagsorden")
