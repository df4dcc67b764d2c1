"""The declaration's timer goals over a period: the share of decided timers that were met,
pooled over the goal's priorities or per priority (R7.5, R7.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

from stabil.declaration import Declaration
from stabil.declaration.priorities import MeasurementPeriod, TimerGoal
from stabil.reports.decided import DecidedTimer
from stabil.reports.model import GoalFigure, Share


def share(timers: Sequence[DecidedTimer], goal_percent: float) -> Share:
    """`percent` and `goal_met` are None when nothing was decided: no proof either way."""
    met = sum(1 for timer in timers if timer.met)
    total = len(timers)
    if not total:
        return Share(met=0, total=0, percent=None, goal_percent=goal_percent, goal_met=None)
    exact = Fraction(met * 100, total)
    return Share(
        met=met,
        total=total,
        percent=round(float(exact), 2),
        goal_percent=goal_percent,
        # Compared exactly: 90 of 100 meets a 90 % goal, 899 of 1,000 does not.
        goal_met=exact >= Fraction(str(goal_percent)),
    )


def goal_figure(
    goal: TimerGoal, timers: Sequence[DecidedTimer], start: dt.datetime, end: dt.datetime
) -> GoalFigure:
    """The goal's figure over `[start, end)` from the timers decided in it."""
    mine = [t for t in timers if t.timer == goal.timer and t.priority in goal.priorities]
    by_priority = {
        str(level): share([t for t in mine if t.priority == level], goal.met_percent)
        for level in goal.priorities
    }
    return GoalFigure(
        timer=goal.timer,
        priorities=goal.priorities,
        pooled=goal.pooled,
        period=goal.period.value,
        from_=start,
        to=end,
        overall=share(mine, goal.met_percent) if goal.pooled else None,
        by_priority=by_priority,
    )


def headline(figures: Sequence[GoalFigure], timer: str) -> Share | dict[str, Share] | None:
    """The contract's `reaction` or `resolution`: the first monthly goal of that timer, one
    share when pooled, a share per priority otherwise; None when the declaration sets none."""
    for figure in figures:
        if figure.timer == timer and figure.period in (
            MeasurementPeriod.month.value,
            MeasurementPeriod.week.value,
        ):
            return figure.overall if figure.overall is not None else figure.by_priority
    return None


def goal_timers(declaration: Declaration) -> set[str]:
    return {goal.timer for goal in declaration.goals.timers}
