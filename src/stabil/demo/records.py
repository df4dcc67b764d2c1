"""The other records of the demo: problems that link recurring incidents, service requests,
and the announcements of releases on the status channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from stabil.declaration.communication import MessageType
from stabil.demo.actions import (
    EditProblem,
    LinkIncidents,
    Op,
    OpenProblem,
    ProblemStep,
    RegisterRelease,
    ReleaseStep,
    RequestStep,
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
RELEASE_NOTES = {
    False: (
        "Rettelser i søgningen og i visningen af artikler på mobilen. Ingen ændringer i "
        "grænsefladerne.",
        "Fixes to search and to how articles show on phones. No interface changes.",
    ),
    True: (
        "Log-in-grænsefladen skifter til en ny certifikatkæde. Myndigheder, der kalder den, "
        "skal installere det nye rodcertifikat.",
        "The log-in interface moves to a new certificate chain. Authorities that call it "
        "must install the new root certificate.",
    ),
}


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
                tell_request(ctx, submitted, ctx.rng.choice(REQUESTS))


def tell_request(ctx: Context, submitted: dt.datetime, text: RequestText) -> None:
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
        _interface_release(ctx)


def _every(ctx: Context, days: tuple[int, int], tell: Callable[[Context, dt.date], None]) -> None:
    day = ctx.start.astimezone(ctx.timing.zone).date() + dt.timedelta(days=ctx.rng.randint(7, 20))
    while day < ctx.now.astimezone(ctx.timing.zone).date() + dt.timedelta(days=14):
        tell(ctx, day)
        day += dt.timedelta(days=ctx.rng.randint(*days))


def _on_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _release(ctx: Context, day: dt.date) -> None:
    """A release on a Thursday morning, announced about a week ahead; the second one changes
    an interface at that shorter notice for a technical reason, so the agency owes help."""
    timing = ctx.timing
    release = timing.local(_on_weekday(day, 3), 7.0)  # Thursday morning
    version = f"{release:%Y}.{ctx.count(f'release {release:%Y}')}"
    interface = ctx.count("release") == 2
    notes, notes_en = RELEASE_NOTES[interface]
    ref = ctx.new_ref("V")
    register = RegisterRelease(
        ref=ref,
        actor=_operator(ctx),
        version=version,
        planned_date=release.astimezone(timing.zone).date(),
        notes=notes,
        notes_en=notes_en,
        interface_change=interface,
        shorter_notice_reason="technical" if interface else None,
    )
    announced = timing.working(release - dt.timedelta(days=8), 0, 6)
    ctx.script.add(announced, register)
    if interface:
        helped = timing.working(announced, 4, 16)
        ctx.script.add(helped, ReleaseStep(ref, _operator(ctx), "help_given"))
    ctx.script.add(release, ReleaseStep(ref, _operator(ctx), "released"))


def _interface_release(ctx: Context) -> None:
    """An interface change announced lately with the full notice, still to come (R11.1)."""
    notice = ctx.declaration.releases
    if notice is None:
        return
    timing = ctx.timing
    announced = timing.working(ctx.now - dt.timedelta(days=20), 0, 6)
    months = notice.interface_change_notice_months
    day = _on_weekday((ctx.now + dt.timedelta(days=31 * months + 14)).date(), 3)
    ctx.script.add(
        announced,
        RegisterRelease(
            ref=ctx.new_ref("V"),
            actor=_operator(ctx),
            version=f"{day:%Y}.{ctx.count(f'release {day:%Y}')}",
            planned_date=day,
            notes="Ny version af grænsefladen til de fælles komponenter: log-in-kaldet får et "
            "nyt felt, og det gamle felt udgår. Vejledningen ligger i udviklerdokumentationen.",
            notes_en="A new version of the interface to the common components: the log-in "
            "call gains a field, and the old field is withdrawn. The developer documentation "
            "has the guide.",
            interface_change=True,
        ),
    )
