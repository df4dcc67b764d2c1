"""The next allowed starts of a window kind, and their agreement with the rules (R13)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stabil.declaration import Declaration, load_declaration
from stabil.windows.rules import Planned, Proposal, check
from stabil.windows.slots import UnknownKind, kind_of, slots
from tests.conftest import BORGER_DK, EXAMPLE

CPH = ZoneInfo("Europe/Copenhagen")
BORGER = load_declaration(BORGER_DK)
DECLARATIONS = {"borger-dk": BORGER, "example": load_declaration(EXAMPLE)}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CPH)


def test_the_next_nights_after_the_notice() -> None:
    # Tuesday 14 April 2026 at 10:00: a short window needs 3 days' notice, so the first night
    # is Friday 17 April's, at 00:00... but that is before Friday 10:00; Saturday's is next.
    now = at(2026, 4, 14, 10)
    found = slots(BORGER, "short", after=now, now=now, limit=3)
    assert found == [at(2026, 4, 18), at(2026, 4, 19), at(2026, 4, 20)]


def test_long_windows_only_on_weekend_and_holiday_nights() -> None:
    now = at(2026, 12, 1, 9)  # a Tuesday; 21 days' notice: from Tuesday 22 December 09:00
    found = slots(BORGER, "long", after=now, now=now, limit=4)
    # 24 and 25 December (Christmas Eve, an extra day off, and Christmas Day), then the weekend.
    assert found == [at(2026, 12, 24), at(2026, 12, 25), at(2026, 12, 26), at(2026, 12, 27)]


def test_a_window_that_holds_the_start_of_the_night_moves_the_slot() -> None:
    now = at(2026, 4, 14, 10)
    taken = [Planned("medium", at(2026, 4, 18, 0), at(2026, 4, 18, 3), id=1)]
    found = slots(BORGER, "short", after=now, now=now, others=taken, limit=2)
    assert found == [at(2026, 4, 18, 3), at(2026, 4, 19)]


def test_a_full_year_moves_the_slots_into_the_next() -> None:
    now = at(2026, 12, 1, 9)
    found = slots(BORGER, "short", after=now, now=now, used={2026: 4}, limit=2)
    assert found == [at(2027, 1, 1), at(2027, 1, 2)]


def test_an_unknown_kind_says_which_there_are() -> None:
    with pytest.raises(UnknownKind, match="it has: short, medium, long, unplanned"):
        kind_of(BORGER, "weekly")


instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2029, 12, 31),
    timezones=st.just(CPH),
    allow_imaginary=False,  # a local time the spring night skips is no instant anyone saw
)


@settings(max_examples=60, deadline=None)
@given(
    declaration=st.sampled_from(sorted(DECLARATIONS)),
    now=instants,
    used=st.integers(min_value=0, max_value=4),
    data=st.data(),
)
def test_every_proposed_slot_passes_the_check(
    declaration: str, now: dt.datetime, used: int, data: st.DataObject
) -> None:
    chosen: Declaration = DECLARATIONS[declaration]
    assert chosen.service_windows is not None
    kind = data.draw(st.sampled_from([kind.key for kind in chosen.service_windows.kinds]))
    length = kind_of(chosen, kind).max_minutes
    for start in slots(chosen, kind, after=now, now=now, used={now.year: used}, limit=3):
        end = start.astimezone(dt.UTC) + dt.timedelta(minutes=length)  # elapsed, not wall
        proposal = Proposal(kind, start, end, announced=now)
        counted = used if start.astimezone(CPH).year == now.year else 0
        assert check(chosen, proposal, used=counted, now=now) == []


@settings(max_examples=80, deadline=None)
@given(start=instants)
def test_announced_at_the_last_moment_passes_and_a_second_later_fails(start: dt.datetime) -> None:
    """The latest announcement is the start minus the notice in local calendar days; where that
    local time does not exist or happens twice (the DST nights), there is no one such moment."""
    kind = kind_of(BORGER, "short")
    start = start.replace(microsecond=0)
    wall = start.replace(tzinfo=None) - dt.timedelta(days=kind.notice_days)
    first, second = wall.replace(tzinfo=CPH), wall.replace(tzinfo=CPH, fold=1)
    assume(first.utcoffset() == second.utcoffset())
    # The same for the start: of a local time that happens twice, notice counts to the first.
    assume(start.replace(fold=0).utcoffset() == start.replace(fold=1).utcoffset())
    end = start.astimezone(dt.UTC) + dt.timedelta(minutes=60)

    def notice_broken(announced: dt.datetime) -> bool:
        found = check(BORGER, Proposal("short", start, end, announced), now=announced)
        return any(violation.rule.value == "notice" for violation in found)

    assert not notice_broken(first)
    assert notice_broken(first + dt.timedelta(seconds=1))
