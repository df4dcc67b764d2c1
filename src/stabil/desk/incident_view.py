"""One incident as its page shows it to one reader: the facts, the timers with the trace of
how each deadline is found, the timeline, and what the reader may do.

Read with a fixed number of statements, however long the incident's history: the incident
and what it points to, its events with their actors and the actors' organisations, and, for
a reader who may hand it over, the organisations it may go to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from stabil.accounts.models import Organisation, User
from stabil.accounts.roles import WORK
from stabil.clock import TraceKind, TraceStep, clock_for
from stabil.clock.days_off import EXTRA_DAY_NAME
from stabil.db.queries import one_by_key
from stabil.declaration import Declaration
from stabil.declaration.priorities import PriorityKind
from stabil.declaration.summary import target_text
from stabil.desk.access import can_see, not_found, sees_internal_notes
from stabil.desk.events import declaration_for
from stabil.desk.history import compute_timers, steps_from
from stabil.desk.incident_timeline import Entry, timeline
from stabil.desk.models import Incident, IncidentEvent
from stabil.desk.notes import may_note
from stabil.desk.present import incident_out
from stabil.desk.schemas import IncidentOut
from stabil.desk.states import Action
from stabil.desk.timer_view import TimerView, timer_view, warning_share
from stabil.desk.transitions import PARTY_KINDS
from stabil.errors import Conflict, Invalid
from stabil.records.history import events_of
from stabil.records.present import event_out
from stabil.texts import N_

T = TypeVar("T")
TRACE_LABELS = {
    TraceKind.counted: N_("counted"),
    TraceKind.night: N_("night, skipped"),
    TraceKind.closed_hours: N_("closed hours, skipped"),
    TraceKind.closed: N_("closed, skipped"),
    TraceKind.day_off: N_("day without service hours"),
}
LOCALES = {"da": "da_DK", "en": "en_GB"}
# Each action's form: its legend and its button.
ACTION_FORMS = {
    "handed_over": (N_("Hand over to a party"), N_("Hand over")),
    "resolved": (N_("Resolve"), N_("Mark as resolved")),
    "closed": (N_("Close"), N_("Close the incident")),
    "reopened": (N_("Reopen"), N_("Reopen the incident")),
    "cancelled": (N_("Cancel"), N_("Cancel the incident")),
}
# What a form did, said above the incident afterwards.
DONE = {
    "handed_over": N_("The incident is handed over."),
    "resolved": N_("The incident is marked as resolved."),
    "closed": N_("The incident is closed."),
    "reopened": N_("The incident is reopened."),
    "cancelled": N_("The incident is cancelled."),
    "priority": N_("The priority is changed."),
    "note": N_("The note is added."),
    "nothing": N_("Nothing was changed: the incident already was as the form said."),
}
# The actions that name the party the incident goes to.
PARTY_ACTIONS = frozenset({Action.handed_over, Action.reopened})


@dataclass(frozen=True, slots=True)
class TraceRow:
    """One step of a deadline's trace, as the page lists it."""

    kind: TraceKind
    start: dt.datetime
    end: dt.datetime
    seconds: float
    total: float
    day: str | None  # the day off, with its weekday, in the reader's language
    holiday: str | None  # the holiday's name; a message id for an extra day off

    @property
    def label(self) -> str:
        return TRACE_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class TimerPanel:
    kind: str
    name: str
    target: str  # e.g. "15 min (primær driftstid)"
    calendar: str
    view: TimerView
    start: dt.datetime  # where the trace starts: the timer's start, or its last run's
    counted_before: float  # service seconds used in earlier runs (R7.4)
    deadline: dt.datetime
    trace: tuple[TraceRow, ...]

    @property
    def days_skipped(self) -> int:
        return sum(1 for row in self.trace if row.kind is TraceKind.day_off)


@dataclass(frozen=True, slots=True)
class Choices:
    """What the reader may do, and the options each form offers."""

    transitions: tuple[Action, ...]
    parties: tuple[tuple[str, str], ...]  # (key, name) of the organisations it may go to
    priorities: tuple[tuple[int, str], ...]  # (level, name)
    change_priority: bool
    note: bool
    internal_notes: bool  # whether the reader reads internal notes, and so may write them

    @property
    def forms(self) -> frozenset[str]:
        """The names of the forms the page shows: each action's, `priority` and `note`."""
        named = {action.value for action in self.transitions}
        named |= {"priority"} if self.change_priority else set()
        named |= {"note"} if self.note else set()
        return frozenset(named)

    @property
    def any(self) -> bool:
        return bool(self.forms)


@dataclass(frozen=True, slots=True)
class IncidentView:
    incident: IncidentOut
    revision: int
    zone: str
    service_name: str
    priority_name: str
    suggested_name: str
    suggestion_reason: str
    reporter_organisation: str | None
    party: str | None
    timers: tuple[TimerPanel, ...]
    timeline: tuple[Entry, ...]
    choices: Choices


