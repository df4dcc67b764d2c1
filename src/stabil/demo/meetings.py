"""The declaration's meetings in the demo: the authorities' operations meeting each quarter
(R17.1) and the review meeting of major incidents every other month (R9.8), each planned a
few weeks ahead, held, its decision minutes recorded the next working day with an action
for a supplier, done within the month, most of the time.

Held in the middle month of their periods (the second of each quarter and of each pair of
months), so that the last whole month of a history shows one held or one due.
"""

from __future__ import annotations

import datetime as dt

from stabil.demo.actions import AddAction, CompleteAction, PlanMeeting, RecordMinutes
from stabil.demo.people import OPERATORS, SUBSCRIBERS, SUPPLIERS
from stabil.demo.script import Context
from stabil.meetings.forums import REVIEW, forums_of

PLANNED_AHEAD = dt.timedelta(days=21)
DECISIONS = {
    "review": (
        "Gennemgangen af månedens major incidents er godkendt.",
        "Overvågningen af log-in udvides, så certifikaters udløb varsles.",
    ),
    "operations": (
        "Referatet fra sidste møde er godkendt.",
        "Kommende servicevinduer og releases er gennemgået uden bemærkninger.",
    ),
}
ACTIONS = {
    "review": "Indfør alarm 30 dage før udløb af certifikater",
    "operations": "Send plan for næste kvartals servicevinduer til driftsnetværket",
}


def plan_meetings(ctx: Context) -> None:
    for number, forum in enumerate(forums_of(ctx.declaration)):
        every = max(12 // max(forum.per_year, 1), 1)
        kind = "review" if forum.key == REVIEW else "operations"
        for month in _middle_months(ctx, every):
            day = _working_day(ctx, month, 8 + 7 * (number % 2))
            starts = ctx.timing.local(day, 10.0)
            _meeting(ctx, forum.key, starts, kind)


def _middle_months(ctx: Context, every: int) -> list[dt.date]:
    """The first days of the middle months of the periods that overlap the history."""
    zone = ctx.timing.zone
    first, last = ctx.start.astimezone(zone).date(), ctx.now.astimezone(zone).date()
    found, year, month = [], first.year, 1
    while (year, month) <= (last.year, last.month):
        if (month - 1) % every == every // 2 and (year, month) >= (first.year, first.month):
            found.append(dt.date(year, month, 1))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return found


def _working_day(ctx: Context, month: dt.date, nth: int) -> dt.date:
    day, count = month, 0
    while True:
        if ctx.timing.is_working_day(day):
            count += 1
            if count == nth:
                return day
        day += dt.timedelta(days=1)


def _meeting(ctx: Context, forum: str, starts: dt.datetime, kind: str) -> None:
    planned = max(starts - PLANNED_AHEAD, ctx.start + dt.timedelta(hours=2))
    if planned >= ctx.now or planned >= starts:
        return
    ref = ctx.new_ref("G")
    operator = ctx.rng.choice(OPERATORS)
    ctx.script.add(planned, PlanMeeting(ref, operator, forum, starts, SUBSCRIBERS))
    held = ctx.timing.working(starts + dt.timedelta(hours=2), 2, 8)
    if held >= ctx.now:
        return
    ctx.script.add(
        held, RecordMinutes(ref, operator, "Mødet blev holdt efter dagsordenen.", DECISIONS[kind])
    )
    owner = ctx.rng.choice(SUPPLIERS).key
    action = ctx.new_ref("A")
    due = (held + dt.timedelta(days=30)).astimezone(ctx.timing.zone).date()
    ctx.script.add(held, AddAction(ref, operator, action, ACTIONS[kind], owner, due))
    done = ctx.timing.working(held, 24, 120)
    if ctx.rng.random() < 0.7 and done < ctx.now:
        ctx.script.add(done, CompleteAction(action, ctx.rng.choice(OPERATORS)))
