"""A timer as the pages show it: time left in service time and on the wall clock, and its
level: `ok`, `warning` from the escalation rules' warning share (R8), `breached` past the
target; once stopped, `met` or `missed`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stabil.declaration import Declaration
from stabil.schemas import TimerOut
from stabil.texts import N_

LEVEL_LABELS = {
    "ok": N_("in time"),
    "warning": N_("due soon"),
    "breached": N_("breached"),
    "met": N_("met"),
    "missed": N_("missed"),
    "stopped": N_("stopped"),
}


@dataclass(frozen=True, slots=True)
class TimerView:
    kind: str
    level: str
    running: bool
    breached: bool
    left: float  # service seconds until the target; 0 once breached
    over: float  # service seconds past the target; 0 while in time
    due: dt.datetime
    wall_left: float | None  # wall-clock seconds until `due`, while running and in time
    stopped_at: dt.datetime | None
    elapsed: float
    target: float

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def urgency(self) -> float:
        """For sorting: seconds until due on the wall clock; stopped timers last."""
        return (
            self.wall_left if self.wall_left is not None else (-self.over if self.running else 1e18)
        )


def warning_share(declaration: Declaration, priority: int, kind: str) -> float | None:
    """The earliest share of the target at which an escalation rule warns, if any (R8)."""
    if declaration.escalation is None:
        return None
    shares = [
        rule.warn_at_percent / 100
        for rule in declaration.escalation.rules
        if rule.warn_at_percent is not None and priority in rule.priorities and kind in rule.timers
    ]
    return min(shares) if shares else None


def timer_view(kind: str, timer: TimerOut, share: float | None, now: dt.datetime) -> TimerView:
    elapsed, target = timer.elapsed_seconds, timer.target_seconds
    if timer.running:
        breached = timer.breached
        if breached:
            level = "breached"
        elif share is not None and elapsed >= share * target:
            level = "warning"
        else:
            level = "ok"
    else:
        breached = False
        level = "met" if timer.met else "missed" if timer.met is False else "stopped"
    in_time = timer.running and not breached
    return TimerView(
        kind=kind,
        level=level,
        running=timer.running,
        breached=breached,
        left=max(0.0, target - elapsed),
        over=max(0.0, elapsed - target),
        due=timer.due_at,
        wall_left=(timer.due_at - now).total_seconds() if in_time else None,
        stopped_at=timer.stopped_at,
        elapsed=elapsed,
        target=target,
    )
