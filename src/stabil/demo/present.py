"""The queue as it stands now: incidents still open, some near their deadlines, one past it,
and a major incident under way, so that every page has something to show."""

from __future__ import annotations

import datetime as dt

from stabil.demo.actions import HandOver, RequestStep, SubmitRequest
from stabil.demo.disruptions import Late, tell_major
from stabil.demo.incidents import Arrival, Story, report
from stabil.demo.script import Context
from stabil.demo.themes import REQUESTS, THEMES, Theme
from stabil.demo.timing import Track
from stabil.requests.states import RequestState

SIGNED_IN_AUTHORITY, SIGNED_IN_SUPPLIER = "aarhus", "driftspartner"


def _theme(key: str) -> Theme:
    return next(item for item in THEMES if item.key == key)


def _level(ctx: Context, rank: int) -> int:
    return ctx.levels[min(rank, len(ctx.levels) - 1)]


def _target(ctx: Context, level: int, timer: str) -> tuple[str, float]:
    return ctx.declaration.target(level, timer).calendar, ctx.clock.target_seconds(level, timer)


def _hand_over(ctx: Context, story: Story, track: Track, party: str, share: float) -> None:
    calendar, target = _target(ctx, story.level, "reaction")
    at = track.at(max(ctx.timing.service(calendar, story.detected, share * target), track.last))
    if at < ctx.now:
        ctx.script.add(at, HandOver(story.ref, "operator", party, at))
        story.party = party


def plan_present(ctx: Context) -> None:
    now, timing = ctx.now, ctx.timing
    if ctx.is_major(_level(ctx, 0)):
        detected = now - dt.timedelta(minutes=50)
        story, track = report(
            ctx,
            Arrival(detected, _level(ctx, 0)),
            theme=_theme("login"),
            reporter="operator",
            delay=dt.timedelta(minutes=3),
        )
        at = track.at(detected + dt.timedelta(minutes=9))
        ctx.script.add(at, HandOver(story.ref, "operator", SIGNED_IN_SUPPLIER, at))
        story.party = SIGNED_IN_SUPPLIER
        tell_major(ctx, story, Late())
    # Near its reaction deadline: 85 % of the target used, not yet handed over.
    level = _level(ctx, 1)
    calendar, target = _target(ctx, level, "reaction")
    detected = timing.elapsed_before(calendar, now, 0.85 * target)
    report(ctx, Arrival(detected, level), theme=_theme("selfservice"), reporter="aarhus")
    # Near its resolution deadline, and one past it, both with a supplier.
    level = _level(ctx, 2)
    calendar, target = _target(ctx, level, "resolution")
    for share, theme, reporter, party in (
        (0.9, "import", "operator-2", "kodevaerket"),
        (1.15, "form", SIGNED_IN_AUTHORITY, SIGNED_IN_SUPPLIER),
    ):
        detected = timing.elapsed_before(calendar, now, share * target)
        story, track = report(ctx, Arrival(detected, level), theme=_theme(theme), reporter=reporter)
        _hand_over(ctx, story, track, party, 0.4)
    # Just reported.
    fresh = now - timing.minutes(15, 40)
    report(
        ctx,
        Arrival(fresh, _level(ctx, 3)),
        theme=_theme("typo"),
        reporter="odense",
        delay=dt.timedelta(minutes=5),
    )
    _requests(ctx)


def _requests(ctx: Context) -> None:
    """A request waiting for the desk, and one it works on."""
    waiting, working = REQUESTS[0], REQUESTS[5]
    asked = ctx.now - dt.timedelta(hours=2)
    ref = ctx.new_ref("R")
    ctx.script.add(
        asked,
        SubmitRequest(
            ref, SIGNED_IN_AUTHORITY, waiting.title, waiting.description, waiting.category
        ),
    )
    asked = ctx.now - dt.timedelta(days=1, hours=3)
    ref = ctx.new_ref("R")
    ctx.script.add(
        asked, SubmitRequest(ref, "odense", working.title, working.description, working.category)
    )
    started = asked + dt.timedelta(hours=1)
    ctx.script.add(started, RequestStep(ref, "operator", RequestState.in_progress))
