"""The incidents of the demo: when they come, how urgent, who reports them, and how each
goes from report to close, mostly within its targets and some late.

Reaction and resolution are drawn as shares of the targets, counted in the targets' own
calendars by the declaration's clock; a major incident is worked around the clock, so its
steps are minutes of wall-clock time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stabil.demo.actions import Cancel, Close, HandOver, Reopen, Report, Reprioritise, Resolve
from stabil.demo.people import AGENCY, AUTHORITIES, OPERATORS, SUPPLIERS, organisation_name
from stabil.demo.script import Context
from stabil.demo.themes import (
    ASSESSED,
    CALLERS,
    DUPLICATE,
    LOWERED,
    OWN_FAULT,
    RAISED,
    REOPEN,
    THEMES,
    Theme,
)
from stabil.demo.timing import Track, poisson
from stabil.desk.service import Channel, Responsible
from stabil.desk.suggestion import Impact, suggest_priority

# Shares of the most urgent priorities, in per cent; the least urgent takes the rest.
SHARES = (3.0, 12.0, 35.0)
PER_WORKING_DAY = 1.9  # incidents reported on a working day, on average
OFF_DAY_SHARE = 0.3  # of that on weekends and holidays
BY_AUTHORITY = 0.45
AUTHORITY_WEIGHTS = (0.35, 0.2, 0.2, 0.15, 0.1)  # in the order of people.AUTHORITIES
CANCELLED, REPRIORITISED, PASSED_ON, REOPENED, OWN_FAULT_SHARE = 0.045, 0.03, 0.05, 0.06, 0.03
LATE_REACTION, LATE_RESOLUTION = 0.08, 0.07


@dataclass(frozen=True, slots=True)
class Arrival:
    detected: dt.datetime
    level: int


@dataclass(slots=True)
class Story:
    """What the rest of the plan needs to know of an incident it told."""

    ref: str
    reporter: str
    theme: Theme
    level: int
    detected: dt.datetime
    registered: dt.datetime
    users_percent: float
    party: str | None = None
    resolved_at: dt.datetime | None = None  # when service came back (effective)
    resolved_recorded: dt.datetime | None = None
    fix: str | None = None
    cancelled: bool = False


def shares(levels: list[int]) -> list[float]:
    """Per cent of incidents at each level, most urgent first."""
    given = list(SHARES[: len(levels) - 1])
    rest = len(levels) - len(given)
    return given + [(100.0 - sum(given)) / rest] * rest


def rank_of(ctx: Context, level: int) -> int:
    """0 for the most urgent incident priority, 3 for the fourth and every one after."""
    return min(ctx.levels.index(level), 3)


def arrivals(ctx: Context) -> list[Arrival]:
    """When faults are detected from the start to now, and how urgent each is."""
    timing, weights = ctx.timing, shares(ctx.levels)
    found = []
    for day in timing.days(ctx.start, ctx.now):
        mean = PER_WORKING_DAY * (1.0 if timing.is_working_day(day) else OFF_DAY_SHARE)
        for _ in range(poisson(ctx.rng, mean)):
            detected = timing.report_time(day)
            if ctx.start <= detected < ctx.now:
                level = ctx.rng.choices(ctx.levels, weights)[0]
                found.append(Arrival(detected, level))
    return sorted(found, key=lambda item: item.detected)


def report(
    ctx: Context,
    arrival: Arrival,
    *,
    theme: Theme | None = None,
    reporter: str | None = None,
    delay: dt.timedelta | None = None,
) -> tuple[Story, Track]:
    """Register the incident: the reporter, the facts and the priority they suggest."""
    rng, rank = ctx.rng, rank_of(ctx, arrival.level)
    theme = theme or rng.choice([item for item in THEMES if rank in item.ranks])
    actor, channel, caller = _reporter(ctx, reporter)
    impact = _impact(ctx, rank, theme, channel)
    suggested = suggest_priority(ctx.declaration, impact).priority
    override = suggested != arrival.level
    track = Track(arrival.detected)
    registered = track.at(arrival.detected + (delay or _registration_delay(ctx, channel, rank)))
    own_fault = actor in _authority_handles() and rank >= 2 and rng.random() < OWN_FAULT_SHARE
    ref = ctx.new_ref("I")
    ctx.script.add(
        registered,
        Report(
            ref=ref,
            actor=actor,
            title=theme.title,
            description=theme.description,
            impact=impact,
            detected_at=arrival.detected,
            channel=channel,
            priority=arrival.level if override else None,
            priority_reason=ASSESSED if override else None,
            reporter_name=caller,
            responsible=Responsible.authority if own_fault else Responsible.agency,
        ),
    )
    percent = impact.users_affected_percent or 0.0
    story = Story(ref, actor, theme, arrival.level, arrival.detected, registered, percent)
    return story, track


def _authority_handles() -> tuple[str, ...]:
    return tuple(org.key for org in AUTHORITIES)


def _reporter(ctx: Context, reporter: str | None) -> tuple[str, Channel, str | None]:
    rng = ctx.rng
    if reporter in _authority_handles() or (reporter is None and rng.random() < BY_AUTHORITY):
        who = reporter or rng.choices(_authority_handles(), AUTHORITY_WEIGHTS)[0]
        return who, rng.choices((Channel.web, Channel.api, Channel.mail), (7, 2, 1))[0], None
    operator = reporter or rng.choice(OPERATORS)
    channel = rng.choices((Channel.phone, Channel.mail, Channel.monitor), (45, 25, 30))[0]
    caller = rng.choice(CALLERS) if channel is Channel.phone else None
    return operator, channel, caller


def _impact(ctx: Context, rank: int, theme: Theme, channel: Channel) -> Impact:
    """Facts that match the rank; a caller on the phone sometimes cannot say."""
    rng = ctx.rng
    if channel is Channel.phone and rank >= 2 and rng.random() < 0.15:
        return Impact()
    if rank == 0 and theme.security:
        return Impact(users_affected_percent=round(rng.uniform(0.1, 2.0), 1), security_breach=True)
    if rank == 0:
        return Impact(users_affected_percent=rng.randint(25, 90), central_function=True)
    if rank == 1:
        return Impact(users_affected_percent=rng.randint(6, 19), workaround=False)
    if rank == 2:
        percent = round(rng.uniform(0.5, 5.0), 1)
        return Impact(users_affected_percent=percent, central_function=True)
    return Impact(users_affected_percent=round(rng.uniform(0.1, 5.0), 1), central_function=False)


def _registration_delay(ctx: Context, channel: Channel, rank: int) -> dt.timedelta:
    timing = ctx.timing
    if channel is Channel.monitor or rank == 0:
        return timing.minutes(1, 8)
    if channel is Channel.mail:
        return timing.minutes(10, 90)
    return timing.minutes(2, 25)


def work(ctx: Context, story: Story, track: Track) -> None:
    """What follows the report: cancelled, or handed over, resolved and closed in time or not."""
    rng, major = ctx.rng, ctx.is_major(story.level)
    if not major and rng.random() < CANCELLED:
        _cancel(ctx, story, track)
        return
    if not major and rng.random() < REPRIORITISED:
        _reprioritise(ctx, story, track)
    _hand_over(ctx, story, track, major)
    _resolve(ctx, story, track, major)
    if not major and rng.random() < REOPENED:
        _reopen(ctx, story, track)
    ctx.script.add(
        track.at(ctx.timing.working(track.last, 4, 24)), Close(story.ref, _operator(ctx))
    )


def _operator(ctx: Context) -> str:
    return ctx.rng.choice(OPERATORS)


def _cancel(ctx: Context, story: Story, track: Track) -> None:
    story.cancelled = True
    if story.reporter in _authority_handles() and ctx.rng.random() < 0.5:
        actor, reason = story.reporter, ctx.rng.choice(OWN_FAULT)
    else:
        actor, reason = _operator(ctx), ctx.rng.choice(DUPLICATE)
    at = track.at(story.registered + ctx.timing.minutes(10, 180))
    ctx.script.add(at, Cancel(story.ref, actor, reason))


def _reprioritise(ctx: Context, story: Story, track: Track) -> None:
    """Now and then the desk weighs a report again: one step up or down, never to a major."""
    index = ctx.levels.index(story.level)
    choices = [
        level
        for level in ctx.levels[max(index - 1, 0) : index + 2]
        if level != story.level and not ctx.is_major(level)
    ]
    if not choices:
        return
    level = ctx.rng.choice(choices)
    reason = RAISED if ctx.levels.index(level) < index else LOWERED
    at = track.at(story.registered + ctx.timing.minutes(5, 90))
    ctx.script.add(at, Reprioritise(story.ref, _operator(ctx), level, reason))
    story.level = level


def _target(ctx: Context, level: int, timer: str) -> tuple[str, float]:
    return (
        ctx.declaration.target(level, timer).calendar,
        ctx.clock.target_seconds(level, timer),
    )


def _share(ctx: Context, late: float) -> float:
    """How much of the target a step takes: mostly well within it, now and then (with chance
    `late`) beyond."""
    if ctx.rng.random() < late:
        return ctx.rng.uniform(1.05, 1.8)
    return ctx.rng.triangular(0.05, 0.95, 0.35)


def _recorded(ctx: Context, effective: dt.datetime, later: float) -> dt.datetime:
    """When a step is entered: at once, or (with chance `later`) some minutes afterwards."""
    if ctx.rng.random() < later:
        return effective + ctx.timing.minutes(4, 45)
    return effective


def _hand_over(ctx: Context, story: Story, track: Track, major: bool) -> None:
    timing, rng = ctx.timing, ctx.rng
    if major:
        late = rng.random() < LATE_REACTION
        effective = story.detected + (timing.minutes(17, 40) if late else timing.minutes(3, 13))
    else:
        calendar, target = _target(ctx, story.level, "reaction")
        share = _share(ctx, LATE_REACTION)
        effective = timing.service(calendar, story.detected, share * target)
    effective = max(effective, story.registered + timing.minutes(1, 10))
    party = story.theme.party if rng.random() < 0.85 else rng.choice(SUPPLIERS).key
    _step_to(ctx, story, track, effective, party, f"Overdraget til {_party_name(party)}.")
    if not major and rng.random() < PASSED_ON:
        other = rng.choice([org.key for org in SUPPLIERS if org.key != party])
        note = f"Fejlen ligger hos {_party_name(other)}; overdraget videre."
        _step_to(ctx, story, track, timing.working(track.last, 0.5, 6), other, note)


def _step_to(
    ctx: Context, story: Story, track: Track, effective: dt.datetime, party: str, note: str
) -> None:
    recorded = track.at(_recorded(ctx, effective, 0.3))
    effective = min(effective, recorded)
    ctx.script.add(recorded, HandOver(story.ref, _operator(ctx), party, effective, note))
    story.party = party


def _party_name(key: str) -> str:
    return "styrelsens egen drift" if key == AGENCY else organisation_name(key)


def _resolver(ctx: Context, story: Story) -> str:
    """A supplier resolves what it was handed; the agency's own work, an operator."""
    return _operator(ctx) if story.party in (None, AGENCY) else str(story.party)


