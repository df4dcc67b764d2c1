"""Registering releases and moving them through their states, with the notice checked (R11.1).

Functions take a session and never commit; every change appends an immutable event. An
interface change announced with less notice than the declaration asks is refused, unless a
reason the declaration allows for shorter notice is given: then it is recorded, flagged, and
the agency owes its users help with knowledge and advice until that is marked as given.
Announcing posts an operational message of type `release`, which the outbox takes to the
message's recipients; later changes are told as updates of that same message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.db.queries import count_and_page, one_by_id
from stabil.db.types import now_utc
from stabil.declaration import Declaration
from stabil.errors import Conflict, Invalid, Names, NotFound, TransitionNotAllowed
from stabil.records.history import append_event, up_to_now
from stabil.releases import announcing
from stabil.releases.access import check_can_work, check_step, name_of, transitions_for
from stabil.releases.models import Release
from stabil.releases.rules import (
    Notice,
    help_obligation,
    notice_for,
    shorter_notice_reasons,
)
from stabil.releases.states import OPEN, ReleaseAction, ReleaseState


class NoticeRefused(Invalid):
    """An interface change announced with less notice than the declaration asks (R11.1)."""

    def __init__(self, notice: Notice, reasons: list[str], service: str) -> None:
        earliest = notice.earliest.isoformat() if notice.earliest else ""
        values = {
            "months": notice.months,
            "announced": notice.announced_on.isoformat(),
            "earliest": earliest,
        }
        if reasons:
            super().__init__(
                "planned_date",
                "an interface change needs {months} months' notice, counted from its "
                "announcement ({announced}): the release date must be {earliest} or later; "
                "give shorter_notice_reason (one of: {reasons}) to record it anyway",
                reasons=Names(reasons),
                **values,
            )
        else:
            super().__init__(
                "planned_date",
                "an interface change needs {months} months' notice, counted from its "
                "announcement ({announced}): the release date must be {earliest} or later; "
                "the declaration of {service} allows no shorter notice",
                service=service,
                **values,
            )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The notice of a release as checked, and what a shorter one leaves to be done."""

    notice: Notice
    met: bool
    reason: str | None  # kept only when the notice is short
    obligation: dict[str, str] | None


@dataclass(frozen=True, slots=True)
class NewRelease:
    service: str
    version: str
    planned_date: dt.date
    notes: str = ""
    notes_en: str | None = None
    interface_change: bool = False
    announce: bool = False
    announced_at: dt.datetime | None = None  # an announcement made earlier, entered now
    shorter_notice_reason: str | None = None


def register_release(
    session: Session, actor: User, new: NewRelease, now: dt.datetime | None = None
) -> Release:
    """Record a coming release of a service, announced at once when asked (R11)."""
    check_can_work(actor)
    now = now or now_utc()
    version = _filled("version", new.version)
    announced = _announcement(new, now)
    stored = version_named(session, new.service, now.date())
    declaration = declaration_of(stored)
    if announced is not None:
        announcing.check_can_announce(declaration)
    verdict = _verdict(
        declaration,
        new.interface_change,
        new.planned_date,
        announced or now,
        new.shorter_notice_reason,
    )
    release = Release(
        service_id=stored.service_id,
        declaration_version_id=stored.id,
        version=version,
        state=ReleaseState.planned.value,
        planned_date=new.planned_date,
        interface_change=new.interface_change,
        notes=new.notes,
        notes_en=new.notes_en,
        created_at=now,
        created_by_id=actor.id,
        revision=0,
        updated_at=now,
    )
    _keep(release, verdict)
    release.service = stored.service
    release.declaration_version = stored
    session.add(release)
    session.flush()  # its id names it in its message and its events
    append_event(
        session,
        release,
        kind="registered",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        after=snapshot(release),
    )
    if announced is not None:
        _announce(session, actor, release, announced, release.shorter_notice_reason, now)
    return release


