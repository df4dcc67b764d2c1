"""The public facts of one service at one instant, read once for a publication (R10.1).

How a part's state is decided, the one rule the page, the feeds and the JSON all show:

- What speaks of a part: its own monitors (removed ones are not heard), the monitors of the
  whole service (no part), the open messages that name it or name no part, and the
  announced service windows in progress that name it or name no part. An open `unavailable`
  message reads `major_outage`, `partially_unavailable` reads `partial_outage`, `slow` reads
  `degraded`, whatever the probes say: the desk may know before a probe agrees. A window in
  progress reads `maintenance`. A monitor reads `major_outage` when down, `degraded` when
  degraded, `operational` when up.
- The part's state is the worst of what is known (snapshot.SEVERITY). A monitor that does
  not know its state, or a part nothing watches, says nothing: the part is `unknown` only
  when nothing that speaks of it knows, never because one of several monitors is new.
- The service's state is the same over what speaks of the whole service and of the parts
  that count (R3.3): a part whose downtime is not the service's does not make it red.

A message's `affected` is free text. An entry names a part when it is the part's key or its
Danish or English name, trimmed and in any case; a message naming no part is about all of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from stabil.catalog.service import declaration_of, version_named
from stabil.declaration import Declaration
from stabil.declaration.base import Text
from stabil.declaration.operations import ServicePart
from stabil.public.snapshot import (
    SEVERITY,
    DayBar,
    Named,
    PartHistory,
    PartStatus,
    PeriodUptime,
    PublicMessage,
    PublicState,
    PublicWindow,
    ServiceStatus,
    Texts,
    Update,
)
from stabil.status.models import Message
from stabil.status.parts import parts_named
from stabil.subscriptions.choices import subscriber_types
from stabil.watch.availability import month_range, uptime
from stabil.watch.daily import DayFigures, daily
from stabil.watch.models import Monitor
from stabil.watch.states import State
from stabil.watch.uptime import whole_seconds
from stabil.windows.models import ServiceWindow
from stabil.windows.service import announced_windows
from stabil.windows.states import WindowState

HISTORY_DAYS = 90
WINDOW_HISTORY = dt.timedelta(days=366)  # past windows shown: a year, as the calendar feed
MESSAGE_STATES = {
    "unavailable": PublicState.major_outage,
    "partially_unavailable": PublicState.partial_outage,
    "slow": PublicState.degraded,
}
MONITOR_STATES = {
    State.up.value: PublicState.operational,
    State.degraded.value: PublicState.degraded,
    State.down.value: PublicState.major_outage,
}


@dataclass(frozen=True, slots=True)
class _Signal:
    """One thing that speaks of a part (`part`) or of the whole service (None)."""

    part: str | None
    state: PublicState
    since: dt.datetime | None


def gather(session: Session, service_key: str, now: dt.datetime) -> ServiceStatus:
    """What the public site shows of the service at `now`, under the declaration in force."""
    stored = version_named(session, service_key, now.date())
    declaration, service = declaration_of(stored), stored.service
    messages = [public_message(item, declaration) for item in _messages(session, service.id)]
    windows = [
        public_window(item, declaration)
        for item in announced_windows(session, service.id, since=now - WINDOW_HISTORY)
    ]
    running = [item for item in windows if _in_progress(item, now)]
    signals = [
        *_monitor_signals(session, service.id),
        *_spoken(messages, running),
    ]
    parts = [_part_status(part, signals) for part in declaration.parts()]
    aside = {part.key for part in declaration.parts() if not part.counts}
    month = f"{now.astimezone(declaration.time.zone):%Y-%m}"
    return ServiceStatus(
        key=service.key,
        name=texts(declaration.metadata.name),
        zone=declaration.time.zone.key,
        declaration_version=stored.version,
        generated_at=now,
        state=worst(item.state for item in signals if item.part not in aside),
        parts=parts,
        active=[item for item in messages if item.active],
        windows=[item for item in windows if _ongoing_or_coming(item, now)],
        uptime_month=month,
        uptime=_uptime(session, declaration, month, now),
        history=_history(session, declaration, now),
        messages=messages,
        past_windows=sorted(
            (item for item in windows if not _ongoing_or_coming(item, now)),
            key=lambda item: (item.start, item.id),
            reverse=True,
        ),
        # The kinds a subscriber may choose: those that reach subscribers at all (R10.2).
        message_types=[
            Named(rule.type.value, texts(rule.name)) for rule in subscriber_types(declaration)
        ],
    )


def worst(states: Iterable[PublicState]) -> PublicState:
    """The worst known state; `unknown` only when none is known."""
    known = [state for state in states if state is not PublicState.unknown]
    return max(known, key=SEVERITY.__getitem__, default=PublicState.unknown)


def texts(text: Text) -> Texts:
    return Texts(text.da, text.en)


def _type_names(declaration: Declaration) -> dict[str, Texts]:
    """The message types of the status channel, by key, in the declaration's order."""
    rules = declaration.communication.message_types if declaration.communication else []
    return {rule.type.value: texts(rule.name) for rule in rules}


