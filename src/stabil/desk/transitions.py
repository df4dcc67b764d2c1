"""Moving an incident through its states: one function per transition (R7.2, R7.4).

Each records an immutable event with who, when it was recorded and when it really happened
(`at`, for an entry made afterwards), and recomputes the timers from the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import Organisation, OrganisationKind, User
from stabil.db.types import now_utc
from stabil.desk.access import check_step
from stabil.desk.corrections import withdraw_disproved
from stabil.desk.events import declaration_for
from stabil.desk.history import refresh_timers
from stabil.desk.models import Incident
from stabil.desk.states import Action, State
from stabil.errors import Invalid
from stabil.records.history import append_event
from stabil.records.models import NoteVisibility

# Who an incident may be handed to: those who work incidents.
PARTY_KINDS = (OrganisationKind.supplier, OrganisationKind.agency)


class _Note(NamedTuple):
    text: str | None
    visibility: NoteVisibility


def hand_over(
    session: Session,
    actor: User,
    incident: Incident,
    *,
    party: str | None,
    at: dt.datetime | None = None,
    note: str | None = None,
    note_visibility: NoteVisibility = NoteVisibility.internal,
    now: dt.datetime | None = None,
) -> None:
    """Work starts: the incident goes to a party for resolution; the reaction clock stops."""
    check_step(actor, incident, Action.handed_over)
    if party is None and incident.party_id is None:
        raise Invalid("party", "name the organisation the incident is handed over to")
    organisation = _party(session, party) if party else None
    extra = {"party": organisation.key} if organisation else {}
    note_of = _Note(note, note_visibility)
    _transition(session, actor, incident, Action.handed_over, at, note_of, extra, now, organisation)


def resolve(
    session: Session,
    actor: User,
    incident: Incident,
    *,
    at: dt.datetime | None = None,
    note: str | None = None,
    note_visibility: NoteVisibility = NoteVisibility.internal,
    now: dt.datetime | None = None,
) -> None:
    """Service is restored, by a fix or a work-around; the resolution clock stops."""
    _transition(
        session, actor, incident, Action.resolved, at, _Note(note, note_visibility), {}, now
    )


def close(
    session: Session,
    actor: User,
    incident: Incident,
    *,
    at: dt.datetime | None = None,
    note: str | None = None,
    note_visibility: NoteVisibility = NoteVisibility.internal,
    now: dt.datetime | None = None,
) -> None:
    _transition(session, actor, incident, Action.closed, at, _Note(note, note_visibility), {}, now)


def reopen(
    session: Session,
    actor: User,
    incident: Incident,
    *,
    party: str | None = None,
    at: dt.datetime | None = None,
    note: str | None = None,
    note_visibility: NoteVisibility = NoteVisibility.internal,
    now: dt.datetime | None = None,
) -> None:
    """The fix did not hold: back to the party; the resolution clock continues (R7.4)."""
    check_step(actor, incident, Action.reopened)
    organisation = _party(session, party) if party else None
    extra: dict[str, Any] = {"reopen": True}
    if organisation:
        extra["party"] = organisation.key
    note_of = _Note(note, note_visibility)
    _transition(session, actor, incident, Action.reopened, at, note_of, extra, now, organisation)


def cancel(
    session: Session,
    actor: User,
    incident: Incident,
    *,
    reason: str | None,
    at: dt.datetime | None = None,
    note: str | None = None,
    note_visibility: NoteVisibility = NoteVisibility.internal,
    now: dt.datetime | None = None,
) -> None:
    """Withdraw the incident (e.g. a duplicate); it stays in history, outside the KPIs."""
    if not (reason and reason.strip()):
        raise Invalid("reason", "say why the incident is cancelled")
    extra = {"reason": reason}
    _transition(
        session, actor, incident, Action.cancelled, at, _Note(note, note_visibility), extra, now
    )


def take(
    session: Session,
    actor: User,
    incident: Incident,
    action: Action,
    *,
    party: str | None = None,
    reason: str | None = None,
    at: dt.datetime | None = None,
    note: str | None = None,
    note_visibility: NoteVisibility = NoteVisibility.internal,
    now: dt.datetime | None = None,
) -> None:
    """Take `action`: the one entry of the API and the pages, which ask by the action's name."""
    common: dict[str, Any] = {"at": at, "note": note, "note_visibility": note_visibility}
    now = now or now_utc()
    if action is Action.handed_over:
        hand_over(session, actor, incident, party=party, now=now, **common)
    elif action is Action.resolved:
        resolve(session, actor, incident, now=now, **common)
    elif action is Action.closed:
        close(session, actor, incident, now=now, **common)
    elif action is Action.reopened:
        reopen(session, actor, incident, party=party, now=now, **common)
    else:
        cancel(session, actor, incident, reason=reason, now=now, **common)


def _transition(
    session: Session,
    actor: User,
    incident: Incident,
    action: Action,
    at: dt.datetime | None,
    note: _Note,
    extra: dict[str, Any],
    now: dt.datetime | None,
    party: Organisation | None = None,
) -> None:
    now = now or now_utc()
    target = check_step(actor, incident, action)
    current = State(incident.state)
    effective = _effective_time(incident, at, now)
    before = {"state": current.value}
    after = {"state": target.value, "action": action.value, **extra}
    incident.state = target.value
    incident.state_since = effective
    append_event(
        session,
        incident,
        kind="transition",
        actor=actor,
        effective_at=effective,
        recorded_at=now,
        before=before,
        after=after,
        note=note.text,
        note_visibility=note.visibility,
    )
    if party is not None:
        incident.party = party
    refresh_timers(session, incident, now)
    if effective < now:
        withdraw_disproved(session, incident, now)


def _effective_time(incident: Incident, at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if at is None:
        return now
    if at > now:
        raise Invalid("at", "lies in the future (give when it really happened, up to now)")
    if at < incident.state_since:
        zone = declaration_for(incident).time.zone
        raise Invalid(
            "at",
            "is before the previous step of {key} ({since}); give a time on or after it",
            key=incident.key,
            since=incident.state_since.astimezone(zone).isoformat(timespec="minutes"),
        )
    return at


def _party(session: Session, key: str) -> Organisation:
    """The organisation an incident goes to: one that can work it, never an authority.

    An authority cannot resolve an incident, and once it was handed one no supplier could
    see it any more.
    """
    organisation = session.scalar(select(Organisation).where(Organisation.key == key))
    if organisation is not None and organisation.kind in PARTY_KINDS:
        return organisation
    accepted = session.scalars(
        select(Organisation.key)
        .where(Organisation.kind.in_(PARTY_KINDS))
        .order_by(Organisation.key)
    ).all()
    keys = ", ".join(accepted)
    if organisation is None and accepted:
        raise Invalid(
            "party",
            "no supplier or agency organisation is named {key!r} (use one of: {keys})",
            key=key,
            keys=keys,
        )
    if organisation is None:
        raise Invalid(
            "party",
            "no supplier or agency organisation is named {key!r} (there is none yet)",
            key=key,
        )
    if accepted:
        raise Invalid(
            "party",
            "{key} is an {kind}; an incident goes to a supplier or agency organisation "
            "(use one of: {keys})",
            key=key,
            kind=organisation.kind.value,
            keys=keys,
        )
    raise Invalid(
        "party",
        "{key} is an {kind}; an incident goes to a supplier or agency organisation "
        "(there is none yet)",
        key=key,
        kind=organisation.kind.value,
    )
