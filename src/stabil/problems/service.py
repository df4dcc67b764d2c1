"""Recording problems, linking their incidents, and moving them through their states.

Functions take a session and never commit; every change appends an immutable event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import Organisation, User
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.db.queries import contains_text, count_and_page, one_by_key
from stabil.db.types import now_utc
from stabil.desk.access import visible as visible_incident
from stabil.desk.links import incidents_named
from stabil.desk.models import Incident
from stabil.errors import Invalid, Names, NotFound, TransitionNotAllowed
from stabil.problems.access import can_see, check_can_work, check_step, not_found, visible
from stabil.problems.models import Problem, ProblemIncident, ProblemSequence
from stabil.problems.states import ProblemState
from stabil.records.history import append_event
from stabil.records.numbering import next_key

EDITABLE = ("title", "description", "root_cause", "workaround", "owner")


@dataclass(frozen=True, slots=True)
class NewProblem:
    service: str
    title: str
    description: str = ""
    root_cause: str = ""
    workaround: str = ""
    owner: str | None = None
    incidents: Sequence[str] = ()


def open_problem(
    session: Session, actor: User, new: NewProblem, now: dt.datetime | None = None
) -> Problem:
    """Record a problem of a service, keyed PRB-<prefix>-<year>-<number>."""
    check_can_work(actor)
    now = now or now_utc()
    stored = version_named(session, new.service, now.date())
    declaration = declaration_of(stored)
    owner = _organisation(session, new.owner) if new.owner else None
    incidents = incidents_named(session, actor, stored.service, new.incidents)
    numbered = next_key(
        session,
        ProblemSequence,
        service_id=stored.service_id,
        declaration=declaration,
        now=now,
        kind="PRB",
    )
    problem = Problem(
        key=numbered.key,
        service_id=stored.service_id,
        year=numbered.year,
        number=numbered.number,
        title=new.title,
        description=new.description,
        root_cause=new.root_cause,
        workaround=new.workaround,
        owner_id=owner.id if owner else None,
        state=ProblemState.open.value,
        state_since=now,
        created_at=now,
        created_by_id=actor.id,
        revision=0,
        updated_at=now,
    )
    problem.service = stored.service
    problem.owner = owner
    problem.links = [ProblemIncident(incident=item, linked_at=now) for item in incidents]
    session.add(problem)
    append_event(
        session, problem, kind="opened", actor=actor, recorded_at=now, after=snapshot(problem)
    )
    return problem


def snapshot(problem: Problem) -> dict[str, Any]:
    return {
        "key": problem.key,
        "title": problem.title,
        "description": problem.description,
        "root_cause": problem.root_cause,
        "workaround": problem.workaround,
        "owner": problem.owner.key if problem.owner else None,
        "state": problem.state,
        "incidents": [link.incident.key for link in problem.links],
    }


def edit_problem(
    session: Session,
    actor: User,
    problem: Problem,
    changes: Mapping[str, str | None],
    now: dt.datetime | None = None,
) -> None:
    """Change descriptive fields or the owner; one event holds every field that changed."""
    check_can_work(actor)
    now = now or now_utc()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            raise Invalid(name, "cannot be edited (editable: {editable})", editable=Names(EDITABLE))
        if name == "owner":
            current = problem.owner.key if problem.owner else None
            if value != current:
                owner = _organisation(session, value) if value else None
                problem.owner, problem.owner_id = owner, owner.id if owner else None
                before[name], after[name] = current, value
        elif value is None:
            raise Invalid(name, "cannot be null (give an empty text to clear it)")
        elif getattr(problem, name) != value:
            before[name], after[name] = getattr(problem, name), value
            setattr(problem, name, value)
    if after:
        append_event(
            session,
            problem,
            kind="edited",
            actor=actor,
            recorded_at=now,
            before=before,
            after=after,
        )


def mark_known_error(
    session: Session,
    actor: User,
    problem: Problem,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The cause is understood and users can work around it; a work-around must be written."""
    _check_workaround(problem.workaround)
    _transition(session, actor, problem, ProblemState.known_error, note, now)


