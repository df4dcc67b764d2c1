"""Clocks of the shipped declarations, a small declaration with boundaries in the DST hours,
and a helper for local times in Copenhagen."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from stabil.clock import Clock, clock_for
from stabil.declaration import Declaration, parse_declaration

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC

# A calendar open 02:30-03:30 every day: on DST Sundays both of its boundaries fall in the hour
# that is skipped (spring) or repeated (autumn) in Copenhagen.
DST_DECLARATION = """
schema_version: 1
metadata:
  service: dst-hours
  incident_prefix: DST
  name: {da: Natlige timer}
  agency: {name: {da: Styrelsen}}
  version: "1"
  effective: 2026-01-01
  history: {entries: [{date: 2026-01-01, version: "1", change: {da: Ny}, author: SA}]}
time:
  timezone: Europe/Copenhagen
  calendars:
    night: {hours: {all: "02:30-03:30"}}
    day: {rest_of: [night]}
  service_periods: {periods: [night, day]}
priorities:
  - level: 1
    name: {da: Kritisk}
    definition: {da: Kritisk}
    targets: {reaction: {value: 30, unit: minutes, calendar: night}}
timers:
  reaction: {name: {da: Reaktion}, starts: detected, stops: [handed_over]}
"""


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, fold: int = 0
) -> dt.datetime:
    """A wall time in Copenhagen; `fold=1` is the second of a repeated autumn reading."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=COPENHAGEN, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(scope="session")
def borger(borger_dk: Declaration) -> Clock:
    return clock_for(borger_dk)


@pytest.fixture(scope="session")
def webservice(example_declaration: Declaration) -> Clock:
    return clock_for(example_declaration)


@pytest.fixture(scope="session")
def dst_hours() -> Clock:
    return Clock(parse_declaration(DST_DECLARATION, "dst-hours.yaml"))
