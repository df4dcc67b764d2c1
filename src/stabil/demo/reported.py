"""The last whole month of the history, told so that its compliance report has something in
every section, whatever the seed draws.

In that month: each priority's reaction and resolution met and missed (R7.5, R7.6); three
major incidents, handed over in time or not (R4), whose post-review reports are sent on time,
late and never (R9.7) and whose messages come on time and late (R14); a resolution that
passed its target just before the month and stopped in it, and one that passed it on the
month's last working day and stopped after the month or still runs (each counts where it
passed its target); a reopened incident, a cancelled one, a service request; and releases
with and without the notice an interface change needs (R11). Its windows and outages are
told by `windows` and `watch`, which find the same month with `reported_month`.

Each timer is placed by the clock: the incident is detected so that its target runs out
(or is met) on a working day of the month, in the calendar the target counts in.
"""

from __future__ import annotations

import datetime as dt

from stabil.declaration.communication import MessageType
from stabil.demo.actions import (
    Cancel,
    Close,
    HandOver,
    RegisterRelease,
    ReleaseStep,
    Reopen,
    Resolve,
)
from stabil.demo.disruptions import Late, tell_major
from stabil.demo.incidents import Arrival, Story, report
from stabil.demo.people import AGENCY, OPERATORS
from stabil.demo.records import RELEASE_NOTES, tell_request
from stabil.demo.script import Context
from stabil.demo.themes import DUPLICATE, REOPEN, REQUESTS
from stabil.demo.timing import Month, Track, reported_month
from stabil.releases.rules import shorter_notice_reasons

MIN_WORKING_DAYS = 15
HOUR = 3600.0
# How each major incident of the month goes: what is late, and the minutes from its
# detection to its hand-over and to its resolution (targets: 15 and 240 minutes).
MAJORS = (
    (Late(), 8, 150),
    (Late(first_message=True, review=True), 26, 170),
    (Late(update=True, no_review=True), 9, 300),
)
MET, LATE = 0.6, 1.3  # shares of a target


def plan_reported(ctx: Context) -> None:
    month = reported_month(ctx.timing.zone, ctx.start, ctx.now)
    if month is None:
        return
    days = [day for day in ctx.timing.days(month.start, month.end) if _working(ctx, day)]
    days = [day for day in days if month.holds(ctx.timing.local(day, 12))]
    if len(days) < MIN_WORKING_DAYS:
        return
    _majors(ctx, days)
    for level in ctx.levels:
        if not ctx.is_major(level):
            _met_and_missed(ctx, level, days)
    _across(ctx, month)
    _reopened(ctx, days[8])
    _cancelled(ctx, days[9])
    tell_request(ctx, ctx.timing.local(days[10], 10.5), REQUESTS[4])
    _releases(ctx, days)


def _working(ctx: Context, day: dt.date) -> bool:
    return ctx.timing.is_working_day(day)


def _operator(ctx: Context) -> str:
    return ctx.rng.choice(OPERATORS)


def _target(ctx: Context, level: int, timer: str) -> tuple[str, float]:
    return ctx.declaration.target(level, timer).calendar, ctx.clock.target_seconds(level, timer)


def _hand_over(ctx: Context, story: Story, track: Track, effective: dt.datetime) -> None:
    effective = max(effective, story.registered + dt.timedelta(minutes=1))
    recorded = track.at(effective)
    party = story.theme.party
    ctx.script.add(recorded, HandOver(story.ref, _operator(ctx), party, min(effective, recorded)))
    story.party = party


def _resolve(ctx: Context, story: Story, track: Track, effective: dt.datetime) -> bool:
    """Resolved at `effective`, if that comes before the history's end; whether it was."""
    recorded = max(effective, track.last + dt.timedelta(minutes=1))
    if recorded >= ctx.now - dt.timedelta(minutes=5):
        return False
    recorded = track.at(recorded)
    resolver = _operator(ctx) if story.party in (None, AGENCY) else str(story.party)
    fix = ctx.rng.choice(story.theme.fixes)
    ctx.script.add(recorded, Resolve(story.ref, resolver, min(effective, recorded), fix))
    story.resolved_at, story.resolved_recorded, story.fix = effective, recorded, fix
    return True


def _close(ctx: Context, story: Story, track: Track) -> None:
    closed = track.at(ctx.timing.working(track.last, 4, 24))
    if closed < ctx.now:
        ctx.script.add(closed, Close(story.ref, _operator(ctx)))


def _majors(ctx: Context, days: list[dt.date]) -> None:
    """Three major incidents early in the month, so that their reviews fall due in it."""
    level = ctx.levels[0]
    if not ctx.is_major(level):
        return
    for number, (late, reaction, resolution) in enumerate(MAJORS):
        detected = ctx.timing.local(days[1 + 2 * number], ctx.rng.uniform(9.5, 10.5))
        story, track = report(ctx, Arrival(detected, level), delay=ctx.timing.minutes(2, 5))
        _hand_over(ctx, story, track, detected + dt.timedelta(minutes=reaction))
        _resolve(ctx, story, track, detected + dt.timedelta(minutes=resolution))
        tell_major(ctx, story, late)
        _close(ctx, story, track)


