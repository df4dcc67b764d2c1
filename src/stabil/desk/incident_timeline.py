"""An incident's events as its page tells them: what happened, who did it, and each fact that
changed from before to after, in the reader's language.

The events come as the API shows them to the reader (records.present.event_out), so that the
page leaves out exactly what the API leaves out: other people's addresses, and the internal
notes of those who may not read them. Texts are message ids (marked with `N_`), translated
where the page shows them; names the declaration gives (timers, rules, message types,
routes) are taken from it in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from stabil.declaration import Declaration
from stabil.desk.messages import STATUS_MESSAGE
from stabil.desk.notes import NOTE
from stabil.records.models import NoteVisibility
from stabil.records.schemas import EventOut
from stabil.texts import N_


class Shown(StrEnum):
    """How a value is shown."""

    text = "text"  # as it is
    word = "word"  # a message id: a state, an action, a channel, …
    time = "time"  # an instant, in local time
    yes_no = "yes_no"
    percent = "percent"
    addresses = "addresses"  # a list of addresses, or how many when the reader may not see them


@dataclass(frozen=True, slots=True)
class Value:
    shown: Shown
    value: Any


@dataclass(frozen=True, slots=True)
class Change:
    label: str  # message id
    before: Value | None
    after: Value | None


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    what: str  # message id
    actor: str | None  # None: Stabil itself
    recorded_at: dt.datetime
    effective_at: dt.datetime
    changes: tuple[Change, ...]
    note: str | None
    shared: bool  # whether the note is shared with the reporting authority

    @property
    def entered_later(self) -> bool:
        """Recorded after it happened: an entry made afterwards (R7)."""
        return self.effective_at < self.recorded_at


WHAT = {
    "opened": N_("Reported"),
    "priority_changed": N_("Priority changed"),
    "edited": N_("Edited"),
    "report_routed": N_("Report sent to the declaration's contacts"),
    "escalated": N_("Escalated"),
    "escalation_withdrawn": N_("Escalation withdrawn"),
    STATUS_MESSAGE: N_("Operational message told"),
    "review_saved": N_("Post-review report saved"),
    "review_submitted": N_("Post-review report sent"),
    NOTE: N_("Note"),
    # What the major-incident process records (desk.majors, R9 and R14).
    "orientation_reminder": N_("Reminder: an operational message is due soon (R14)"),
    "orientation_missed": N_("Operational message not sent in time (R14)"),
    "downtime_step": N_("Downtime: the next step was proposed (R9.4)"),
    "restored_message_due": N_("Service-restored message missing (R9.6)"),
    "review_reminder": N_("Post-review report due soon (R9.7)"),
    "review_overdue": N_("Post-review report overdue (R9.7)"),
}
# A transition is told by its action.
ACTIONS = {
    "handed_over": N_("Handed over"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
    "cancelled": N_("Cancelled"),
}
LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "channel": N_("Channel"),
    "reporter_name": N_("Reporter"),
    "detected_at": N_("Detected"),
    "users_affected_percent": N_("Users affected"),
    "security_breach": N_("Security breach"),
    "legal_breach": N_("Legal breach"),
    "workaround": N_("Work-around"),
    "central_function": N_("Central function"),
    "suggested_priority": N_("Suggested priority"),
    "priority": N_("Priority"),
    "priority_reason": N_("Reason for the priority"),
    "responsible": N_("Responsible"),
    "state": N_("State"),
    "party": N_("Party"),
    "reason": N_("Reason"),
    "routes": N_("Routes"),
    "major": N_("Major incident"),
    "notified": N_("Notified"),
    "sent_to": N_("Sent to"),
    "timer": N_("Timer"),
    "rule": N_("Rule"),
    "stage": N_("Stage"),
    "level": N_("Escalation"),
    "deliver_after": N_("Delivered from"),
    "escalated_at": N_("Escalated"),
    "message": N_("Message"),
    "type": N_("Type"),
    "actions": N_("Follow-up actions"),
    "due": N_("Due"),
    "late": N_("Late"),
}
# A stored value as a reader reads it: "handed over", not handed_over (message ids).
WORD_LABELS = {
    "registered": N_("registered"),
    "handed_over": N_("handed over"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
    "cancelled": N_("cancelled"),
    "reopened": N_("reopened"),
    "phone": N_("phone"),
    "mail": N_("e-mail"),
    "web": N_("web"),
    "api": N_("API"),
    "monitor": N_("monitoring"),
    "agency": N_("the agency"),
    "authority": N_("the authority"),
    "supplier": N_("the supplier"),
    "warning": N_("warning"),
    "breach": N_("breach"),
    "functional": N_("functional"),
    "hierarchical": N_("hierarchical"),
}
# Facts of the record that say nothing to a reader: its own key, a row's id, what the
# heading says already.
LEFT_OUT = frozenset({"key", "declaration_version_id", "action", "reopen"})
WORDS = frozenset({"state", "channel", "responsible", "stage", "level"})
TIMES = frozenset({"detected_at", "deliver_after", "escalated_at", "due"})
YES_NO = frozenset(
    {"security_breach", "legal_breach", "workaround", "central_function", "major", "late"}
)


def timeline(events: Iterable[EventOut], declaration: Declaration, language: str) -> list[Entry]:
    """The events, oldest first, as the page tells them."""
    names = _Names(declaration, language)
    return [_entry(event, names) for event in events]


def _entry(event: EventOut, names: _Names) -> Entry:
    what = WHAT.get(event.kind, event.kind)
    if event.kind == "transition":
        what = ACTIONS.get(str(event.after.get("action")), what)
    before, after = _flat(event.before), _flat(event.after)
    changes = tuple(
        Change(
            LABELS.get(name, name),
            names.value(name, before[name]) if name in before else None,
            names.value(name, after[name]) if name in after else None,
        )
        for name in [*after, *(name for name in before if name not in after)]
        if name not in LEFT_OUT and (before.get(name) is not None or after.get(name) is not None)
    )
    return Entry(
        seq=event.seq,
        what=what,
        actor=event.actor,
        recorded_at=event.recorded_at,
        effective_at=event.effective_at,
        changes=changes,
        note=event.note,
        shared=event.note_visibility is NoteVisibility.shared,
    )


def _flat(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts with a nested group (the impact of a report) opened into its facts."""
    flat: dict[str, Any] = {}
    for name, value in facts.items():
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat[name] = value
    return flat


