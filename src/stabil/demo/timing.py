"""When things happen in the demo: times of day people report at, and service-time delays.

Every instant is whole seconds in UTC. Faults are reported mostly in working hours, some in
the evening, a few at night and at weekends; the desk and the suppliers act in the
calendars the targets count in, so a fault that comes at night is handed over in the morning.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from stabil.clock import Clock
from stabil.declaration import Declaration

MINUTE = dt.timedelta(minutes=1)
HOUR = 3600.0


def whole(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(dt.UTC).replace(microsecond=0)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed count (Knuth's method: the means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


@dataclass(slots=True)
class Timing:
    rng: random.Random
    clock: Clock
    declaration: Declaration

    @property
    def zone(self) -> dt.tzinfo:
        return self.declaration.time.zone

    @property
    def work_calendar(self) -> str:
        """The calendar of the desk's working hours: the one working days are counted in."""
        rule = self.declaration.time.working_days
        if rule is not None:
            return rule.calendar
        lowest = max(self.declaration.priorities, key=lambda item: item.level)
        return next(iter(lowest.targets.values())).calendar

    def is_working_day(self, day: dt.date) -> bool:
        if self.declaration.time.working_days is None:
            return day.weekday() < 5
        return self.clock.is_working_day(day)

    def days(self, start: dt.datetime, end: dt.datetime) -> list[dt.date]:
        """The local days from `start` to `end`, both included."""
        first, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]

    def local(self, day: dt.date, hours: float) -> dt.datetime:
        """`hours` after local midnight of `day` (a wall-clock time, as people read it)."""
        seconds = round(hours * HOUR)
        wall = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        return whole(wall + dt.timedelta(seconds=seconds))

    def report_time(self, day: dt.date) -> dt.datetime:
        """When a fault is noticed: on a working day mostly in office hours, peaking in the
        morning; else spread over the waking hours; now and then at night."""
        draw = self.rng.random()
        if self.is_working_day(day):
            if draw < 0.80:
                return self.local(day, self.rng.triangular(7.5, 17.0, 10.0))
            if draw < 0.93:
                return self.local(day, self.rng.uniform(17.0, 23.0))
        elif draw < 0.85:
            return self.local(day, self.rng.uniform(8.0, 23.0))
        return self.local(day, self.rng.uniform(0.0, 7.0))

    def minutes(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(seconds=round(self.rng.uniform(low, high) * 60))

    def working(self, after: dt.datetime, low_hours: float, high_hours: float) -> dt.datetime:
        """Some working hours after `after`: when the desk gets to something unhurried."""
        seconds = self.rng.uniform(low_hours, high_hours) * HOUR
        return whole(self.clock.deadline(self.work_calendar, after, seconds))

    def service(self, calendar: str, start: dt.datetime, seconds: float) -> dt.datetime:
        """The instant `seconds` of the calendar's time have run from `start`."""
        return whole(self.clock.deadline(calendar, start, seconds))

    def elapsed_before(self, calendar: str, end: dt.datetime, seconds: float) -> dt.datetime:
        """The latest start from which `seconds` of the calendar's time have run by `end`."""
        span = dt.timedelta(hours=12)
        while self.clock.elapsed(calendar, end - span, end) < seconds:
            span *= 2
            if span > dt.timedelta(days=800):
                return whole(end - span)
        low, high = end - span, end  # elapsed(low) >= seconds > elapsed(high)
        while high - low > dt.timedelta(seconds=1):
            middle = low + (high - low) / 2
            if self.clock.elapsed(calendar, middle, end) >= seconds:
                low = middle
            else:
                high = middle
        return whole(low)


@dataclass(slots=True)
class Track:
    """The instants of one record's story: each after the one before, never all at once."""

    last: dt.datetime

    def at(self, instant: dt.datetime) -> dt.datetime:
        self.last = max(whole(instant), self.last + MINUTE)
        return self.last


@dataclass(frozen=True, slots=True)
class Month:
    """A local calendar month, as the instants that bound it."""

    start: dt.datetime
    end: dt.datetime

    def holds(self, instant: dt.datetime) -> bool:
        return self.start <= instant < self.end


def reported_month(zone: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> Month | None:
    """The last whole local month of a history from `start` to `end`: the month whose
    report people read once it is over. None when the history holds no whole month before
    the one it ends in."""
    local = end.astimezone(zone)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    first = dt.datetime(year, month, 1, tzinfo=zone)
    following = dt.datetime(local.year, local.month, 1, tzinfo=zone)
    if first.astimezone(dt.UTC) < start:
        return None
    return Month(first.astimezone(dt.UTC), following.astimezone(dt.UTC))
