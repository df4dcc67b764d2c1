"""Deadlines of Borger.dk's and the example's targets at every edge (R7.1, R7.3).

Borger.dk counts in primary time, Monday-Friday 08:30-16:30 (R2.2), skipping holidays and the
extra days 5 June, 24 and 31 December (R2.4). P1: reaction 15 min, resolution 240 min; P2:
240/480 min; P3: 2/10 working days; P4: 4/30; a working day is 480 minutes (R7.3). The
expected values below are counted by hand, as the comments show.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stabil.clock import Clock, ClockError
from tests.clock.conftest import local, utc

P1_REACTION = [
    # R7.3's own example: Saturday 10:00 is secondary; Monday 08:30 + 15 min.
    (local(2026, 4, 11, 10), local(2026, 4, 13, 8, 45)),
    # One second before opening counts nothing: 08:30 + 15 min.
    (local(2026, 4, 7, 8, 29, 59), local(2026, 4, 7, 8, 45)),
    (local(2026, 4, 7, 8, 30), local(2026, 4, 7, 8, 45)),
    # 1 s on Tuesday, 899 s on Wednesday from 08:30.
    (local(2026, 4, 7, 16, 29, 59), local(2026, 4, 8, 8, 44, 59)),
    # Exactly 15 minutes before closing: due at closing time, not at the next opening (R7.3).
    (local(2026, 4, 7, 16, 15), local(2026, 4, 7, 16, 30)),
    # Closing time itself is secondary (R2.5): all 15 minutes on Wednesday.
    (local(2026, 4, 7, 16, 30), local(2026, 4, 8, 8, 45)),
    (local(2026, 4, 7, 0, 0), local(2026, 4, 7, 8, 45)),  # midnight
    (local(2026, 4, 7, 3, 0), local(2026, 4, 7, 8, 45)),  # a night in secondary time
    (local(2026, 4, 12, 22, 0), local(2026, 4, 13, 8, 45)),  # Sunday evening
    # Friday to Monday: 10 min on Friday 10 April, 5 on Monday 13 April.
    (local(2026, 4, 10, 16, 20), local(2026, 4, 13, 8, 35)),
    # Easter 2026: Skærtorsdag 2, Langfredag 3, weekend, Anden påskedag 6 April.
    (local(2026, 4, 1, 16, 20), local(2026, 4, 7, 8, 35)),
    # Kristi himmelfartsdag, Thursday 14 May 2026.
    (local(2026, 5, 13, 16, 20), local(2026, 5, 15, 8, 35)),
    # Whitsun: Pinsedag Sunday 24 May, Anden pinsedag Monday 25 May 2026.
    (local(2026, 5, 22, 16, 20), local(2026, 5, 26, 8, 35)),
    # 5 June 2026 is a Friday and an extra non-working day.
    (local(2026, 6, 4, 16, 20), local(2026, 6, 8, 8, 35)),
    # 24 (extra), 25 and 26 December (holidays; the 26th is a Saturday), Sunday 27th.
    (local(2026, 12, 23, 16, 20), local(2026, 12, 28, 8, 35)),
    # 31 December (extra, Thursday), 1 January 2027 (Friday), the weekend.
    (local(2026, 12, 30, 16, 20), local(2027, 1, 4, 8, 35)),
    # Store Bededag: Friday 5 May 2023 was a holiday; Friday 26 April 2024 is not (R2.4).
    (local(2023, 5, 4, 16, 20), local(2023, 5, 8, 8, 35)),
    (local(2024, 4, 25, 16, 20), local(2024, 4, 26, 8, 35)),
    # Spring DST weekends: Friday 16:20 CET (+01:00), Monday 08:35 CEST (+02:00).
    (local(2025, 3, 28, 16, 20), local(2025, 3, 31, 8, 35)),
    (local(2026, 3, 27, 16, 20), local(2026, 3, 30, 8, 35)),
    # 2027: Easter Sunday is the DST Sunday, 28 March (computus: a=13, h=1, l=5), so Thursday
    # 25 to Monday 29 March are closed: Wednesday 16:20 CET to Tuesday 08:35 CEST.
    (local(2027, 3, 24, 16, 20), local(2027, 3, 30, 8, 35)),
    # Autumn DST weekends: Friday 16:20 CEST, Monday 08:35 CET.
    (local(2025, 10, 24, 16, 20), local(2025, 10, 27, 8, 35)),
    (local(2026, 10, 23, 16, 20), local(2026, 10, 26, 8, 35)),
    (local(2027, 10, 29, 16, 20), local(2027, 11, 1, 8, 35)),
]


@pytest.mark.parametrize(("start", "due"), P1_REACTION)
def test_p1_reaction_r7_3(borger: Clock, start: dt.datetime, due: dt.datetime) -> None:
    assert borger.target_deadline(1, "reaction", start) == due
    assert borger.deadline("primary", start, 15 * 60) == due


def test_a_dst_monday_deadline_is_in_utc_with_the_summer_offset_applied(borger: Clock) -> None:
    due = borger.target_deadline(1, "reaction", local(2026, 3, 27, 16, 20))
    assert due.tzinfo is dt.UTC
    assert due == utc(2026, 3, 30, 6, 35)  # 08:35 CEST is 06:35 UTC


@pytest.mark.parametrize(
    ("level", "timer", "start", "due"),
    [
        # 240 minutes from 12:30 end exactly at 16:30, the closing time (R7.3).
        (1, "resolution", local(2026, 4, 7, 12, 30), local(2026, 4, 7, 16, 30)),
        # 150 minutes on Friday 14:00-16:30, 90 on Monday from 08:30.
        (1, "resolution", local(2026, 4, 10, 14), local(2026, 4, 13, 10)),
        # A whole working day from opening ends at closing time.
        (2, "resolution", local(2026, 4, 7, 8, 30), local(2026, 4, 7, 16, 30)),
        # 960 minutes: 90 on Wednesday 1 April, Easter, 480 on Tuesday 7, 390 on Wednesday 8.
        (3, "reaction", local(2026, 4, 1, 15), local(2026, 4, 8, 15)),
        # 30 working days from Monday 5 January 2026: six holiday-free weeks, so the last
        # minute is at closing time on Friday 13 February.
        (4, "resolution", local(2026, 1, 5, 8, 30), local(2026, 2, 13, 16, 30)),
        # 4 working days from Tuesday 22 December 2026 15:00: 90 min, Wednesday 23 (480),
        # 24-27 closed, Monday 28 and Tuesday 29 (960), 390 on Wednesday 30 -> 15:00.
        (4, "reaction", local(2026, 12, 22, 15), local(2026, 12, 30, 15)),
    ],
)
def test_borger_dk_targets(
    borger: Clock, level: int, timer: str, start: dt.datetime, due: dt.datetime
) -> None:
    assert borger.target_deadline(level, timer, start) == due


@pytest.mark.parametrize(
    ("level", "timer", "start", "due"),
    [
        # P1 counts on `always`: 30 minutes of elapsed time, across the spring jump
        # (01:50 CET + 30 min = 01:20 UTC = 03:20 CEST).
        (1, "reaction", local(2026, 3, 29, 1, 50), local(2026, 3, 29, 3, 20)),
        # Autumn: 02:50 CEST (the first, 00:50 UTC) + 30 min = 01:20 UTC, the second 02:20
        # (CET). Python never finds a repeated local time equal to another zone's (PEP 495),
        # so the expected instants of the repeated hour are written in UTC.
        (1, "reaction", local(2026, 10, 25, 2, 50), utc(2026, 10, 25, 1, 20)),
        # 4 hours from 23:30 CEST (21:30 UTC) = 01:30 UTC, the second 02:30 (CET).
        (1, "resolution", local(2025, 10, 25, 23, 30), utc(2025, 10, 26, 1, 30)),
        # 4 hours from 23:00 CET (22:00 UTC) = 02:00 UTC = 04:00 CEST.
        (1, "resolution", local(2027, 3, 27, 23), local(2027, 3, 28, 4)),
        # Business hours, Friday 07-15: 30 min on Friday, 90 on Monday from 07:00.
        (2, "reaction", local(2026, 4, 10, 14, 30), local(2026, 4, 13, 8, 30)),
        # 1 working day = 600 min: Thursday 12-17 (300), Friday from 07:00 (300) -> 12:00.
        (3, "reaction", local(2026, 4, 9, 12), local(2026, 4, 10, 12)),
    ],
)
def test_example_webservice_targets(
    webservice: Clock, level: int, timer: str, start: dt.datetime, due: dt.datetime
) -> None:
    assert webservice.target_deadline(level, timer, start) == due


def test_target_seconds_r7_3(borger: Clock, webservice: Clock) -> None:
    assert borger.target_seconds(1, "reaction") == 15 * 60
    assert borger.target_seconds(3, "reaction") == 2 * 480 * 60  # R7.3: 2 days of 480 min
    assert borger.target_seconds(4, "resolution") == 30 * 480 * 60
    assert webservice.target_seconds(1, "resolution") == 4 * 3600
    assert webservice.target_seconds(3, "resolution") == 5 * 600 * 60


def test_a_zero_duration_is_due_at_the_start_even_in_closed_time(borger: Clock) -> None:
    saturday = local(2026, 4, 11, 10)
    assert borger.deadline("primary", saturday, 0) == saturday


def test_deadline_to_the_microsecond(borger: Clock) -> None:
    start = local(2026, 4, 7, 8, 30) + dt.timedelta(microseconds=250)
    due = borger.deadline("primary", start, 0.5)
    assert due == local(2026, 4, 7, 8, 30) + dt.timedelta(microseconds=500_250)


def test_next_open(borger: Clock) -> None:
    assert borger.next_open("primary", local(2026, 4, 11, 10)) == local(2026, 4, 13, 8, 30)
    assert borger.next_open("primary", local(2026, 4, 7, 9)) == local(2026, 4, 7, 9)
    assert borger.next_open("primary", local(2026, 4, 7, 16, 30)) == local(2026, 4, 8, 8, 30)
    assert borger.next_open("primary", local(2026, 4, 1, 16, 30)) == local(2026, 4, 7, 8, 30)
    assert borger.next_open("always", local(2026, 4, 11, 10)) == local(2026, 4, 11, 10)


def test_open_range_holds_the_instant_or_comes_next(borger: Clock) -> None:
    day = (local(2026, 4, 7, 8, 30), local(2026, 4, 7, 16, 30))
    assert borger.open_range("primary", local(2026, 4, 7, 9)) == day
    assert borger.open_range("primary", local(2026, 4, 7, 8, 30)) == day
    assert borger.open_range("primary", local(2026, 4, 7, 7)) == day
    # At its end, half-open: the next day's; before Easter (2-6 April 2026 are days off)
    # the first range after it.
    wednesday = (local(2026, 4, 8, 8, 30), local(2026, 4, 8, 16, 30))
    assert borger.open_range("primary", local(2026, 4, 7, 16, 30)) == wednesday
    assert borger.open_range("primary", local(2026, 4, 1, 17)) == day


def test_is_open_is_half_open(borger: Clock) -> None:
    assert not borger.is_open("primary", local(2026, 4, 7, 8, 29, 59))
    assert borger.is_open("primary", local(2026, 4, 7, 8, 30))
    assert not borger.is_open("primary", local(2026, 4, 7, 16, 30))
    assert borger.is_open("on_call", local(2026, 4, 11, 10))  # weekend 10:00-20:00 (R16.4)


def test_unknown_names_are_errors_that_list_the_known_ones(borger: Clock) -> None:
    with pytest.raises(ClockError, match=r"no calendar is named 'primar' \(known: always, prim"):
        borger.deadline("primar", local(2026, 4, 7), 60)
    with pytest.raises(ClockError, match=r"priority 7 is not in this declaration \(known: 1, 2"):
        borger.target_deadline(7, "reaction", local(2026, 4, 7))
    with pytest.raises(ClockError, match="priority 1 has no 'response' target"):
        borger.explain(1, "response", local(2026, 4, 7))


def test_negative_durations_are_refused(borger: Clock) -> None:
    with pytest.raises(ValueError, match="at least 0 seconds"):
        borger.deadline("primary", local(2026, 4, 7), -1)
    with pytest.raises(ValueError, match="at least 0 seconds"):
        borger.deadline("primary", local(2026, 4, 7), float("nan"))


def test_a_calendar_with_too_few_hours_has_no_deadline_before_the_last_year(
    dst_hours: Clock,
) -> None:
    # The night calendar has one hour a day: 500 years hold fewer than 200,000 hours.
    with pytest.raises(ClockError, match="after 2399"):
        dst_hours.deadline("night", local(2026, 1, 1), 200_000 * 3600)


def test_a_calendar_without_hours_never_runs() -> None:
    from stabil.declaration import parse_declaration
    from tests.clock.conftest import DST_DECLARATION

    # `never` is the rest of a calendar open all day, every day: it has no hours at all.
    text = DST_DECLARATION.replace(
        'night: {hours: {all: "02:30-03:30"}}', 'night: {hours: {all: "00:00-24:00"}}'
    ).replace("day: {rest_of: [night]}", "never: {rest_of: [night]}")
    text = text.replace("periods: [night, day]", "periods: [night]")
    clock = Clock(parse_declaration(text))
    with pytest.raises(ClockError, match="the calendar 'never' has no hours, so it never runs"):
        clock.deadline("never", local(2026, 4, 7), 60)
    with pytest.raises(ClockError, match="the calendar 'never' has no hours"):
        clock.next_open("never", local(2026, 4, 7))
    assert clock.elapsed("never", local(2026, 4, 7), local(2026, 4, 9)) == 0
