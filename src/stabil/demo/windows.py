"""The demo's service windows and their changes: planned through the rules' own slots, so they
keep them, except one announced too late and recorded anyway, and one cancelled (R13, R12).

Every kind the declaration plans for takes its turn; each window is announced its kind's
notice and a few days more ahead, at the first allowed start after that. The worker's jobs
then tell of each reminder, start and end as they come due, as they would in production.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stabil.changes.states import ChangeState, ChangeType, Risk
from stabil.declaration.operations import WindowKind
from stabil.demo.actions import CancelWindow, ChangeStep, LinkWindow, PlanWindow, RequestChange
from stabil.demo.people import OPERATORS
from stabil.demo.script import Context
from stabil.windows.rules import Planned
from stabil.windows.slots import slots

EVERY_DAYS = (30, 45)
LATE, CANCELLED = 0, 2  # which windows (in order) are announced too late, and cancelled
LATE_NOTICE = dt.timedelta(hours=30)
LATE_REASON = (
    "Leverandøren skal lukke et kritisk sikkerhedshul og kan ikke vente på det fulde varsel."
)
CANCEL_REASON = "Leverandøren har udskudt opgraderingen; et nyt servicevindue varsles senere."


@dataclass(frozen=True, slots=True)
class WindowText:
    title: str
    body: str
    body_en: str
    affected: tuple[str, ...]


TEXTS = (
    WindowText(
        "Opdatering af databaseservere",
        "Borger.dk kan være utilgængelig i perioder, mens databaseserverne opdateres.",
        "Borger.dk may be unavailable at times while the database servers are updated.",
        ("Hele portalen",),
    ),
    WindowText(
        "Ny version af søgemaskinen",
        "Søgningen virker ikke under servicevinduet. Artiklerne kan stadig læses.",
        "Search does not work during the window. The articles can still be read.",
        ("Søgning",),
    ),
    WindowText(
        "Udskiftning af certifikater",
        "Log-in kan fejle i korte perioder, mens certifikaterne skiftes.",
        "Log-in may fail for short periods while the certificates are replaced.",
        ("Log-in", "Selvbetjening"),
    ),
    WindowText(
        "Opgradering af netværksudstyr",
        "Borger.dk er utilgængelig i op til en halv time under servicevinduet.",
        "Borger.dk is unavailable for up to half an hour during the window.",
        ("Hele portalen",),
    ),
)


def plan_windows(ctx: Context) -> None:
    windows = ctx.declaration.service_windows
    kinds = [kind for kind in windows.kinds if kind.planned] if windows else []
    if not kinds:
        return
    zone, rng = ctx.timing.zone, ctx.rng
    held: list[Planned] = []
    day = ctx.start.astimezone(zone).date() + dt.timedelta(days=rng.randint(7, 20))
    number = 0
    while day < ctx.now.astimezone(zone).date():
        kind = kinds[number % len(kinds)]
        announced = ctx.timing.local(day, rng.uniform(9.0, 15.0))
        lead = dt.timedelta(days=kind.notice_days + rng.randint(1, 5))
        minutes = kind.max_minutes if rng.random() < 0.5 else max(kind.max_minutes // 2, 30)
        found = slots(
            ctx.declaration,
            kind.key,
            after=announced + lead,
            now=announced,
            minutes=minutes,
            others=held,
            limit=1,
        )
        if found:
            start = found[0]
            end = start + dt.timedelta(minutes=minutes)
            ref = f"W{number + 1}"
            _plan(ctx, ref, kind.key, start, end, announced, number)
            held.append(Planned(kind.key, start, end))
        number += 1
        day += dt.timedelta(days=rng.randint(*EVERY_DAYS))
    _upcoming(ctx, kinds[number % len(kinds)], held, number)


def _upcoming(ctx: Context, kind: WindowKind, held: list[Planned], number: int) -> None:
    """One window announced lately and still to come, for the calendar and its feed."""
    announced = ctx.now - dt.timedelta(days=2)
    after = max(announced + dt.timedelta(days=kind.notice_days), ctx.now + dt.timedelta(days=3))
    found = slots(ctx.declaration, kind.key, after=after, now=announced, others=held, limit=1)
    if found:
        end = found[0] + dt.timedelta(minutes=kind.max_minutes)
        _plan(ctx, f"W{number + 1}", kind.key, found[0], end, announced, number)


def _plan(
    ctx: Context,
    ref: str,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    announced: dt.datetime,
    number: int,
) -> None:
    """The window with the change it is for (R12.1): requested and approved before the
    window is announced, scheduled with it, implemented and reviewed after it."""
    text = TEXTS[number % len(TEXTS)]
    late = number == LATE
    at = start - LATE_NOTICE if late else announced
    change = f"C{number + 1}"
    _change(ctx, change, text, start, end, at, urgent=late)
    plan = PlanWindow(
        ref=ref,
        actor=ctx.rng.choice(OPERATORS),
        kind=kind,
        start=start,
        end=end,
        title=text.title,
        body=text.body,
        body_en=text.body_en,
        affected=text.affected,
        override_reason=LATE_REASON if late else None,
    )
    ctx.script.add(at, plan)
    ctx.script.add(at, LinkWindow(change, ctx.rng.choice(OPERATORS), ref))
    ctx.script.add(at, ChangeStep(change, ctx.rng.choice(OPERATORS), ChangeState.scheduled))
    if number == CANCELLED:
        cancel = CancelWindow(ref, ctx.rng.choice(OPERATORS), CANCEL_REASON)
        ctx.script.add(at + (start - at) / 2, cancel)
        return
    done = ChangeStep(change, ctx.rng.choice(OPERATORS), ChangeState.implemented)
    ctx.script.add(end + dt.timedelta(hours=2), done)
    looked_back = ChangeStep(
        change, ctx.rng.choice(OPERATORS), ChangeState.reviewed, "Gennemført efter planen."
    )
    ctx.script.add(ctx.timing.working(end, 8, 24), looked_back)


def _change(
    ctx: Context,
    ref: str,
    text: WindowText,
    start: dt.datetime,
    end: dt.datetime,
    announced: dt.datetime,
    *,
    urgent: bool,
) -> None:
    ahead = dt.timedelta(hours=2) if urgent else dt.timedelta(days=2)
    request = RequestChange(
        ref=ref,
        actor=ctx.rng.choice(OPERATORS),
        type=ChangeType.emergency if urgent else ChangeType.normal,
        title=text.title,
        risk=Risk.high if urgent else ctx.rng.choice((Risk.low, Risk.medium)),
        start=start,
        end=end,
        description=text.body,
        implementation_plan="Leverandøren udfører arbejdet efter sin driftsvejledning og "
        "tester forsiden, log-in og selvbetjeningen bagefter.",
        fallback_plan="Den forrige version og konfiguration gendannes fra sikkerhedskopien.",
    )
    ctx.script.add(announced - ahead, request)
    approval = ChangeStep(ref, ctx.rng.choice(OPERATORS), ChangeState.approved)
    ctx.script.add(announced - ahead / 2, approval)
