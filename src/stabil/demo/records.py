"""The other records of the demo: problems that link recurring incidents, service requests,
and the announcements of releases on the status channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from babel.dates import format_date

from stabil.declaration.communication import MessageType
from stabil.demo.actions import (
    CloseMessage,
    EditProblem,
    LinkIncidents,
    Op,
    OpenProblem,
    PostMessage,
    ProblemStep,
    RequestStep,
    ResolveMessage,
    SubmitRequest,
)
from stabil.demo.incidents import Story
from stabil.demo.people import AUTHORITIES, OPERATORS
from stabil.demo.script import Context
from stabil.demo.themes import CALLERS, REJECTED, REQUESTS, THEMES, RequestText
from stabil.demo.timing import Track, poisson
from stabil.problems.states import ProblemState
from stabil.requests.states import RequestState

MAX_LINKED = 8
REQUESTS_PER_WORKING_DAY = 0.4
RELEASE_EVERY_DAYS = (30, 45)


def _operator(ctx: Context) -> str:
    return ctx.rng.choice(OPERATORS)


def plan_problems(ctx: Context, stories: list[Story]) -> None:
    """A problem for each recurring fault that has one: opened after it has come back a few
    times, linking its incidents, a known error once the work-around is written (always the
    first problem, so that a short history has one too), and in time resolved."""
    for theme in THEMES:
        text = theme.problem
        mine = [item for item in stories if item.theme is theme and not item.cancelled]
        if text is None or len(mine) < 2:
            continue
        timing = ctx.timing
        recurred = mine[ctx.rng.randint(1, min(len(mine), 6) - 1)]
        opened = timing.working(recurred.registered, 4, 40)
        first = tuple(item.ref for item in mine if item.registered < opened)[:4]
        ref = ctx.new_ref("P")
        steps: list[tuple[dt.datetime, Op]] = []
        analysed = timing.working(opened, 16, 80)
        changes = {"root_cause": text.root_cause, "workaround": text.workaround}
        steps.append((analysed, EditProblem(ref, _operator(ctx), changes)))
        ends = None
        if ctx.rng.random() < 0.7 or ref == "P1":
            note = "Work-around beskrevet."
            known = analysed + dt.timedelta(seconds=30)
            steps.append((known, ProblemStep(ref, _operator(ctx), ProblemState.known_error, note)))
        if ctx.rng.random() < 0.45:
            ends = timing.working(analysed, 80, 300)
            fixed = ProblemStep(ref, _operator(ctx), ProblemState.resolved, "Rettelse udrullet.")
            steps.append((ends, fixed))
            if ctx.rng.random() < 0.6:
                closed = timing.working(ends, 8, 40)
                steps.append((closed, ProblemStep(ref, _operator(ctx), ProblemState.closed)))
        later = [item for item in mine if item.registered >= opened][: MAX_LINKED - len(first)]
        for item in later:
            linked = timing.working(item.registered, 1, 8)
            if ends is None or linked < ends:
                steps.append((linked, LinkIncidents(ref, _operator(ctx), (item.ref,))))
        track = Track(opened)
        owner = theme.party
        ctx.script.add(
            opened, OpenProblem(ref, _operator(ctx), text.title, text.description, owner, first)
        )
        for at, op in sorted(steps, key=lambda step: step[0]):
            ctx.script.add(track.at(at), op)


def plan_requests(ctx: Context) -> None:
    """Requests for information, advice and access: submitted in working hours, mostly by
    the authorities, and answered, refused or withdrawn."""
    timing = ctx.timing
    for day in timing.days(ctx.start, ctx.now):
        if not timing.is_working_day(day):
            continue
        for _ in range(poisson(ctx.rng, REQUESTS_PER_WORKING_DAY)):
            submitted = timing.local(day, ctx.rng.triangular(8.0, 16.0, 10.0))
            if ctx.start <= submitted < ctx.now:
                _request(ctx, submitted, ctx.rng.choice(REQUESTS))


def _request(ctx: Context, submitted: dt.datetime, text: RequestText) -> None:
    rng, timing = ctx.rng, ctx.timing
    by_authority = rng.random() < 0.75
    actor = rng.choice(AUTHORITIES).key if by_authority else _operator(ctx)
    ref = ctx.new_ref("R")
    caller = None if by_authority else rng.choice(CALLERS)
    submit = SubmitRequest(ref, actor, text.title, text.description, text.category, caller)
    ctx.script.add(submitted, submit)
    track = Track(submitted)
    if by_authority and rng.random() < 0.05:
        withdrawn = track.at(timing.working(submitted, 0.2, 3))
        note = "Vi har selv fundet svaret."
        ctx.script.add(withdrawn, RequestStep(ref, actor, RequestState.withdrawn, note))
        return
    started = track.at(timing.working(submitted, 0.3, 6))
    if rng.random() < 0.08:
        reason = rng.choice(REJECTED)
        ctx.script.add(
            started, RequestStep(ref, _operator(ctx), RequestState.rejected, reason=reason)
        )
        return
    ctx.script.add(started, RequestStep(ref, _operator(ctx), RequestState.in_progress))
    fulfilled = track.at(timing.working(started, 0.5, 16))
    done = RequestStep(ref, _operator(ctx), RequestState.fulfilled, "Svar sendt til anmoderen.")
    ctx.script.add(fulfilled, done)
    ctx.script.add(
        track.at(timing.working(fulfilled, 8, 40)),
        RequestStep(ref, _operator(ctx), RequestState.closed),
    )


def plan_announcements(ctx: Context) -> None:
    """Releases, announced ahead on the status channel (R10.3, R11.1)."""
    if ctx.declares(MessageType.release):
        _every(ctx, RELEASE_EVERY_DAYS, _release)


def _every(ctx: Context, days: tuple[int, int], tell: Callable[[Context, dt.date], None]) -> None:
    day = ctx.start.astimezone(ctx.timing.zone).date() + dt.timedelta(days=ctx.rng.randint(7, 20))
    while day < ctx.now.astimezone(ctx.timing.zone).date() + dt.timedelta(days=14):
        tell(ctx, day)
        day += dt.timedelta(days=ctx.rng.randint(*days))


def _on_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _release(ctx: Context, day: dt.date) -> None:
    timing = ctx.timing
    release = timing.local(_on_weekday(day, 3), 7.0)  # Thursday morning
    when, when_en = format_date(release, "EEEE d. MMMM", locale="da"), f"{release:%A %d %B}"
    service, service_en = ctx.declaration.metadata.name.da, ctx.declaration.metadata.name.get("en")
    version = f"{release:%Y}.{ctx.count(f'release {release:%Y}')}"
    post = PostMessage(
        ref=ctx.new_ref("M"),
        actor=_operator(ctx),
        type=MessageType.release,
        affected=("Hele portalen",),
        title=f"Release {version}",
        title_en=f"Release {version}",
        body=f"{when.capitalize()} sættes version {version} af {service} i drift. "
        "Ændringerne står i release notes.",
        body_en=f"On {when_en} version {version} of {service_en} goes live. "
        "The release notes describe the changes.",
    )
    _announce(ctx, post, timing.working(release - dt.timedelta(days=8), 0, 6), release)


def _announce(ctx: Context, post: PostMessage, posted: dt.datetime, over: dt.datetime) -> None:
    track = Track(posted)
    ctx.script.add(track.at(posted), post)
    done = ResolveMessage(post.ref, _operator(ctx), "Gennemført som planlagt.", "Done as planned.")
    ctx.script.add(track.at(ctx.timing.working(over, 0, 1)), done)
    ctx.script.add(
        track.at(ctx.timing.working(track.last, 4, 16)), CloseMessage(post.ref, _operator(ctx))
    )
