"""Filling a database with the demo: the people, then the plan, carried out in one
transaction, so that a refusal or a failure leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from stabil.accounts.roles import Role
from stabil.accounts.service import NewPassword
from stabil.catalog.service import declaration_of, version_named
from stabil.demo.guard import Standing, standing
from stabil.demo.people import SIGN_IN, create_people, person
from stabil.demo.plan import make_plan, months_before
from stabil.demo.watch import write_watch
from stabil.demo.writer import Writer
from stabil.desk.models import Escalation, Incident, MajorReview
from stabil.errors import Conflict
from stabil.outbox.models import OutboxItem
from stabil.problems.models import Problem
from stabil.requests.models import ServiceRequest
from stabil.status.models import Message
from stabil.watch.models import Monitor, StateInterval


class NotEmpty(Conflict):
    """The database holds what the demo did not make; the demo writes nothing there."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How the caller follows the work: told the number of actions, then each one done."""

    start: Callable[[int], None]
    advance: Callable[[], None]


@dataclass(frozen=True, slots=True)
class Summary:
    start: dt.datetime
    end: dt.datetime
    actions: int
    jobs: int
    counts: dict[str, int]
    priorities: dict[int, int]


def credentials() -> list[tuple[Role, str]]:
    """Who to sign in as, one user per role."""
    return [(role, person(handle).email) for role, handle in SIGN_IN.items()]


def fill(
    session: Session,
    *,
    service: str,
    months: int,
    seed: int,
    end: dt.datetime,
    password: NewPassword,
    progress: Progress,
) -> Summary | None:
    """Write the demo's history of `months` up to `end`; None when it is there already.

    Raises NotEmpty, before writing anything, when the database holds other data.
    """
    found, held = standing(session)
    if found is Standing.demo:
        return None
    if found is Standing.foreign:
        raise NotEmpty(
            f"the database holds {', '.join(held)} that the demo did not make; the demo "
            "fills only an empty database (give it one of its own, e.g. "
            "STABIL_DATABASE_URL=sqlite:///var/demo.db)"
        )
    declaration = declaration_of(version_named(session, service, end.date()))
    start = months_before(end, months)
    users = create_people(session, declaration, service, password, now=start)
    actions = make_plan(declaration, seed=seed, start=start, end=end)
    progress.start(len(actions))
    writer = Writer(session, service, users)
    writer.run(actions, end, progress.advance)
    windows = writer.windows.values()
    write_watch(session, declaration, users, windows, seed=seed, start=start, end=end)
    session.flush()
    return Summary(
        start,
        end,
        len(actions),
        writer.jobs,
        _counts(session),
        _grouped(session, Incident.priority),
    )


def _counts(session: Session) -> dict[str, int]:
    models = (
        ("incidents", Incident),
        ("escalations", Escalation),
        ("post-review reports", MajorReview),
        ("operational messages", Message),
        ("problems", Problem),
        ("service requests", ServiceRequest),
        ("notifications", OutboxItem),
        ("monitors", Monitor),
        ("intervals in the watch log", StateInterval),
    )
    counts = {
        name: session.scalar(select(func.count()).select_from(model)) or 0 for name, model in models
    }
    states = _grouped(session, Incident.state)
    counts.update({f"incidents {state}": number for state, number in states.items()})
    return counts


def _grouped(session: Session, column: InstrumentedAttribute[Any]) -> dict[Any, int]:
    rows = session.execute(select(column, func.count()).group_by(column).order_by(column))
    return {row[0]: row[1] for row in rows}
