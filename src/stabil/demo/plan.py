"""The whole plan: from a seed, the declaration and a span of time, every action in order.

Pure computation: the same seed, declaration, start and end give the same actions. What
would happen after the end is left out, so stories still under way at the end stay open.
"""

from __future__ import annotations

import datetime as dt
import random

from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.demo.actions import Action
from stabil.demo.disruptions import Late, tell_disruption, tell_major
from stabil.demo.incidents import Arrival, arrivals, rank_of, report, work
from stabil.demo.meetings import plan_meetings
from stabil.demo.present import plan_present
from stabil.demo.records import plan_announcements, plan_problems, plan_requests
from stabil.demo.reported import plan_reported
from stabil.demo.script import Context
from stabil.demo.windows import plan_windows

# Majors resolved long enough ago for their review to be due are told late in one way each.
LATE_IN_TURN = (Late(review=True), Late(first_message=True), Late(restored=True))
REVIEWED_AFTER = dt.timedelta(days=30)
MIN_MAJORS = 2


def months_before(instant: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if the
    day does not exist then)."""
    month = instant.month - 1 - months
    year, month = instant.year + month // 12, month % 12 + 1
    for day in range(instant.day, 0, -1):
        try:
            return instant.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("every month has a first day")


def make_plan(
    declaration: Declaration, *, seed: int, start: dt.datetime, end: dt.datetime
) -> list[Action]:
    """The actions from `start` up to `end`, sorted by the instant each is recorded."""
    ctx = Context(declaration, clock_for(declaration), random.Random(seed), start, end)
    faults = _with_majors(ctx, arrivals(ctx))
    stories, late = [], list(LATE_IN_TURN)
    for arrival in faults:
        story, track = report(ctx, arrival)
        work(ctx, story, track)
        if ctx.is_major(story.level):
            due = arrival.detected < end - REVIEWED_AFTER and late
            tell_major(ctx, story, late.pop(0) if due else Late())
        elif rank_of(ctx, story.level) == 1:
            tell_disruption(ctx, story)
        stories.append(story)
    plan_reported(ctx)
    plan_present(ctx)
    plan_problems(ctx, stories)
    plan_requests(ctx)
    plan_announcements(ctx)
    plan_windows(ctx)
    plan_meetings(ctx)
    kept = [action for action in ctx.script.actions if action.at <= end]
    return sorted(kept, key=Action.sort_key)


def _with_majors(ctx: Context, found: list[Arrival]) -> list[Arrival]:
    """At least a couple of major incidents, even in a short history: they have the most to
    show. Those added come on working days in the first two thirds of the span."""
    majors = [level for level in ctx.levels if ctx.is_major(level)]
    missing = MIN_MAJORS - sum(1 for item in found if item.level in majors)
    if not majors or missing <= 0:
        return found
    days = [day for day in ctx.timing.days(ctx.start, ctx.now) if ctx.timing.is_working_day(day)]
    pool = days[: max(len(days) * 2 // 3, 1)]
    chosen = sorted(ctx.rng.sample(pool, min(missing, len(pool))))
    added = [Arrival(ctx.timing.local(day, ctx.rng.uniform(9, 15)), majors[0]) for day in chosen]
    return sorted(found + added, key=lambda item: item.detected)