def record_known_error(
    session: Session,
    actor: User,
    problem: Problem,
    *,
    root_cause: str,
    workaround: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Write down the root cause and the work-around and mark the problem a known error, as
    one change: refused as a whole before anything changes, so that a refused step leaves the
    texts as they were (what `PATCH` gets from its transaction being rolled back)."""
    check_can_work(actor)
    check_step(actor, problem, ProblemState.known_error)
    _check_workaround(workaround)
    now = now or now_utc()
    edit_problem(session, actor, problem, {"root_cause": root_cause, "workaround": workaround}, now)
    mark_known_error(session, actor, problem, note=note, now=now)


def _check_workaround(workaround: str) -> None:
    if not workaround.strip():
        raise Invalid(
            "workaround", "a known error needs its work-around written down (give workaround)"
        )


def resolve(
    session: Session,
    actor: User,
    problem: Problem,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The root cause is removed for good."""
    _transition(session, actor, problem, ProblemState.resolved, note, now)


def close(
    session: Session,
    actor: User,
    problem: Problem,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    _transition(session, actor, problem, ProblemState.closed, note, now)


def reopen(
    session: Session,
    actor: User,
    problem: Problem,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The fix did not hold: the problem is open again."""
    _transition(session, actor, problem, ProblemState.open, note, now)


def add_note(
    session: Session, actor: User, problem: Problem, note: str, now: dt.datetime | None = None
) -> None:
    """A note in the problem's history; every reader of the problem reads it."""
    check_can_work(actor)
    if not note.strip():
        raise Invalid("note", "write the note")
    append_event(
        session, problem, kind="note", actor=actor, recorded_at=now or now_utc(), note=note
    )


TRANSITIONS = {
    ProblemState.known_error: mark_known_error,
    ProblemState.resolved: resolve,
    ProblemState.closed: close,
    ProblemState.open: reopen,
}


def _transition(
    session: Session,
    actor: User,
    problem: Problem,
    target: ProblemState,
    note: str | None,
    now: dt.datetime | None,
) -> None:
    check_can_work(actor)
    now = now or now_utc()
    current = problem.state
    problem.state = check_step(actor, problem, target).value
    problem.state_since = now
    append_event(
        session,
        problem,
        kind="transition",
        actor=actor,
        recorded_at=now,
        before={"state": current},
        after={"state": problem.state},
        note=note,
    )


def link_incidents(
    session: Session,
    actor: User,
    problem: Problem,
    keys: Sequence[str],
    now: dt.datetime | None = None,
) -> None:
    """Link more incidents to the problem; those linked already are left as they are."""
    check_can_work(actor)
    _check_open_for_links(problem)
    now = now or now_utc()
    linked = {link.incident_id for link in problem.links}
    added = [
        item
        for item in incidents_named(session, actor, problem.service, keys)
        if item.id not in linked
    ]
    if not added:
        return
    problem.links.extend(ProblemIncident(incident=item, linked_at=now) for item in added)
    after = {"incidents": [item.key for item in added]}
    append_event(
        session, problem, kind="incidents_linked", actor=actor, recorded_at=now, after=after
    )


def unlink_incident(
    session: Session, actor: User, problem: Problem, key: str, now: dt.datetime | None = None
) -> None:
    check_can_work(actor)
    _check_open_for_links(problem)
    now = now or now_utc()
    link = next((item for item in problem.links if item.incident.key == key), None)
    if link is None:
        raise NotFound("{key!r} is not linked to {problem}", key=key, problem=problem.key)
    problem.links.remove(link)
    append_event(
        session,
        problem,
        kind="incident_unlinked",
        actor=actor,
        recorded_at=now,
        before={"incidents": [key]},
    )


def _check_open_for_links(problem: Problem) -> None:
    if problem.state == ProblemState.closed:
        raise TransitionNotAllowed(
            "{problem} is closed; its incidents are final", [], problem=problem.key
        )


def _organisation(session: Session, key: str) -> Organisation:
    organisation = session.scalar(select(Organisation).where(Organisation.key == key))
    if organisation is None:
        known = session.scalars(select(Organisation.key).order_by(Organisation.key)).all()
        raise Invalid(
            "owner",
            "no organisation is named {key!r} (known: {known})",
            key=key,
            known=", ".join(known),
        )
    return organisation


def get_problem(session: Session, actor: User, key: str, *, for_update: bool = False) -> Problem:
    """The problem with `key` if the actor may see it; locked for a change when asked."""
    # Loaded with what every reader is shown, in a fixed number of statements.
    statement = (
        select(Problem)
        .where(Problem.key == key)
        .options(
            selectinload(Problem.service),
            selectinload(Problem.owner),
            selectinload(Problem.links).selectinload(ProblemIncident.incident),
        )
    )
    problem = one_by_key(session, statement, key, max_length=64, for_update=for_update)
    if problem is None or not can_see(actor, problem):
        raise not_found(key)
    return problem


@dataclass(frozen=True, slots=True)
class ProblemFilter:
    service: str | None = None
    state: ProblemState | None = None
    owner: str | None = None
    incident: str | None = None
    text: str | None = None
    known_error: bool | None = None  # True: only known errors; False: none of them


def list_problems(
    session: Session, actor: User, filters: ProblemFilter, *, limit: int, offset: int
) -> tuple[list[Problem], int]:
    """A page of the problems the actor may see, newest first, and how many match in all."""
    matching = (
        select(Problem)
        .where(and_(true(), visible(actor), *_conditions(filters, actor)))
        .options(
            selectinload(Problem.service),
            selectinload(Problem.owner),
            selectinload(Problem.links).selectinload(ProblemIncident.incident),
        )
        .order_by(Problem.created_at.desc(), Problem.id.desc())
    )
    return count_and_page(session, matching, limit=limit, offset=offset)


def _conditions(filters: ProblemFilter, actor: User) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.service:
        conditions.append(Problem.service.has(Service.key == filters.service))
    if filters.state:
        conditions.append(Problem.state == filters.state.value)
    if filters.known_error is not None:
        known = Problem.state == ProblemState.known_error.value
        conditions.append(known if filters.known_error else ~known)
    if filters.owner:
        conditions.append(Problem.owner.has(Organisation.key == filters.owner))
    if filters.incident:
        # Only an incident the actor may see: a filter must not tell what is linked to others.
        named = and_(Incident.key == filters.incident, visible_incident(actor))
        conditions.append(Problem.links.any(ProblemIncident.incident.has(named)))
    if filters.text:
        columns = (Problem.key, Problem.title, Problem.description, Problem.root_cause)
        conditions.append(contains_text(columns, filters.text))
    return conditions