def _met_and_missed(ctx: Context, level: int, days: list[dt.date]) -> None:
    """Three incidents of the priority decided on working days late in the month: both
    timers met, the reaction missed, the resolution missed."""
    reaction, reaction_target = _target(ctx, level, "reaction")
    resolution, resolution_target = _target(ctx, level, "resolution")
    timing = ctx.timing
    for kind, day in zip(("met", "reaction", "resolution"), days[-4:-1], strict=True):
        decided = timing.local(day, ctx.rng.uniform(10.0, 14.0))
        if kind == "met":
            detected = timing.elapsed_before(resolution, decided, MET * resolution_target)
        elif kind == "reaction":
            detected = timing.elapsed_before(reaction, decided, reaction_target)
        else:
            detected = timing.elapsed_before(resolution, decided, resolution_target)
        if detected < ctx.start + dt.timedelta(hours=1):
            continue  # a short history cannot hold so long a target
        story, track = report(ctx, Arrival(detected, level))
        share = LATE if kind == "reaction" else 0.4
        handed = timing.service(reaction, detected, share * reaction_target)
        _hand_over(ctx, story, track, handed)
        if kind == "met":
            resolved = decided
        elif kind == "reaction":
            resolved = timing.service(resolution, track.last, 0.1 * resolution_target)
        else:
            after = min(0.15 * resolution_target, 4 * HOUR)
            resolved = timing.service(resolution, decided, after)
        if _resolve(ctx, story, track, resolved):
            _close(ctx, story, track)


def _across(ctx: Context, month: Month) -> None:
    """Resolution timers of the second priority that pass their targets on the last working
    day before the month (stopped on its first) and on its last (stopped after it, or still
    running at the history's end)."""
    if len(ctx.levels) < 2:
        return
    level = ctx.levels[1]
    calendar, target = _target(ctx, level, "resolution")
    timing = ctx.timing
    before = _working_day_before(ctx, month.start.astimezone(timing.zone).date())
    last = _working_day_before(ctx, month.end.astimezone(timing.zone).date())
    for day, stopped_from in ((before, month.start), (last, month.end)):
        due = timing.local(day, 14.0)
        detected = timing.elapsed_before(calendar, due, target)
        if detected < ctx.start + dt.timedelta(hours=1):
            continue
        story, track = report(ctx, Arrival(detected, level))
        reaction, reaction_target = _target(ctx, level, "reaction")
        _hand_over(ctx, story, track, timing.service(reaction, detected, 0.3 * reaction_target))
        if _resolve(ctx, story, track, timing.service(calendar, stopped_from, 2 * HOUR)):
            _close(ctx, story, track)


def _working_day_before(ctx: Context, day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not _working(ctx, day):
        day -= dt.timedelta(days=1)
    return day


def _reopened(ctx: Context, day: dt.date) -> None:
    """Resolved within its target, reopened a few hours later, and resolved again."""
    level = ctx.levels[min(2, len(ctx.levels) - 1)]
    reaction, reaction_target = _target(ctx, level, "reaction")
    resolution, resolution_target = _target(ctx, level, "resolution")
    timing = ctx.timing
    detected = timing.local(day, ctx.rng.uniform(9.0, 11.0))
    story, track = report(ctx, Arrival(detected, level))
    _hand_over(ctx, story, track, timing.service(reaction, detected, 0.3 * reaction_target))
    if not _resolve(
        ctx, story, track, timing.service(resolution, detected, 0.1 * resolution_target)
    ):
        return
    again = track.at(timing.working(track.last, 1, 4))
    ctx.script.add(again, Reopen(story.ref, _operator(ctx), again, ctx.rng.choice(REOPEN)))
    if _resolve(ctx, story, track, timing.service(resolution, again, 2 * HOUR)):
        _close(ctx, story, track)


def _cancelled(ctx: Context, day: dt.date) -> None:
    detected = ctx.timing.local(day, ctx.rng.uniform(9.0, 15.0))
    story, track = report(ctx, Arrival(detected, ctx.levels[-1]))
    cancelled = track.at(story.registered + ctx.timing.minutes(30, 90))
    ctx.script.add(cancelled, Cancel(story.ref, _operator(ctx), DUPLICATE[0]))


def _releases(ctx: Context, days: list[dt.date]) -> None:
    """On Thursday mornings of the month: an ordinary release announced a week ahead, an
    interface change announced with its full notice (entered at the history's start when
    that lay before it), and one at shorter notice for an urgent fix, with the help the
    agency then owes (R11.1)."""
    if not ctx.declares(MessageType.release):
        return
    thursdays = [day for day in days if day.weekday() == 3] or days
    _release(ctx, thursdays[0], interface=False)
    reasons = shorter_notice_reasons(ctx.declaration)
    notice = ctx.declaration.releases
    if notice is None:
        return
    _release(
        ctx,
        thursdays[min(1, len(thursdays) - 1)],
        interface=True,
        ahead=dt.timedelta(days=31 * notice.interface_change_notice_months + 7),
    )
    if reasons:
        day = thursdays[min(2, len(thursdays) - 1)]
        _release(ctx, day, interface=True, reason="urgent" if "urgent" in reasons else reasons[0])


def _release(
    ctx: Context,
    day: dt.date,
    *,
    interface: bool,
    ahead: dt.timedelta = dt.timedelta(days=9),
    reason: str | None = None,
) -> None:
    timing = ctx.timing
    released = timing.local(day, 7.0)
    announced = timing.working(released - ahead, 0, 6)
    entered = max(announced, ctx.start + dt.timedelta(hours=1))
    notes, notes_en = RELEASE_NOTES[interface]
    ref = ctx.new_ref("V")
    register = RegisterRelease(
        ref=ref,
        actor=_operator(ctx),
        version=f"{released:%Y}.{ctx.count(f'release {released:%Y}')}",
        planned_date=day,
        notes=notes,
        notes_en=notes_en,
        interface_change=interface,
        shorter_notice_reason=reason,
        announced_at=announced if entered > announced else None,
    )
    ctx.script.add(entered, register)
    if reason is not None:
        helped = timing.working(entered, 4, 16)
        ctx.script.add(helped, ReleaseStep(ref, _operator(ctx), "help_given"))
    ctx.script.add(
        max(released, entered + dt.timedelta(hours=1)), ReleaseStep(ref, _operator(ctx), "released")
    )