def public_message(message: Message, declaration: Declaration) -> PublicMessage:
    type_names = _type_names(declaration)
    return PublicMessage(
        id=message.id,
        type=message.type,
        type_name=type_names.get(message.type, Texts(message.type)),
        state=message.state,
        title=Texts(message.title, message.title_en),
        affected=list(message.affected),
        parts=parts_named(declaration, message.affected),
        affected_users=message.affected_users,
        cause=message.cause,
        horizon=message.horizon,
        horizon_at=message.horizon_at,
        posted_at=message.posted_at,
        updated_at=message.updated_at,
        resolved_at=message.resolved_at,
        updates=[
            Update(entry.id, entry.kind, entry.at, entry.type, Texts(entry.body, entry.body_en))
            for entry in message.entries
        ],
    )


def public_window(window: ServiceWindow, declaration: Declaration) -> PublicWindow:
    """The window as its stakeholders were told of it: its planned time (R12.2, R13)."""
    kinds = declaration.service_windows.kinds if declaration.service_windows else []
    kind = next((item for item in kinds if item.key == window.kind), None)
    body = window.body.strip()
    return PublicWindow(
        id=window.id,
        kind=window.kind,
        kind_name=texts(kind.name) if kind else Texts(window.kind),
        title=Texts(window.title),
        description=Texts(body, (window.body_en or "").strip() or None) if body else None,
        state=window.state,
        start=window.planned_start,
        end=window.planned_end,
        updated_at=window.updated_at,
        affected=list(window.affected),
        parts=parts_named(declaration, window.affected),
    )


def _messages(session: Session, service_id: int) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.service_id == service_id)
            .options(selectinload(Message.entries))
            .order_by(Message.posted_at.desc(), Message.id.desc())
        )
    )


def _monitor_signals(session: Session, service_id: int) -> list[_Signal]:
    monitors = session.scalars(
        select(Monitor).where(Monitor.service_id == service_id, Monitor.removed_at.is_(None))
    )
    return [
        _Signal(item.part, MONITOR_STATES.get(item.state, PublicState.unknown), item.state_since)
        for item in monitors
    ]


def _part_status(part: ServicePart, signals: list[_Signal]) -> PartStatus:
    heard = [item for item in signals if item.part in (None, part.key)]
    state = worst(item.state for item in heard)
    return PartStatus(part.key, texts(part.name), state, _since(state, heard), part.counts)


def _spoken(messages: list[PublicMessage], running: list[PublicWindow]) -> list[_Signal]:
    """What the open messages and the windows in progress say, part by part."""
    return [
        _Signal(part, MESSAGE_STATES[item.type], item.posted_at)
        for item in messages
        if item.active and item.type in MESSAGE_STATES
        for part in _concerned(item.parts)
    ] + [
        _Signal(part, PublicState.maintenance, item.start)
        for item in running
        for part in _concerned(item.parts)
    ]