def _resolve(ctx: Context, story: Story, track: Track, major: bool) -> None:
    timing, rng = ctx.timing, ctx.rng
    calendar, target = _target(ctx, story.level, "resolution")
    if major:
        # Worked around the clock: wall-clock minutes, at night too.
        late = rng.random() < LATE_RESOLUTION * 2
        effective = story.detected + (timing.minutes(250, 420) if late else timing.minutes(45, 220))
        effective = max(effective, track.last + timing.minutes(10, 120))
    else:
        share = _share(ctx, LATE_RESOLUTION)
        effective = timing.service(calendar, story.detected, share * target)
        effective = max(effective, timing.service(calendar, track.last, rng.uniform(600, 7200)))
    recorded = track.at(_recorded(ctx, effective, 0.1 if major else 0.4))
    effective = min(effective, recorded)
    story.fix = rng.choice(story.theme.fixes)
    ctx.script.add(recorded, Resolve(story.ref, _resolver(ctx, story), effective, story.fix))
    story.resolved_at, story.resolved_recorded = effective, recorded


def _reopen(ctx: Context, story: Story, track: Track) -> None:
    timing = ctx.timing
    effective = timing.working(track.last, 1, 16)
    note = ctx.rng.choice(REOPEN)
    ctx.script.add(track.at(effective), Reopen(story.ref, _operator(ctx), effective, note))
    calendar, _target_seconds = _target(ctx, story.level, "resolution")
    again = timing.service(calendar, track.last, ctx.rng.uniform(1800, 8 * 3600))
    resolved = track.at(again)
    fix = ctx.rng.choice(story.theme.fixes)
    ctx.script.add(resolved, Resolve(story.ref, _resolver(ctx, story), resolved, fix))
