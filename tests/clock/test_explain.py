"""The trace of how a deadline is found: what is counted, what is skipped and why."""

from __future__ import annotations

import datetime as dt

from stabil.clock import Clock, TraceKind
from tests.clock.conftest import local


def test_p3_reaction_over_easter_names_every_day_skipped(borger: Clock) -> None:
    explanation = borger.explain(3, "reaction", local(2026, 4, 1, 15))
    assert explanation.lines == (
        "priority 3 reaction: 2 working days = 960 minutes of primary "
        "(1 working day = 480 min, R7.3)",
        "start Wed 2026-04-01 15:00 (2026-04-01T15:00:00+02:00)",
        "counted Wed 2026-04-01 15:00-16:30: 90 min (90 min of 960 min)",
        "closed Wed 2026-04-01 16:30 - Tue 2026-04-07 08:30",
        "  skipped Skærtorsdag 2026-04-02",
        "  skipped Langfredag 2026-04-03",
        "  skipped Saturday 2026-04-04",
        "  skipped Påskedag 2026-04-05",
        "  skipped Anden påskedag 2026-04-06",
        "counted Tue 2026-04-07 08:30-16:30: 480 min (570 min of 960 min)",
        "skipped night Tue 2026-04-07 16:30 - Wed 2026-04-08 08:30",
        "counted Wed 2026-04-08 08:30-15:00: 390 min (960 min of 960 min)",
        "deadline Wed 2026-04-08 15:00 (2026-04-08T15:00:00+02:00)",
    )
    assert explanation.deadline == local(2026, 4, 8, 15)
    assert str(explanation) == "\n".join(explanation.lines)


def test_extra_days_are_named_after_the_day_they_are(borger: Clock) -> None:
    # 24 December is an extra non-working day of the declaration; the holidays package knows
    # it as Juleaftensdag, and 31 December as Nytårsaften.
    lines = borger.explain(1, "reaction", local(2026, 12, 23, 16, 20)).lines
    assert "  skipped Juleaftensdag 2026-12-24" in lines
    assert "  skipped Juledag 2026-12-25" in lines
    assert "  skipped Anden juledag 2026-12-26" in lines
    assert "  skipped Sunday 2026-12-27" in lines
    assert lines[-1] == "deadline Mon 2026-12-28 08:35 (2026-12-28T08:35:00+01:00)"
    new_year = borger.explain(1, "reaction", local(2026, 12, 30, 16, 20)).lines
    assert "  skipped Nytårsaften 2026-12-31" in new_year
    assert "  skipped Nytårsdag 2027-01-01" in new_year


def test_a_target_that_ends_at_closing_time(borger: Clock) -> None:
    lines = borger.explain(1, "resolution", local(2026, 4, 7, 12, 30)).lines
    assert lines[2:] == (
        "counted Tue 2026-04-07 12:30-16:30: 240 min (240 min of 240 min)",
        "deadline Tue 2026-04-07 16:30 (2026-04-07T16:30:00+02:00)",
    )


def test_a_start_in_closed_time_on_a_weekday(borger: Clock) -> None:
    lines = borger.explain(1, "reaction", local(2026, 4, 7, 7)).lines
    assert lines[2:] == (
        "skipped closed hours Tue 2026-04-07 07:00-08:30",
        "counted Tue 2026-04-07 08:30-08:45: 15 min (15 min of 15 min)",
        "deadline Tue 2026-04-07 08:45 (2026-04-07T08:45:00+02:00)",
    )


def test_around_the_clock_is_one_piece_across_dst(webservice: Clock) -> None:
    lines = webservice.explain(1, "resolution", local(2026, 3, 28, 23)).lines
    assert lines == (
        "priority 1 resolution: 4 hours = 240 minutes of always",
        "start Sat 2026-03-28 23:00 (2026-03-28T23:00:00+01:00)",
        # 4 elapsed hours from 23:00 CET end at 04:00 CEST: the clocks skipped 02:00-03:00.
        "counted Sat 2026-03-28 23:00 - Sun 2026-03-29 04:00: 240 min (240 min of 240 min)",
        "deadline Sun 2026-03-29 04:00 (2026-03-29T04:00:00+02:00)",
    )


def test_the_steps_say_the_same_as_facts(borger: Clock) -> None:
    explanation = borger.explain(3, "reaction", local(2026, 4, 1, 15))
    kinds = [step.kind for step in explanation.steps]
    assert kinds == [
        TraceKind.counted,
        TraceKind.closed,
        *[TraceKind.day_off] * 5,
        TraceKind.counted,
        TraceKind.night,
        TraceKind.counted,
    ]
    first, closed, maundy = explanation.steps[:3]
    assert (first.start, first.end) == (local(2026, 4, 1, 15), local(2026, 4, 1, 16, 30))
    assert (first.seconds, first.total) == (90 * 60, 90 * 60)
    assert (closed.start, closed.end) == (local(2026, 4, 1, 16, 30), local(2026, 4, 7, 8, 30))
    assert (maundy.day, maundy.holiday) == (dt.date(2026, 4, 2), "Skærtorsdag")
    saturday = explanation.steps[4]
    assert (saturday.day, saturday.holiday) == (dt.date(2026, 4, 4), None)
    assert explanation.steps[-1].total == explanation.target_seconds == 960 * 60
    assert explanation.start == local(2026, 4, 1, 15)
    assert explanation.counted_before == 0


def test_a_timer_that_continues_counts_only_the_rest(borger: Clock) -> None:
    # 10 of the 15 minutes were used before a reopening: 5 are left from the new start.
    start = local(2026, 4, 7, 10)
    explanation = borger.explain(1, "reaction", start, counted=600)
    assert explanation.deadline == borger.deadline("primary", start, 300)
    assert explanation.lines[2] == "counted before: 10 min"
    assert explanation.lines[3] == "counted Tue 2026-04-07 10:00-10:05: 5 min (15 min of 15 min)"
    assert explanation.counted_before == 600
    assert [step.total for step in explanation.steps] == [900]