def _concerned(parts: list[str]) -> list[str | None]:
    """The parts a message or window is about; naming none, it is about the whole service."""
    return [*parts] if parts else [None]


def _since(state: PublicState, signals: Iterable[_Signal]) -> dt.datetime | None:
    """Since when the part has been in `state`: all well since the last to recover, not
    well since the first to say so."""
    times = [item.since for item in signals if item.state is state and item.since is not None]
    if not times or state is PublicState.unknown:
        return None
    return max(times) if state is PublicState.operational else min(times)


def _in_progress(window: PublicWindow, now: dt.datetime) -> bool:
    """Started by the desk, or announced and its planned time has come (the worker that
    starts it may be a minute late; the public was told it would be down then)."""
    if window.state == WindowState.in_progress:
        return True
    return window.state == WindowState.announced and window.start <= now < window.end


def _ongoing_or_coming(window: PublicWindow, now: dt.datetime) -> bool:
    if window.state == WindowState.in_progress:
        return True
    return window.state == WindowState.announced and now < window.end


def _uptime(
    session: Session, declaration: Declaration, month: str, now: dt.datetime
) -> list[PeriodUptime]:
    """This local month's figures per service period, measured up to `now` (R3)."""
    start, end = month_range(declaration, month)
    figures = uptime(session, declaration.key, start, end, now).periods
    return [
        PeriodUptime(
            period=period,
            name=texts(name) if (name := _calendar_name(declaration, period)) else Texts(period),
            uptime_percent=item.uptime_percent,
            target_percent=item.target_percent,
            met=item.met,
            downtime_seconds=whole_seconds(item.downtime_micros),
            budget_seconds=item.budget_seconds,
            budget_left_seconds=item.budget_left_seconds,
        )
        for period, item in figures.items()
    ]


def _calendar_name(declaration: Declaration, key: str) -> Text | None:
    calendar = declaration.time.calendars.get(key)
    return calendar.name if calendar is not None else None


def _history(session: Session, declaration: Declaration, now: dt.datetime) -> list[PartHistory]:
    """The last 90 local days of every part, today last; a declaration without parts has one
    history, of the service as a whole, under the service's key."""
    today = now.astimezone(declaration.time.zone).date()
    first = today - dt.timedelta(days=HISTORY_DAYS - 1)
    named: list[tuple[str | None, str, Texts]] = [
        (part.key, part.key, texts(part.name)) for part in declaration.parts()
    ] or [(None, declaration.key, texts(declaration.metadata.name))]
    figures = daily(session, declaration.key, [part for part, _, _ in named], first, today, now)
    return [
        PartHistory(
            key=key,
            name=name,
            days=[day_bar(item) for item in figures[part]],
            uptime_percent=_percent(figures[part]),
        )
        for part, key, name in named
    ]


def day_bar(figures: DayFigures) -> DayBar:
    """A day's worst state, from what was measured (a message colours the state now, not the
    days behind it). Downtime outside a service window is the worst news a day can hold: a
    window that day does not hide it. Time in a window that excuses downtime reads
    as maintenance, slow time as degraded; a day nothing measured is unknown."""
    if figures.downtime_seconds:
        state = PublicState.major_outage
    elif figures.excused_seconds:
        state = PublicState.maintenance
    elif figures.degraded_seconds:
        state = PublicState.degraded
    elif figures.measured_seconds:
        state = PublicState.operational
    else:
        state = PublicState.unknown
    return DayBar(figures.day, state, figures.downtime_seconds, figures.degraded_seconds)


def _percent(days: list[DayFigures]) -> float | None:
    measured = sum(item.measured_seconds for item in days)
    if not measured:
        return None
    down = sum(item.downtime_seconds for item in days)
    return round(100 * (1 - down / measured), 4)
