"""Wall-clock times typed into a form, read in the declaration's zone: the nights the clocks
skip an hour or show it twice are refused, or asked about, never guessed (R13.2)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from stabil.errors import Invalid
from stabil.windows.local_time import local_input, local_instant, offset_input, readings

CPH = ZoneInfo("Europe/Copenhagen")


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def test_an_ordinary_time_is_one_instant_in_utc() -> None:
    assert local_instant("start", "2027-03-28T00:30", CPH) == utc("2027-03-28T00:30+01:00")
    assert local_instant("start", " 2027-03-28T03:30 ", CPH) == utc("2027-03-28T03:30+02:00")
    assert local_instant("start", "2027-03-28T00:30", CPH).tzinfo is dt.UTC


def test_a_time_the_clocks_skip_is_refused_naming_the_hour() -> None:
    with pytest.raises(Invalid) as refused:
        local_instant("start", "2027-03-28T02:30", CPH)
    assert refused.value.field == "start"
    assert refused.value.params == {"time": "2027-03-28 02:30", "start": "02:00", "end": "03:00"}
    assert "does not exist" in refused.value.template


def test_a_time_the_clocks_show_twice_needs_its_offset() -> None:
    with pytest.raises(Invalid) as refused:
        local_instant("end", "2027-10-31T02:30", CPH)
    assert "happens twice" in refused.value.template
    assert refused.value.params == {"time": "2027-10-31 02:30", "start": "02:00", "end": "03:00"}
    first = local_instant("end", "2027-10-31T02:30", CPH, "+02:00")
    second = local_instant("end", "2027-10-31T02:30", CPH, "+01:00")
    assert (first, second) == (utc("2027-10-31T00:30Z"), utc("2027-10-31T01:30Z"))
    assert [item.isoformat() for item in readings("2027-10-31T02:30", CPH)] == [
        "2027-10-31T02:30:00+02:00",
        "2027-10-31T02:30:00+01:00",
    ]
    assert readings("2027-10-31T03:00", CPH) == []
    assert readings("nonsense", CPH) == []


def test_the_form_shows_an_instant_as_its_wall_clock_and_the_offset_only_when_needed() -> None:
    first_two = utc("2027-10-31T00:00Z")  # 02:00 summer time, the first of two
    assert (local_input(first_two, CPH), offset_input(first_two, CPH)) == (
        "2027-10-31T02:00",
        "+02:00",
    )
    midnight = utc("2027-10-30T22:00Z")
    assert (local_input(midnight, CPH), offset_input(midnight, CPH)) == ("2027-10-31T00:00", "")
    assert (local_input(None, CPH), offset_input(None, CPH)) == ("", "")


@pytest.mark.parametrize(
    ("text", "template"),
    [
        ("", "Fill this in."),
        ("28.03.2027 00:30", "give a date and a time, e.g. {example}"),
        ("1969-12-31T23:00", "give a year from {first} to {last}"),
        ("9999-01-01T00:00", "give a year from {first} to {last}"),
    ],
)
def test_what_is_no_time_is_refused_saying_what_would_be(text: str, template: str) -> None:
    with pytest.raises(Invalid) as refused:
        local_instant("start", text, CPH)
    assert refused.value.template == template
