"""The demo's service windows and their changes: planned through the rules' own slots, so they
keep them, except one announced too late and recorded anyway, and one cancelled (R13, R12).
The last whole month (`reported_month`) has one of each: announced in time, so that it
excuses the downtime in it, and announced too late, so that it does not (R3.3).

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
from stabil.demo.timing import Month, reported_month
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
    month = reported_month(zone, ctx.start, ctx.now)
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
        if found and not (month is not None and month.holds(found[0])):
            start = found[0]
            end = start + dt.timedelta(minutes=minutes)
            ref = f"W{number + 1}"
            late, cancelled = number == LATE, number == CANCELLED
            _plan(ctx, ref, kind.key, (start, end), announced, number, late, cancelled)
            held.append(Planned(kind.key, start, end))
        number += 1
        day += dt.timedelta(days=rng.randint(*EVERY_DAYS))
    if month is not None:
        number = _in_month(ctx, kinds, held, month, number)
    _upcoming(ctx, kinds[number % len(kinds)], held, number)


def _in_month(
    ctx: Context, kinds: list[WindowKind], held: list[Planned], month: Month, number: int
) -> int:
    """In the last whole month: a window announced with its notice after its first days, and
    one announced too late in its second half; each of the first kind with a slot there."""
    for late, days in ((False, 4), (True, 15)):
        after = month.start + dt.timedelta(days=days)
        for turn in range(len(kinds)):
            kind = kinds[(number + turn) % len(kinds)]
            announced = after - dt.timedelta(days=kind.notice_days + 2)
            minutes = max(kind.max_minutes // 2, 30)
            found = slots(
                ctx.declaration,
                kind.key,
                after=after,
                now=announced,
                minutes=minutes,
                others=held,
                limit=1,
            )
            end = found[0] + dt.timedelta(minutes=minutes) if found else month.end
            if announced > ctx.start and end < month.end:
                _plan(ctx, f"W{number + 1}", kind.key, (found[0], end), announced, number, late)
                held.append(Planned(kind.key, found[0], end))
                number += 1
                break
    return number


def _upcoming(ctx: Context, kind: WindowKind, held: list[Planned], number: int) -> None:
    """One window announced lately and still to come, for the calendar and its feed."""
    announced = ctx.now - dt.timedelta(days=2)
    after = max(announced + dt.timedelta(days=kind.notice_days), ctx.now + dt.timedelta(days=3))
    found = slots(ctx.declaration, kind.key, after=after, now=announced, others=held, limit=1)
    if found:
        end = found[0] + dt.timedelta(minutes=kind.max_minutes)
        _plan(ctx, f"W{number + 1}", kind.key, (found[0], end), announced, number)


def _plan(
    ctx: Context,
    ref: str,
    kind: str,
    span: tuple[dt.datetime, dt.datetime],
    announced: dt.datetime,
    number: int,
    late: bool = False,
    cancelled: bool = False,
) -> None:
    """The window with the change it is for (R12.1): requested and approved before the
    window is announced, scheduled with it, implemented and reviewed after it. A late one
    is announced only `LATE_NOTICE` ahead, with the reason it could not wait."""
    start, end = span
    text = TEXTS[number % len(TEXTS)]
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
    if cancelled:
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
