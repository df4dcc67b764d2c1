"""Penalty points (bodspoint) by the declaration's rules (the example SLA has them).

Each rule names a measure and what it applies to: a service period's availability, a timer's
goals, or a response-time target. A missed goal costs the rule's points; with
`per_started_percent` it costs them again for each started step of that size by which the
figure fell short (0.25 points short with steps of 0.1 is 3 steps). A rule's `max_points` caps
it; the declaration's `max_points` caps the period's sum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from stabil.declaration import Declaration
from stabil.declaration.extras import PenaltyMeasure, PenaltyRule
from stabil.reports.model import GoalFigure, Penalties, PenaltyLine, ResponseTimeFigure
from stabil.watch.schemas import PeriodOut

# Shortfalls are differences of rounded percentages; this keeps 0.3 / 0.1 at 3 steps, not 4.
_EPSILON = 1e-9


def penalties(
    declaration: Declaration,
    goals: Sequence[GoalFigure],
    availability: dict[str, PeriodOut],
    response_times: Sequence[ResponseTimeFigure],
) -> Penalties | None:
    rules = declaration.penalties
    if rules is None:
        return None
    lines = [_line(rule, goals, availability, response_times) for rule in rules.rules]
    total = sum(line.points for line in lines)
    cap = rules.max_points
    return Penalties(
        lines=lines,
        points_before_cap=total,
        cap=cap,
        points=total if cap is None else min(total, cap),
    )


def _line(
    rule: PenaltyRule,
    goals: Sequence[GoalFigure],
    availability: dict[str, PeriodOut],
    response_times: Sequence[ResponseTimeFigure],
) -> PenaltyLine:
    shortfalls: list[float | None] = []
    if rule.measure is PenaltyMeasure.availability:
        figure = availability.get(rule.applies_to)
        if figure is not None and figure.met is not None and figure.target_percent is not None:
            shortfalls.append(_short(figure.uptime_percent, figure.target_percent, figure.met))
    elif rule.measure is PenaltyMeasure.timer_goal:
        for goal in goals:
            if goal.timer != rule.applies_to:
                continue
            shares = [goal.overall] if goal.overall is not None else goal.by_priority.values()
            for item in shares:
                if item is not None and item.goal_met is not None:
                    shortfalls.append(_short(item.percent, item.goal_percent, item.goal_met))
    else:
        for target in response_times:
            if target.key == rule.applies_to and target.goal_met is not None:
                shortfalls.append(None if target.goal_met else 0.0)
    missed = [short for short in shortfalls if short is not None]
    decided = bool(shortfalls)
    points = sum(_points(rule, short) for short in missed)
    if rule.max_points is not None:
        points = min(points, rule.max_points)
    return PenaltyLine(
        measure=rule.measure.value,
        applies_to=rule.applies_to,
        missed=bool(missed) if decided else None,
        shortfall_percent=round(max(missed), 3) if missed else None,
        points=points,
    )


def _short(value: float | None, goal: float, met: bool) -> float | None:
    """How far below the goal a missed figure fell; None when it was met."""
    if met or value is None:
        return None
    return max(0.0, goal - value)


def _points(rule: PenaltyRule, shortfall: float) -> int:
    if rule.per_started_percent is None:
        return rule.points
    steps = max(1, math.ceil(shortfall / rule.per_started_percent - _EPSILON))
    return rule.points * steps
