"""Instants in and out: aware datetimes only, ISO 8601 text with or without an offset."""

from __future__ import annotations

import datetime as dt

import pytest

from stabil.clock import Clock, ClockError, clock_for
from stabil.clock.parsing import format_instant, parse_instant
from stabil.declaration import Declaration
from tests.clock.conftest import COPENHAGEN, local, utc

NAIVE = dt.datetime(2026, 4, 7, 9)


@pytest.mark.parametrize(
    "query",
    [
        lambda clock: clock.period_at(NAIVE),
        lambda clock: clock.is_open("primary", NAIVE),
        lambda clock: clock.next_open("primary", NAIVE),
        lambda clock: clock.elapsed("primary", NAIVE, local(2026, 4, 8)),
        lambda clock: clock.deadline("primary", NAIVE, 60),
        lambda clock: clock.target_deadline(1, "reaction", NAIVE),
        lambda clock: clock.segments(local(2026, 4, 6), NAIVE),
        lambda clock: clock.orientation_first_due(NAIVE),
        lambda clock: clock.orientation_next_due(NAIVE),
        lambda clock: clock.explain(1, "reaction", NAIVE),
    ],
)
def test_naive_instants_are_value_errors(borger: Clock, query: object) -> None:
    with pytest.raises(ValueError, match="is not an aware datetime"):
        query(borger)  # type: ignore[operator]


def test_results_are_in_utc(borger: Clock) -> None:
    for result in (
        borger.deadline("primary", local(2026, 4, 7, 9), 60),
        borger.next_open("primary", local(2026, 4, 7, 7)),
        borger.orientation_first_due(local(2026, 4, 7, 9)),
    ):
        assert result.tzinfo is dt.UTC


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-04-07T08:45:00+02:00", utc(2026, 4, 7, 6, 45)),
        ("2026-04-07T06:45Z", utc(2026, 4, 7, 6, 45)),
        ("2026-04-07T08:45", utc(2026, 4, 7, 6, 45)),  # local: CEST, +02:00
        ("2026-01-07T08:45", utc(2026, 1, 7, 7, 45)),  # local: CET, +01:00
        ("2026-04-07", utc(2026, 4, 6, 22)),  # local midnight
        ("2026-10-25T02:30+01:00", utc(2026, 10, 25, 1, 30)),  # repeated hour, offset given
    ],
)
def test_parse_instant(text: str, instant: dt.datetime) -> None:
    assert parse_instant(text, COPENHAGEN) == instant


def test_a_skipped_local_time_is_an_error_that_says_so() -> None:
    with pytest.raises(ClockError) as error:
        parse_instant("2026-03-29T02:30", COPENHAGEN)
    assert str(error.value) == (
        "2026-03-29T02:30 does not exist in Europe/Copenhagen (the clocks skip it); "
        "give an offset (+01:00 or +02:00) or another time"
    )


def test_a_repeated_local_time_is_an_error_that_says_so() -> None:
    with pytest.raises(ClockError) as error:
        parse_instant("2026-10-25T02:30", COPENHAGEN)
    assert str(error.value) == (
        "2026-10-25T02:30 happens twice in Europe/Copenhagen (the clocks go back); give its "
        "offset: +02:00 for the first, +01:00 for the second"
    )


def test_text_that_is_no_time() -> None:
    with pytest.raises(ClockError, match=r"'next tuesday' is not an ISO 8601 time \(e\.g\."):
        parse_instant("next tuesday", COPENHAGEN)


def test_format_instant_in_the_zone_to_the_second() -> None:
    instant = utc(2026, 4, 7, 6, 45) + dt.timedelta(microseconds=999_999)
    assert format_instant(instant, COPENHAGEN) == "2026-04-07T08:45:00+02:00"
    assert format_instant(utc(2026, 1, 7, 7, 45), COPENHAGEN) == "2026-01-07T08:45:00+01:00"


def test_clock_for_compiles_once_per_declaration(
    borger_dk: Declaration, example_declaration: Declaration
) -> None:
    assert clock_for(borger_dk) is clock_for(borger_dk)
    assert clock_for(example_declaration) is not clock_for(borger_dk)
    copy = borger_dk.model_copy()
    assert clock_for(copy) is not clock_for(borger_dk)
