"""Withdrawing escalations that a back-dated entry shows were never due (R8).

The worker escalates when it finds a timer past its threshold. An entry made later may move
the history back: a hand-over recorded at 10:20 `at` 10:10 stops the reaction timer at
10:10, in time. After such an entry each standing escalation of the incident is judged again
on the history as now known, up to the moment it was recorded. One that would not have been
recorded is withdrawn: the row is marked (history stays), the timeline notes it, and the
recipients of the escalation are told, Danish first. A withdrawn escalation counts nowhere.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.declaration import Declaration
from stabil.desk.escalation import WITHDRAWN, EscalationId, Stage, rule_named
from stabil.desk.events import declaration_for
from stabil.desk.history import compute_timers, steps_of
from stabil.desk.models import Escalation, Incident
from stabil.desk.notify import (
    TIMER_DA,
    compose,
    incident_lines,
    incident_mails,
    local_text,
    minutes_text,
)
from stabil.desk.timers import TOLERANCE_SECONDS, Step, TimerState
from stabil.outbox.service import enqueue_emails
from stabil.records.history import append_event


def standing_escalations(session: Session, incident: Incident) -> list[Escalation]:
    """The incident's escalations that were not withdrawn: the ones that count."""
    return list(
        session.scalars(
            select(Escalation)
            .where(Escalation.incident_id == incident.id, Escalation.withdrawn_at.is_(None))
            .order_by(Escalation.id)
        )
    )


def withdraw_disproved(session: Session, incident: Incident, now: dt.datetime) -> None:
    """Withdraw each escalation the corrected history does not bear out, and tell its readers."""
    standing = standing_escalations(session, incident)
    if not standing:
        return
    declaration = declaration_for(incident)
    steps = steps_of(session, incident)
    for escalation in standing:
        state = _as_recorded(session, incident, steps, escalation)
        if state is not None and not _bears_out(declaration, escalation, state):
            _withdraw(session, incident, declaration, escalation, state, now)


def _as_recorded(
    session: Session, incident: Incident, steps: list[Step], escalation: Escalation
) -> TimerState | None:
    """The escalated timer as it stood when the escalation was recorded, on today's history."""
    at = escalation.recorded_at
    known = [step for step in steps if step.at <= at]
    states = compute_timers(session, incident, at, known)
    return next((state for state in states if state.kind == escalation.timer), None)


def _bears_out(declaration: Declaration, escalation: Escalation, state: TimerState) -> bool:
    rule = rule_named(declaration, escalation.rule)
    if rule is None:
        return True  # a rule the declaration no longer names: nothing to judge it by
    if escalation.stage == Stage.breach:
        return state.met is not True and state.elapsed_seconds + TOLERANCE_SECONDS >= (
            state.target_seconds
        )
    share = (rule.warn_at_percent or 100.0) / 100
    return state.elapsed_seconds + TOLERANCE_SECONDS >= state.target_seconds * share


def _withdraw(
    session: Session,
    incident: Incident,
    declaration: Declaration,
    escalation: Escalation,
    state: TimerState,
    now: dt.datetime,
) -> None:
    escalation.withdrawn_at = now
    addresses = list(escalation.recipients)
    append_event(
        session,
        incident,
        kind="escalation_withdrawn",
        actor=None,
        effective_at=now,
        recorded_at=now,
        before={},
        after={
            "timer": escalation.timer,
            "rule": escalation.rule,
            "stage": escalation.stage,
            "escalated_at": escalation.recorded_at.isoformat(),
            "notified": addresses,
        },
    )
    subject, body = _notice(incident, declaration, escalation, state)
    # Never before the notice it corrects, which may still wait for its rule's hours.
    deliver_after = max(now, escalation.deliver_after)
    identity = EscalationId(
        incident.key, escalation.timer, escalation.rule, Stage(escalation.stage)
    )
    key = identity.key(WITHDRAWN)
    mails = incident_mails(
        incident, addresses, subject, body, dedupe=key, deliver_after=deliver_after
    )
    enqueue_emails(session, mails)


def _notice(
    incident: Incident, declaration: Declaration, escalation: Escalation, state: TimerState
) -> tuple[str, str]:
    name_da = TIMER_DA.get(escalation.timer, escalation.timer)
    name_en = declaration.timers[escalation.timer].name.get("en").lower()
    rule = rule_named(declaration, escalation.rule)
    assert rule is not None
    if escalation.stage == Stage.breach:
        head_da = f"{name_da.capitalize()}en blev ikke overskredet"
        head_en = f"the {name_en} was not breached"
    else:
        share = f"{rule.warn_at_percent:g} %"
        head_da = f"{share} af {name_da}en blev ikke brugt"
        head_en = f"{share} of the {name_en} was not used"
    subject = f"[{incident.key}] Rettelse: {head_da} · Correction: {head_en}"
    used, target = minutes_text(state.elapsed_seconds), minutes_text(state.target_seconds)
    sent_da = local_text(escalation.recorded_at, declaration)
    sent_en = escalation.recorded_at.astimezone(declaration.time.zone).isoformat()
    danish, english = incident_lines(incident, declaration)
    danish = [
        f"Rettelse: {head_da}.",
        f"Eskalationen fra {sent_da} ({rule.name.da}) trækkes tilbage. En registrering, der "
        f"er foretaget bagefter med et tidligere tidspunkt, viser, at der på det tidspunkt "
        f"var brugt {used} af målet på {target}.",
        "",
        *danish,
    ]
    english = [
        f"Correction: {head_en}.",
        f"The escalation of {sent_en} ({rule.name.get('en')}) is withdrawn. An entry made "
        f"afterwards with an earlier time shows that by then {used} of the {target} target "
        "had been used.",
        "",
        *english,
    ]
    return subject, compose(danish, english, incident)
