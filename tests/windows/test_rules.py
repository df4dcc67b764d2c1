"""The service-window rules at their edges (R13.1, R13.2, R12.2; Borger.dk and the example).

Borger.dk: short (2 h, 3 days' notice), medium (4 h, 7 days) and unplanned windows every night
00:00-07:00; long ones (7 h, 21 days) only on weekend and holiday nights; 4 of each kind a year,
all in secondary service time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from stabil.declaration import Declaration
from stabil.declaration.loader import parse_declaration
from stabil.windows.rules import Planned, Proposal, Rule, check, earliest_start
from tests.conftest import EXAMPLE

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 1, 12, tzinfo=CPH)
EARLY = dt.datetime(2026, 1, 2, 9, tzinfo=CPH)  # announced long before any window below


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=CPH)


def rules(
    declaration: Declaration,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    announced: dt.datetime | None = EARLY,
    **options: object,
) -> list[str]:
    proposal = Proposal(kind, start, end, announced)
    found = check(declaration, proposal, now=options.pop("now", NOW), **options)  # type: ignore[arg-type]
    return [violation.rule.value for violation in found]


def test_a_short_window_at_night_with_notice_is_compliant(borger_dk: Declaration) -> None:
    assert rules(borger_dk, "short", at(2026, 4, 15, 1), at(2026, 4, 15, 3)) == []


@pytest.mark.parametrize(
    ("start", "end", "broken"),
    [
        ((0, 0), (2, 0), []),  # from 00:00 exactly
        ((5, 0), (7, 0), []),  # to 07:00 exactly
        ((6, 59), (8, 59), ["hours", "service_period"]),  # past 07:00, into primary time
        ((5, 1), (7, 1), ["hours"]),  # one minute past 07:00
    ],
)
def test_the_night_is_00_to_07(
    borger_dk: Declaration, start: tuple[int, int], end: tuple[int, int], broken: list[str]
) -> None:
    assert rules(borger_dk, "short", at(2026, 4, 15, *start), at(2026, 4, 15, *end)) == broken


def test_06_59_to_07_01_is_outside(borger_dk: Declaration) -> None:
    assert rules(borger_dk, "short", at(2026, 4, 15, 6, 59), at(2026, 4, 15, 7, 1)) == ["hours"]


def test_a_window_across_midnight_is_in_no_one_night(borger_dk: Declaration) -> None:
    assert rules(borger_dk, "short", at(2026, 4, 14, 23), at(2026, 4, 15, 1)) == ["hours"]


def test_the_autumn_night_lasts_8_hours(borger_dk: Declaration) -> None:
    # Sunday 25 October 2026: the clocks go back at 03:00, so 00:00-07:00 lasts 8 hours.
    found = check(
        borger_dk, Proposal("long", at(2026, 10, 25), at(2026, 10, 25, 7), EARLY), now=NOW
    )
    assert [v.rule for v in found] == [Rule.length]
    assert "480 minutter" in found[0].message["da"]
    assert found[0].allowed == {"max_minutes": 420, "latest_end": "2026-10-25T06:00:00+01:00"}
    assert found[0].source == "R13.1"


def test_the_spring_night_lasts_6_hours(borger_dk: Declaration) -> None:
    # Sunday 29 March 2026: the clocks go forward at 02:00, so 00:00-07:00 lasts 6 hours.
    assert rules(borger_dk, "long", at(2026, 3, 29), at(2026, 3, 29, 7), EARLY) == []


@pytest.mark.parametrize(
    ("day", "broken"),
    [
        (at(2026, 4, 18), []),  # a Saturday
        (at(2026, 4, 20), ["hours"]),  # a Monday
        (at(2026, 12, 25), []),  # Christmas Day, a Friday: holidays follow the weekend
    ],
)
def test_long_windows_only_on_weekend_and_holiday_nights(
    borger_dk: Declaration, day: dt.datetime, broken: list[str]
) -> None:
    announced = day - dt.timedelta(days=30)
    assert rules(borger_dk, "long", day, day + dt.timedelta(hours=7), announced) == broken


def test_notice_is_calendar_days_of_local_time(borger_dk: Declaration) -> None:
    kind = next(kind for kind in borger_dk.service_windows.kinds if kind.key == "short")  # type: ignore[union-attr]
    tuesday = at(2026, 4, 14, 14)
    assert earliest_start(borger_dk, kind, tuesday) == at(2026, 4, 17, 14)
    # Across the spring change (Sunday 29 March): still 14:00 local, one hour less elapsed.
    thursday = at(2026, 3, 26, 14)
    earliest = earliest_start(borger_dk, kind, thursday)
    assert earliest == at(2026, 3, 29, 14)
    assert earliest.astimezone(dt.UTC) - thursday.astimezone(dt.UTC) == dt.timedelta(hours=71)


def test_notice_exactly_n_days_and_one_second_short(borger_dk: Declaration) -> None:
    start, end = at(2026, 4, 17), at(2026, 4, 17, 2)  # Friday night
    assert rules(borger_dk, "short", start, end, at(2026, 4, 14)) == []
    found = check(borger_dk, Proposal("short", start, end, at(2026, 4, 14, 0, 0, 1)), now=NOW)
    assert [v.rule for v in found] == [Rule.notice]
    assert found[0].allowed["earliest_start"] == "2026-04-17T00:00:01+02:00"
    assert "tidligst begynde 2026-04-17 00:00" in found[0].message["da"]


def test_a_window_not_yet_announced_is_checked_as_if_announced_now(
    borger_dk: Declaration,
) -> None:
    start, end = at(2026, 4, 3, 1), at(2026, 4, 3, 3)  # two days after NOW
    assert rules(borger_dk, "short", start, end, announced=None) == ["notice"]
    assert rules(borger_dk, "short", start, end, None, now=at(2026, 3, 30, 12)) == []


def windows_of(kind: str, *days: dt.datetime) -> list[Planned]:
    return [Planned(kind, day, day + dt.timedelta(hours=1), id=n) for n, day in enumerate(days)]


def test_the_fifth_window_of_a_kind_breaks_the_quota(borger_dk: Declaration) -> None:
    four = windows_of("short", *(at(2026, month, 10, 1) for month in (1, 2, 3, 4)))
    fifth = (at(2026, 6, 10, 1), at(2026, 6, 10, 3))
    assert rules(borger_dk, "short", *fifth, others=four[:3]) == []
    found = check(borger_dk, Proposal("short", *fifth, EARLY), others=four, now=NOW)
    assert [v.rule for v in found] == [Rule.quota]
    assert found[0].allowed == {
        "per_year": 4,
        "used": 4,
        "next_year_starts": "2027-01-01T00:00:00+01:00",
    }
    # Other kinds do not count, and the next year starts afresh (local time: 1 January 00:30
    # in Copenhagen is still 31 December in UTC).
    assert rules(borger_dk, "medium", *fifth, others=four) == []
    new_year = (at(2027, 1, 1, 0, 30), at(2027, 1, 1, 2))
    assert rules(borger_dk, "short", *new_year, others=four) == []


def test_used_counts_instead_of_the_windows_given(borger_dk: Declaration) -> None:
    night = (at(2026, 6, 10, 1), at(2026, 6, 10, 3))
    assert rules(borger_dk, "short", *night, used=3) == []
    assert rules(borger_dk, "short", *night, used=4) == ["quota"]


def test_a_cancelled_window_frees_its_quota(borger_dk: Declaration) -> None:
    # The caller passes only the windows that are not cancelled: with one of four cancelled,
    # three remain and the next fits.
    four = windows_of("short", *(at(2026, month, 10, 1) for month in (1, 2, 3, 4)))
    remaining = [window for window in four if window.id != 2]
    assert rules(borger_dk, "short", at(2026, 6, 10, 1), at(2026, 6, 10, 3), others=remaining) == []


def test_overlapping_windows_of_the_service(borger_dk: Declaration) -> None:
    others = [Planned("medium", at(2026, 4, 15, 2), at(2026, 4, 15, 6), id=7)]
    found = check(
        borger_dk,
        Proposal("short", at(2026, 4, 15, 1), at(2026, 4, 15, 3), EARLY),
        others=others,
        now=NOW,
    )
    assert [v.rule for v in found] == [Rule.overlap]
    assert found[0].allowed == {"windows": [7]}
    # Touching is not overlapping: windows are half-open.
    assert rules(borger_dk, "short", at(2026, 4, 15, 0), at(2026, 4, 15, 2), others=others) == []


def test_an_end_before_the_start_and_an_unknown_kind(borger_dk: Declaration) -> None:
    assert rules(borger_dk, "short", at(2026, 4, 15, 3), at(2026, 4, 15, 3)) == ["order"]
    found = check(borger_dk, Proposal("weekly", at(2026, 4, 15, 1), at(2026, 4, 15, 3)), now=NOW)
    assert [v.rule for v in found] == [Rule.kind]
    assert found[0].allowed == {"kinds": ["long", "medium", "short", "unplanned"]}
    assert "»weekly«" in found[0].message["da"]


def test_every_broken_rule_is_listed(borger_dk: Declaration) -> None:
    # A Monday afternoon, 5 hours, announced the day before: too long, outside the night,
    # partly in primary service time, and too late.
    start = at(2026, 4, 20, 12)
    broken = rules(borger_dk, "medium", start, start + dt.timedelta(hours=5), at(2026, 4, 19))
    assert broken == ["length", "hours", "service_period", "notice"]


def test_a_window_partly_in_business_hours_breaks_the_service_period() -> None:
    # The example's windows must lie outside business hours; with its Tuesday window widened
    # to start at 14:00, a window from 14:00 lies partly in them (Monday-Thursday 07-17).
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '{tue: "20:00-24:00"}', '{tue: "14:00-24:00"}'
    )
    widened = parse_declaration(text)
    tuesday = at(2026, 4, 14, 14)
    found = check(
        widened, Proposal("weekly", tuesday, tuesday + dt.timedelta(hours=4), EARLY), now=NOW
    )
    assert [v.rule for v in found] == [Rule.service_period]
    assert found[0].message["da"] == (
        "Vinduet skal ligge helt i »Uden for arbejdstid«; en del af det gør ikke."
    )