class _Names:
    """What the declaration calls the things an event names, in one language."""

    def __init__(self, declaration: Declaration, language: str) -> None:
        self.language = language
        self.timers = {key: timer.name.get(language) for key, timer in declaration.timers.items()}
        escalation = declaration.escalation
        rules = escalation.rules if escalation else []
        self.rules = {rule.key: rule.name.get(language) for rule in rules}
        communication = declaration.communication
        types = communication.message_types if communication else []
        self.types = {rule.type.value: rule.name.get(language) for rule in types}
        management = declaration.incident_management
        routes = management.reporting if management else []
        # A report's event keeps the English name of each route it took.
        self.routes = {route.what.get("en"): route.what.get(language) for route in routes}
        self._special: dict[str, Callable[[Any], Value]] = {
            "timer": lambda key: Value(Shown.text, self.timers.get(str(key), key)),
            "rule": lambda key: Value(Shown.text, self.rules.get(str(key), key)),
            "type": lambda key: self._type(str(key)),
            "routes": lambda items: Value(
                Shown.text, ", ".join(self.routes.get(str(item), str(item)) for item in items)
            ),
            "notified": lambda items: Value(Shown.addresses, items),
            "sent_to": lambda items: Value(Shown.addresses, items),
            "users_affected_percent": lambda share: Value(Shown.percent, share),
            "message": lambda number: Value(Shown.text, f"#{number}"),
        }

    def value(self, name: str, value: Any) -> Value:
        if value is None:
            return Value(Shown.text, "")
        special = self._special.get(name)
        if special is not None:
            return special(value)
        if name in YES_NO or isinstance(value, bool):
            return Value(Shown.yes_no, bool(value))
        if name in TIMES:
            return Value(Shown.time, dt.datetime.fromisoformat(str(value)))
        if name in WORDS:
            return Value(Shown.word, str(value))
        if isinstance(value, list):
            return Value(Shown.text, ", ".join(str(item) for item in value))
        return Value(Shown.text, str(value))

    def _type(self, key: str) -> Value:
        return Value(Shown.text, self.types.get(key, key))