def announce_release(
    session: Session,
    actor: User,
    release: Release,
    at: dt.datetime | None = None,
    *,
    shorter_notice_reason: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Announce the release in writing; notice is counted from `at` (default now)."""
    check_step(actor, release, ReleaseAction.announce)
    now = now or now_utc()
    at = up_to_now("at", at or now, now)
    reason = shorter_notice_reason or release.shorter_notice_reason
    _announce(session, actor, release, at, reason, now)


# What a change sets as given; the reason for a shorter notice is the verdict's to keep.
SET_AS_GIVEN = ("version", "planned_date", "notes", "notes_en", "interface_change")
# What a PATCH may change; `notes_en` and `shorter_notice_reason` may be cleared (None).
CHANGEABLE = (*SET_AS_GIVEN, "shorter_notice_reason")
CLEARABLE = frozenset({"notes_en", "shorter_notice_reason"})


def change_release(
    session: Session,
    actor: User,
    release: Release,
    changes: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> None:
    """New facts for a release not yet out, the notice checked again. An announced release
    moved to another date is announced anew, as an update of its message: notice then
    counts from now (R11.1). New notes alone are told too, but leave the notice as it was."""
    check_can_work(actor)
    _check_open(actor, release)
    now = now or now_utc()
    values = _checked_changes(changes)
    facts = {name: values.get(name, getattr(release, name)) for name in CHANGEABLE}
    differs = {name for name in CHANGEABLE if facts[name] != getattr(release, name)}
    if not differs:
        return
    moved = "planned_date" in differs
    announced = release.announced_at
    if announced is not None and moved:
        announced = now
    verdict = _verdict(
        declaration_of(release.declaration_version),
        facts["interface_change"],
        facts["planned_date"],
        announced or now,
        facts["shorter_notice_reason"],
    )
    before = snapshot(release)
    for name in SET_AS_GIVEN:
        setattr(release, name, facts[name])
    release.announced_at = announced
    _keep(release, verdict)
    if release.state == ReleaseState.announced:
        announcing.tell_changed(session, actor, release, moved=moved, now=now)
    append_event(
        session,
        release,
        kind="rescheduled" if moved else "edited",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        before=before,
        after=snapshot(release),
    )


def mark_released(
    session: Session,
    actor: User,
    release: Release,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The release is out, at `at` (default now); its message is resolved."""
    target = check_step(actor, release, ReleaseAction.release)
    now = now or now_utc()
    at = up_to_now("at", at or now, now)
    before = snapshot(release)
    release.state = target.value
    release.released_at = at
    announcing.tell_over(session, actor, release, cancelled=False, now=now)
    append_event(
        session,
        release,
        kind="released",
        actor=actor,
        recorded_at=now,
        effective_at=at,
        before=before,
        after=snapshot(release),
    )


def cancel_release(
    session: Session,
    actor: User,
    release: Release,
    reason: str,
    now: dt.datetime | None = None,
) -> None:
    """Cancel a release not yet out; an announced one's message says so and is resolved."""
    target = check_step(actor, release, ReleaseAction.cancel)
    if not reason.strip():
        raise Invalid("reason", "must be filled in")
    now = now or now_utc()
    before = snapshot(release)
    release.state = target.value
    announcing.tell_over(session, actor, release, cancelled=True, now=now)
    append_event(
        session,
        release,
        kind="cancelled",
        actor=actor,
        recorded_at=now,
        effective_at=now,
        before=before,
        after=snapshot(release),
        note=reason.strip(),
    )


def mark_help_given(
    session: Session,
    actor: User,
    release: Release,
    at: dt.datetime | None = None,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The agency has helped the users with knowledge and advice about a release announced
    with shorter notice (R11.1): the duty is done, at `at` (default now)."""
    check_can_work(actor)
    if release.state == ReleaseState.cancelled:
        raise Conflict("{name} is cancelled, so no help is owed", name=name_of(release))
    if release.notice_met:
        raise Conflict(
            "{name} has the notice it needs, so it leaves no duty to help to mark as done",
            name=name_of(release),
        )
    if release.help_given_at is not None:
        raise Conflict(
            "the help with {name} was marked as given already, at {at}",
            name=name_of(release),
            at=release.help_given_at.isoformat(),
        )
    now = now or now_utc()
    at = up_to_now("at", at or now, now)
    before = snapshot(release)
    release.help_given_at = at
    release.help_given_by_id = actor.id
    append_event(
        session,
        release,
        kind="help_given",
        actor=actor,
        recorded_at=now,
        effective_at=at,
        before=before,
        after=snapshot(release),
        note=note.strip() if note and note.strip() else None,
    )


def help_due(release: Release) -> bool:
    """The duty to help after a shorter notice is open until it is marked as done; a
    cancelled release leaves nothing to help with."""
    return (
        not release.notice_met
        and release.help_given_at is None
        and release.state != ReleaseState.cancelled
    )


def get_release(session: Session, release_id: int, *, for_update: bool = False) -> Release:
    release = one_by_id(session, Release, release_id, for_update=for_update)
    if release is None:
        raise NotFound("no release has id {id}", id=release_id)
    return release


@dataclass(frozen=True, slots=True)
class ReleaseFilter:
    service: str | None = None
    year: int | None = None  # the year of the planned date
    state: ReleaseState | None = None


def list_releases(
    session: Session, filters: ReleaseFilter, *, limit: int, offset: int
) -> tuple[list[Release], int]:
    """A page of the releases that match, in the order they are planned, and how many match."""
    statement = select(Release).options(
        selectinload(Release.service),
        selectinload(Release.help_given_by).selectinload(User.organisation),
    )
    if filters.service:
        statement = statement.where(Release.service.has(Service.key == filters.service))
    if filters.state:
        statement = statement.where(Release.state == filters.state.value)
    if filters.year:
        # The planned date is already a local date: its year needs no zone.
        statement = statement.where(
            Release.planned_date >= dt.date(filters.year, 1, 1),
            Release.planned_date <= dt.date(filters.year, 12, 31),
        )
    ordered = statement.order_by(Release.planned_date, Release.id)
    return count_and_page(session, ordered, limit=limit, offset=offset)


def snapshot(release: Release) -> dict[str, Any]:
    return {
        "version": release.version,
        "state": release.state,
        "planned_date": release.planned_date.isoformat(),
        "interface_change": release.interface_change,
        "notes": release.notes,
        "notes_en": release.notes_en,
        "announced_at": _iso(release.announced_at),
        "released_at": _iso(release.released_at),
        "notice_months": release.notice_months,
        "earliest_date": _iso(release.earliest_date),
        "notice_met": release.notice_met,
        "shorter_notice_reason": release.shorter_notice_reason,
        "help_given_at": _iso(release.help_given_at),
        "message": release.message_id,
    }


def _announce(
    session: Session,
    actor: User,
    release: Release,
    at: dt.datetime,
    reason: str | None,
    now: dt.datetime,
) -> None:
    """Record the announcement, with notice checked from it, and post its message."""
    declaration = declaration_of(release.declaration_version)
    announcing.check_can_announce(declaration)
    verdict = _verdict(declaration, release.interface_change, release.planned_date, at, reason)
    before = snapshot(release)
    release.state = ReleaseState.announced.value
    release.announced_at = at
    _keep(release, verdict)
    announcing.tell_announced(session, actor, release, now=now)
    append_event(
        session,
        release,
        kind="announced",
        actor=actor,
        recorded_at=now,
        effective_at=at,
        before=before,
        after=snapshot(release),
    )


def _verdict(
    declaration: Declaration,
    interface_change: bool,
    planned: dt.date,
    announced: dt.datetime,
    reason: str | None,
) -> Verdict:
    """The notice from `announced` to `planned`; refused when short, unless a reason the
    declaration allows for shorter notice records it anyway (R11.1)."""
    reasons = shorter_notice_reasons(declaration)
    if reason is not None:
        _check_reason(declaration, reason, reasons)
    notice = notice_for(declaration, interface_change, announced)
    if notice.met_by(planned):
        return Verdict(notice, True, None, None)
    if reason is None:
        raise NoticeRefused(notice, reasons, declaration.key)
    return Verdict(notice, False, reason, help_obligation(declaration))


def _check_reason(declaration: Declaration, reason: str, reasons: list[str]) -> None:
    if reason in reasons:
        return
    if not reasons:
        raise Invalid(
            "shorter_notice_reason",
            "the declaration of {service} allows no shorter notice",
            service=declaration.key,
        )
    raise Invalid(
        "shorter_notice_reason",
        "{reason!r} is not a reason for shorter notice in the declaration of {service} "
        "(allowed: {allowed})",
        reason=reason,
        service=declaration.key,
        allowed=Names(reasons),
    )


def _keep(release: Release, verdict: Verdict) -> None:
    """The notice as checked: met, or short with the reason and the duty it leaves."""
    release.notice_months = verdict.notice.months
    release.earliest_date = verdict.notice.earliest
    release.notice_met = verdict.met
    release.shorter_notice_reason = verdict.reason
    release.help_obligation = verdict.obligation


def _check_open(actor: User, release: Release) -> None:
    state = ReleaseState(release.state)
    if state in OPEN:
        return
    allowed = [action.value for action in transitions_for(actor, release)]
    raise TransitionNotAllowed(
        "{name} is {state}, so it can no longer be changed; allowed for you now: {allowed}",
        allowed,
        name=name_of(release),
        state=state.value,
        allowed=Names(allowed) if allowed else "nothing",
    )


def _checked_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Every change checked before any is made: a refused one leaves the release as it was."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in CHANGEABLE:
            raise Invalid(
                name, "cannot be changed (changeable: {changeable})", changeable=Names(CHANGEABLE)
            )
        if value is None and name not in CLEARABLE:
            raise Invalid(name, "cannot be cleared (give a new value or leave it out)")
        values[name] = _filled(name, value) if name == "version" else value
    return values


def _filled(field: str, text: str) -> str:
    if not text.strip():
        raise Invalid(field, "must be filled in")
    return text.strip()


def _announcement(new: NewRelease, now: dt.datetime) -> dt.datetime | None:
    if new.announced_at is not None:
        return up_to_now("announced_at", new.announced_at, now)
    return now if new.announce else None


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
