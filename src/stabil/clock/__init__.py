"""The service-time clock: service periods, elapsed service time, deadlines and orientation.

`clock_for(declaration)` compiles a declaration's calendars once into sorted tables of open
intervals with cumulative counts; every query is then a bisection or two (R2, R7.3, R14.5).
"""

from stabil.clock.cache import clock_for
from stabil.clock.clock import Clock, Segment
from stabil.clock.errors import ClockError
from stabil.clock.explain import Explanation, TraceKind, TraceStep
from stabil.clock.periods import NO_PERIOD
from stabil.clock.years import FIRST_YEAR, LAST_YEAR

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "NO_PERIOD",
    "Clock",
    "ClockError",
    "Explanation",
    "Segment",
    "TraceKind",
    "TraceStep",
    "clock_for",
]