def incident_view(
    session: Session, reader: User, key: str, now: dt.datetime, language: str
) -> IncidentView:
    """The incident `key` as `reader` sees it now; NotFound when the reader may not see it."""
    incident = _incident(session, reader, key)
    declaration = declaration_for(incident)
    out = incident_out(incident, now, reader)
    events = [event for event in events_of(session, incident) if isinstance(event, IncidentEvent)]
    _load_organisations(session, [event.actor for event in events if event.actor])
    internal = sees_internal_notes(reader)
    shown = [event_out(event, reader, reads_internal_notes=internal) for event in events]
    service = incident.service
    return IncidentView(
        incident=out,
        revision=incident.revision,
        zone=declaration.time.timezone,
        service_name=(service.name_en if language == "en" else None) or service.name_da,
        priority_name=declaration.priority(incident.priority).name.get(language),
        suggested_name=declaration.priority(incident.suggested_priority).name.get(language),
        suggestion_reason=(
            incident.suggestion_reason if language == "en" else incident.suggestion_reason_da
        ),
        reporter_organisation=(
            incident.reporter_organisation.name if incident.reporter_organisation else None
        ),
        party=incident.party.name if incident.party else None,
        timers=_panels(session, incident, declaration, out, events, now, language),
        timeline=tuple(timeline(shown, declaration, language)),
        choices=_choices(session, reader, out, declaration, language),
    )


def _incident(session: Session, reader: User, key: str) -> Incident:
    """`service.get_incident` (the same visibility, the same answer for a key not to be
    seen), with what the page shows loaded at once: the service, declaration version and
    organisations joined, and the timers in a second statement."""
    statement = (
        select(Incident)
        .where(Incident.key == key)
        .options(
            joinedload(Incident.service),
            joinedload(Incident.declaration_version),
            joinedload(Incident.reporter_organisation),
            joinedload(Incident.party),
            selectinload(Incident.timers),
        )
    )
    incident = one_by_key(session, statement, key, max_length=32, for_update=False)
    if incident is None or not can_see(reader, incident):
        raise not_found(key)
    return incident


def _load_organisations(session: Session, actors: list[User]) -> None:
    """The organisations of the events' actors, in one statement: a reader outside the desk
    sees an actor's organisation instead of their address (accounts.privacy)."""
    wanted = {actor.organisation_id for actor in actors if actor.organisation_id is not None}
    session.scalars(select(Organisation).where(Organisation.id.in_(wanted))).all()


def _panels(
    session: Session,
    incident: Incident,
    declaration: Declaration,
    out: IncidentOut,
    events: list[IncidentEvent],
    now: dt.datetime,
    language: str,
) -> tuple[TimerPanel, ...]:
    clock = clock_for(declaration)
    steps = steps_from(incident, events)
    panels = []
    for state in compute_timers(session, incident, now, steps):
        shown = out.timers.get(state.kind)
        if shown is None:
            continue
        explanation = clock.explain(
            incident.priority, state.kind, state.deadline_from, counted=state.counted_before
        )
        target = declaration.target(incident.priority, state.kind)
        share = warning_share(declaration, incident.priority, state.kind)
        panels.append(
            TimerPanel(
                kind=state.kind,
                name=declaration.timers[state.kind].name.get(language),
                target=target_text(declaration, target, language),
                calendar=_calendar_name(declaration, target.calendar, language),
                view=timer_view(state.kind, shown, share, now),
                start=explanation.start,
                counted_before=explanation.counted_before,
                deadline=explanation.deadline,
                trace=tuple(_row(step, language) for step in explanation.steps),
            )
        )
    return tuple(panels)


def _calendar_name(declaration: Declaration, key: str, language: str) -> str:
    calendar = declaration.time.calendars.get(key)
    return calendar.name.get(language).lower() if calendar and calendar.name else key


def _row(step: TraceStep, language: str) -> TraceRow:
    holiday = step.holiday
    if holiday == EXTRA_DAY_NAME:
        holiday = N_("non-working day")
    day = None if step.day is None else format_date(step.day, "full", locale=LOCALES[language])
    return TraceRow(
        kind=step.kind,
        start=step.start,
        end=step.end,
        seconds=step.seconds,
        total=step.total,
        day=day,
        holiday=holiday,
    )


def _choices(
    session: Session, reader: User, out: IncidentOut, declaration: Declaration, language: str
) -> Choices:
    transitions = tuple(out.allowed_transitions)
    parties: tuple[tuple[str, str], ...] = ()
    if PARTY_ACTIONS & set(transitions):
        parties = party_options(session)
    priorities = tuple(
        (item.level, f"{item.level} {item.name.get(language)}")
        for item in sorted(declaration.priorities, key=lambda item: item.level)
        if item.kind is PriorityKind.incident
    )
    return Choices(
        transitions=transitions,
        parties=parties,
        priorities=priorities,
        change_priority=reader.role in WORK,
        note=may_note(reader),
        internal_notes=sees_internal_notes(reader),
    )


def party_options(session: Session) -> tuple[tuple[str, str], ...]:
    """The organisations an incident may be handed to (transitions.PARTY_KINDS), by name."""
    rows = session.execute(
        select(Organisation.key, Organisation.name)
        .where(Organisation.kind.in_(PARTY_KINDS))
        .order_by(Organisation.name, Organisation.key)
    )
    return tuple((key, name) for key, name in rows)


def check_revision(incident: Incident, seen: int | None) -> None:
    """The form was filled in on the incident as it is now: nobody changed it meanwhile.

    A stale form could hand over an incident that someone else handed over to another
    party a minute ago; the reader is told to look at it again instead.
    """
    if seen is not None and seen != incident.revision:
        raise Conflict(
            "{key} was changed by someone else while you had it open; look at it again "
            "and try once more",
            key=incident.key,
        )


def local_instant(incident: Incident, text: str) -> dt.datetime | None:
    """A time typed in the declaration's local time (`2026-04-14T09:30`), as an instant."""
    text = text.strip()
    if not text:
        return None
    try:
        typed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("at", "give the date and time as 2026-04-14T09:30") from None
    if typed.tzinfo is not None:
        return typed
    zone = ZoneInfo(declaration_for(incident).time.timezone)
    return typed.replace(tzinfo=zone)
