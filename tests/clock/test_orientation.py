"""Orientation of users in a major incident (R14.5).

Borger.dk: period 1 is weekdays 08:00-22:00 and weekends 08:00-20:00 (the weekend 08-10 gap
counts as period 1; holidays follow the weekend). Detected in period 1, the first message is due
1 hour later, even if that hour runs into period 2; otherwise at the first 08:00 after. The next
update is due 1 hour after a message if that instant is in period 1, otherwise at the first
08:00 after it. An hour is 3,600 s of elapsed time.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stabil.clock import Clock, ClockError
from tests.clock.conftest import local, utc


@pytest.mark.parametrize(
    ("detected", "due"),
    [
        (local(2026, 4, 7, 10), local(2026, 4, 7, 11)),  # Tuesday, period 1
        (local(2026, 4, 7, 8), local(2026, 4, 7, 9)),  # period 1 starts at 08:00 (R2.5)
        (local(2026, 4, 7, 7, 59, 59), local(2026, 4, 7, 8)),  # period 2: the 08:00 just after
        (local(2026, 4, 7, 21, 30), local(2026, 4, 7, 22, 30)),  # runs into period 2: still +1 h
        (local(2026, 4, 7, 22), local(2026, 4, 8, 8)),  # 22:00 is period 2: next day 08:00
        (local(2026, 4, 7, 23), local(2026, 4, 8, 8)),  # R14.5's example: 23:00 -> 08:00
        (local(2026, 4, 8, 2), local(2026, 4, 8, 8)),  # R14.5's example: 02:00 -> same day
        (local(2026, 4, 11, 9), local(2026, 4, 11, 10)),  # Saturday 08-10 gap: period 1
        (local(2026, 4, 11, 19, 59, 59), local(2026, 4, 11, 20, 59, 59)),  # weekend period 1
        (local(2026, 4, 11, 20), local(2026, 4, 12, 8)),  # weekend period 2 from 20:00
        (local(2026, 4, 3, 21), local(2026, 4, 4, 8)),  # Langfredag has weekend hours
        (local(2026, 4, 10, 21), local(2026, 4, 10, 22)),  # an ordinary Friday 21:00
        # Spring DST: 01:30 CET (00:30 UTC) is period 2; 08:00 CEST is 06:00 UTC.
        (local(2026, 3, 29, 1, 30), utc(2026, 3, 29, 6)),
    ],
)
def test_first_message_r14_5(borger: Clock, detected: dt.datetime, due: dt.datetime) -> None:
    assert borger.orientation_first_due(detected) == due


@pytest.mark.parametrize(
    ("last_message", "due"),
    [
        (local(2026, 4, 7, 10), local(2026, 4, 7, 11)),
        (local(2026, 4, 7, 20, 59), local(2026, 4, 7, 21, 59)),
        (local(2026, 4, 7, 21), local(2026, 4, 8, 8)),  # 22:00 is period 2 (half-open)
        (local(2026, 4, 7, 21, 30), local(2026, 4, 8, 8)),  # 22:30 is period 2
        (local(2026, 4, 11, 19), local(2026, 4, 12, 8)),  # Saturday 20:00 is period 2
        (local(2026, 4, 12, 7, 30), local(2026, 4, 12, 8, 30)),  # Sunday 08:30: gap, period 1
        # Autumn DST, 25 October 2026: a message at 00:30 CEST (22:30 UTC on the 24th) makes
        # 23:30 UTC = 01:30 CEST, period 2; the next 08:00 (CET) is 07:00 UTC.
        (local(2026, 10, 25, 0, 30), utc(2026, 10, 25, 7)),
    ],
)
def test_next_update_r14_5(borger: Clock, last_message: dt.datetime, due: dt.datetime) -> None:
    assert borger.orientation_next_due(last_message) == due


def test_the_example_declaration_r14_5(webservice: Clock) -> None:
    # First message within 30 min in business hours (Mon-Thu 07-17, Fri 07-15), else at 07:00;
    # updates every 120 min.
    assert webservice.orientation_first_due(local(2026, 4, 9, 16, 45)) == local(2026, 4, 9, 17, 15)
    assert webservice.orientation_first_due(local(2026, 4, 10, 16)) == local(2026, 4, 11, 7)
    assert webservice.orientation_next_due(local(2026, 4, 9, 12)) == local(2026, 4, 9, 14)
    assert webservice.orientation_next_due(local(2026, 4, 9, 15)) == local(2026, 4, 10, 7)


def test_a_declaration_without_orientation_rules(dst_hours: Clock) -> None:
    with pytest.raises(ClockError, match=r"no orientation rules \(major_incidents.orientation\)"):
        dst_hours.orientation_first_due(local(2026, 4, 7))
