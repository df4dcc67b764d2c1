"""The notice of a release at its edges: months of the local calendar from the announcement
to the release date, month ends clamped, daylight saving irrelevant (R11.1)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from stabil.declaration import Declaration
from stabil.releases.rules import (
    help_obligation,
    months_later,
    notice_for,
    shorter_notice_reasons,
)

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 3, 15), 6, dt.date(2026, 9, 15)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        # A day the later month lacks is its last day: 31 August + 6 months ends in
        # February, on the 28th, or the 29th in a leap year, never in March.
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 31), 6, dt.date(2027, 6, 30)),
        (dt.date(2026, 7, 15), 6, dt.date(2027, 1, 15)),
        (dt.date(2026, 2, 28), 12, dt.date(2027, 2, 28)),
        (dt.date(2026, 5, 5), 0, dt.date(2026, 5, 5)),
    ],
)
def test_months_later_keeps_the_day_or_ends_with_the_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert months_later(day, months) == expected


def test_months_later_past_the_calendar_is_the_last_day() -> None:
    assert months_later(dt.date(9999, 10, 1), 6) == dt.date.max


def test_an_interface_change_needs_six_months_from_the_local_announcement_date(
    borger_dk: Declaration,
) -> None:
    announced = dt.datetime(2026, 3, 15, 10, tzinfo=CPH)
    notice = notice_for(borger_dk, True, announced)
    assert (notice.months, notice.announced_on, notice.earliest) == (
        6,
        dt.date(2026, 3, 15),
        dt.date(2026, 9, 15),
    )
    assert notice.met_by(dt.date(2026, 9, 15))  # exactly 6 months
    assert not notice.met_by(dt.date(2026, 9, 14))  # one day short


def test_the_announcement_counts_by_its_local_date_not_by_utc(borger_dk: Declaration) -> None:
    # 00:30 on 16 March in Copenhagen is still 15 March in UTC: the local date counts.
    announced = dt.datetime(2026, 3, 15, 23, 30, tzinfo=dt.UTC)
    assert notice_for(borger_dk, True, announced).earliest == dt.date(2026, 9, 16)


def test_daylight_saving_between_the_ends_changes_nothing(borger_dk: Declaration) -> None:
    # Announced the day before summer time begins, released in winter time: dates only.
    announced = dt.datetime(2026, 3, 28, 23, 59, tzinfo=CPH)
    assert notice_for(borger_dk, True, announced).earliest == dt.date(2026, 9, 28)
    autumn = dt.datetime(2026, 10, 25, 2, 30, tzinfo=CPH)  # the hour that happens twice
    assert notice_for(borger_dk, True, autumn).earliest == dt.date(2027, 4, 25)


def test_a_release_that_changes_no_interface_needs_no_notice(borger_dk: Declaration) -> None:
    notice = notice_for(borger_dk, False, dt.datetime(2026, 3, 15, 10, tzinfo=CPH))
    assert (notice.months, notice.earliest) == (0, None)
    assert notice.met_by(dt.date(2026, 3, 15))


def test_a_declaration_without_releases_asks_no_notice(example_declaration: Declaration) -> None:
    assert example_declaration.releases is None
    notice = notice_for(example_declaration, True, dt.datetime(2026, 3, 15, tzinfo=CPH))
    assert (notice.months, notice.earliest) == (0, None)
    assert shorter_notice_reasons(example_declaration) == []
    assert help_obligation(example_declaration) is None


def test_the_declarations_reasons_and_duty(borger_dk: Declaration) -> None:
    assert shorter_notice_reasons(borger_dk) == ["legal", "technical", "urgent"]
    duty = help_obligation(borger_dk)
    assert duty is not None
    assert duty["da"].startswith("Ved kortere varsel hjælper Digitaliseringsstyrelsen")
    assert (
        duty["en"]
        == "With shorter notice the agency helps with knowledge and advice about the changes."
    )
