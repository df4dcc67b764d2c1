"""Outages entered by hand or imported, and the log read back (R3).

An entry is appended to the log like any interval, with who entered it, when and why; the
log is never changed, so an entry is its own audit record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.service import declaration_of, version_named
from stabil.db.queries import count_and_page
from stabil.db.types import now_utc
from stabil.errors import Invalid, Names
from stabil.records.history import up_to_now
from stabil.watch.access import check_can_see_monitors, check_can_work
from stabil.watch.models import StateInterval
from stabil.watch.recording import Entry, log_interval
from stabil.watch.states import Source, State

ENTERED = (State.down, State.degraded)
# One entry is stored as a row per day; longer than a year is a mistake, not an outage.
LONGEST = dt.timedelta(days=366)  # what a person enters: the time it was not up


@dataclass(frozen=True, slots=True)
class NewOutage:
    service: str
    start: dt.datetime
    end: dt.datetime
    state: State
    reason: str
    part: str | None = None


def enter_outage(
    session: Session,
    actor: User,
    new: NewOutage,
    now: dt.datetime | None = None,
    *,
    source: Source = Source.manual,
) -> list[StateInterval]:
    """Log an outage that no monitor saw (or saw wrongly), with the reason it is entered."""
    check_can_work(actor)
    now = now or now_utc()
    checked = check_outage(session, new, now, source=source)
    rows = log_interval(session, checked, now, recorded_by=actor)
    session.flush()  # the caller shows the rows, with their ids
    return rows


def check_outage(
    session: Session, new: NewOutage, now: dt.datetime, *, source: Source = Source.manual
) -> Entry:
    """The entry for an outage, refused at the field that is wrong."""
    if new.state not in ENTERED and source is Source.manual:
        raise Invalid("state", "is {state}; an outage is down or degraded", state=new.state.value)
    if new.end <= new.start:
        raise Invalid("end", "is not after start (an outage ends after it starts)")
    if new.end - new.start > LONGEST:
        raise Invalid("end", "lies more than 366 days after start (enter a year at most at once)")
    up_to_now("end", new.end, now)
    if not new.reason.strip():
        raise Invalid("reason", "is empty (say why the outage is entered)")
    stored = version_named(session, new.service, new.start.date())
    parts = [part.key for part in declaration_of(stored).parts()]
    if new.part is not None and new.part not in parts:
        raise Invalid(
            "part",
            "{part!r} is not a part of {service} (known: {known})",
            part=new.part,
            service=new.service,
            known=Names(parts),
        )
    return Entry(
        service_id=stored.service_id,
        start=new.start,
        end=new.end,
        state=new.state,
        source=source,
        part=new.part,
        reason=new.reason.strip(),
    )


@dataclass(frozen=True, slots=True)
class LogFilter:
    service: str | None = None
    part: str | None = None
    source: Source | None = None
    states: tuple[State, ...] = ENTERED
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def list_intervals(
    session: Session, actor: User, filters: LogFilter, *, limit: int = 100, offset: int = 0
) -> tuple[list[StateInterval], int]:
    """The log, newest first: by default its down and degraded rows."""
    check_can_see_monitors(actor)
    return count_and_page(session, _matching(filters), limit=limit, offset=offset)


def _matching(filters: LogFilter) -> Select[StateInterval]:
    log = StateInterval
    statement = (
        select(log)
        .options(selectinload(log.monitor), selectinload(log.recorded_by))
        .order_by(log.start.desc(), log.id.desc())
    )
    if filters.service is not None:
        statement = statement.where(log.service.has(key=filters.service))
    if filters.part is not None:
        statement = statement.where(log.part == filters.part)
    if filters.source is not None:
        statement = statement.where(log.source == filters.source.value)
    if filters.states:
        statement = statement.where(log.state.in_([state.value for state in filters.states]))
    if filters.start is not None:
        statement = statement.where(log.end > filters.start)
    if filters.end is not None:
        statement = statement.where(log.start < filters.end)
    return statement
