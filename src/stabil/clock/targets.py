"""A priority's target for a timer as an amount of one calendar's time (R7.1, R7.3)."""

from __future__ import annotations

from dataclasses import dataclass

from stabil.clock.errors import ClockError
from stabil.clock.instants import MICROS_PER_MINUTE
from stabil.declaration import Declaration
from stabil.declaration.priorities import TargetUnit


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    calendar: str
    amount: int  # microseconds of the calendar's time
    description: str  # "2 working days = 960 minutes of primary (1 working day = 480 min, R7.3)"


def resolve_target(declaration: Declaration, level: int, timer: str) -> ResolvedTarget:
    try:
        target = declaration.target(level, timer)
    except KeyError as error:
        raise ClockError(str(error.args[0])) from None
    if target.unit is TargetUnit.working_days:
        rule = declaration.time.working_days
        if rule is None:
            raise ClockError(
                f"priority {level} counts {timer} in working days, but the declaration does not "
                "say what a working day is (time.working_days)"
            )
        # R7.3: N working days are N times a working day's minutes of the target's calendar.
        minutes = target.value * rule.day_minutes
        note = f" (1 working day = {rule.day_minutes} min, R7.3)"
    else:
        minutes = target.value * (60 if target.unit is TargetUnit.hours else 1)
        note = ""
    amount = round(minutes * MICROS_PER_MINUTE)
    unit = target.unit.value.replace("_", " ")
    converted = "" if target.unit is TargetUnit.minutes else f" = {minutes:g} minutes"
    description = f"{target.value:g} {unit}{converted} of {target.calendar}{note}"
    return ResolvedTarget(target.calendar, amount, description)
