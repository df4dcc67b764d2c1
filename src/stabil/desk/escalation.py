"""Escalation of timers nearing or passing their targets, in the hours each level allows (R8).

Whenever an incident's timers are recomputed, a job is planned for each running timer and
escalation rule: a warning at the rule's share of the target and a breach at the target. When
a job comes due the worker checks the timer again, records the escalation once (a unique row
and an event on the incident's timeline) and queues the notices, to be delivered at the
first instant that lies in the rule's `hours` calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from stabil.clock import Clock, clock_for
from stabil.declaration import Declaration
from stabil.declaration.operations import EscalationRule
from stabil.desk.events import declaration_for, record_event
from stabil.desk.models import Escalation, Incident, IncidentTimer
from stabil.desk.notify import (
    TIMER_DA,
    compose,
    incident_lines,
    incident_url,
    local_text,
    minutes_text,
    recipients,
)
from stabil.desk.timers import TOLERANCE_SECONDS, TimerState
from stabil.outbox.service import enqueue_email
from stabil.worker.jobs import cancel_pending, handles, handles_batch, schedule
from stabil.worker.models import Job

JOB_KIND = "escalation"
WARNING, BREACH = "warning", "breach"


def _prefix(incident: Incident) -> str:
    return f"esc:{incident.key}:"


def plan_escalations(
    session: Session,
    incident: Incident,
    declaration: Declaration,
    clock: Clock,
    timers: Sequence[TimerState],
    now: dt.datetime,
) -> None:
    """Replace the incident's pending escalation jobs with those its timers call for now."""
    cancel_pending(session, incident.key, prefix=_prefix(incident))
    if declaration.escalation is None:
        return
    for state in timers:
        if not state.running:
            continue
        for rule in declaration.escalation.rules:
            if incident.priority not in rule.priorities or state.kind not in rule.timers:
                continue
            if rule.warn_at_percent is not None:
                share = state.target_seconds * rule.warn_at_percent / 100
                _plan(session, incident, state, rule, WARNING, _reaching(clock, state, share, now))
            if rule.on_breach:
                _plan(session, incident, state, rule, BREACH, state.due_at)


def _reaching(clock: Clock, state: TimerState, seconds: float, now: dt.datetime) -> dt.datetime:
    """When the timer's elapsed time reaches `seconds` (now, if an earlier run passed it)."""
    if state.run_started_at is None or seconds <= state.completed_seconds:
        return now
    return clock.deadline(state.calendar, state.run_started_at, seconds - state.completed_seconds)


def _plan(
    session: Session,
    incident: Incident,
    state: TimerState,
    rule: EscalationRule,
    stage: str,
    run_at: dt.datetime,
) -> None:
    schedule(
        session,
        kind=JOB_KIND,
        subject_key=incident.key,
        dedupe_key=f"{_prefix(incident)}{state.kind}:{rule.key}:{stage}",
        run_at=run_at,
        payload={"incident": incident.key, "timer": state.kind, "rule": rule.key, "stage": stage},
    )


@handles(JOB_KIND)
def escalate_one(session: Session, job: Job, now: dt.datetime) -> None:
    escalate(session, [job], now)


@handles_batch(JOB_KIND)
def escalate(session: Session, jobs: list[Job], now: dt.datetime) -> None:
    """Record and notify every due escalation whose timer still calls for it."""
    keys = sorted({str(job.payload["incident"]) for job in jobs})
    incidents = {
        incident.key: incident
        for incident in session.scalars(
            select(Incident)
            .where(Incident.key.in_(keys))
            .options(selectinload(Incident.timers), selectinload(Incident.party))
            .order_by(Incident.id)
            .with_for_update(of=Incident)
        )
    }
    for job in jobs:
        incident = incidents.get(str(job.payload["incident"]))
        if incident is not None:
            _escalate_if_due(session, incident, job, now)


def _escalate_if_due(session: Session, incident: Incident, job: Job, now: dt.datetime) -> None:
    declaration = declaration_for(incident)
    clock = clock_for(declaration)
    timer = next((row for row in incident.timers if row.kind == job.payload["timer"]), None)
    rule = _rule(declaration, str(job.payload["rule"]))
    if timer is None or rule is None or not timer.running:
        return
    stage = str(job.payload["stage"])
    elapsed = _elapsed(timer, clock, now)
    threshold = timer.target_seconds * (rule.warn_at_percent or 100) / 100
    if stage == BREACH:
        threshold = timer.target_seconds
    if elapsed + TOLERANCE_SECONDS < threshold:
        return  # planned for a history that has since changed
    deliver_after = clock.next_open(rule.hours, now)
    addresses = recipients(session, declaration, rule.notify, incident)
    row = _insert_once(
        session, incident, timer, rule, stage, job.run_at, now, deliver_after, addresses
    )
    if row is None:
        return
    record_event(
        session,
        incident,
        kind="escalated",
        actor=None,
        effective_at=job.run_at,
        recorded_at=now,
        before={},
        after={
            "timer": timer.kind,
            "rule": rule.key,
            "stage": stage,
            "level": rule.kind.value,
            "notified": addresses,
            "deliver_after": deliver_after.isoformat(),
        },
    )
    subject, body = _notice(incident, declaration, timer, rule, stage, elapsed)
    for address in addresses:
        enqueue_email(
            session,
            recipient=address,
            subject=subject,
            body=body,
            subject_kind="incident",
            subject_key=incident.key,
            deliver_after=deliver_after,
            dedupe_key=f"esc:{incident.key}:{timer.kind}:{rule.key}:{stage}:{address}",
        )


def _rule(declaration: Declaration, key: str) -> EscalationRule | None:
    rules = declaration.escalation.rules if declaration.escalation else []
    return next((rule for rule in rules if rule.key == key), None)


def _elapsed(timer: IncidentTimer, clock: Clock, now: dt.datetime) -> float:
    if timer.run_started_at is None or now <= timer.run_started_at:
        return timer.completed_seconds
    return timer.completed_seconds + clock.elapsed(timer.calendar, timer.run_started_at, now)


def _insert_once(
    session: Session,
    incident: Incident,
    timer: IncidentTimer,
    rule: EscalationRule,
    stage: str,
    reached_at: dt.datetime,
    now: dt.datetime,
    deliver_after: dt.datetime,
    addresses: list[str],
) -> int | None:
    """The new escalation's id, or None if this one was recorded before (never twice)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Escalation)
        .values(
            incident_id=incident.id,
            timer=timer.kind,
            rule=rule.key,
            stage=stage,
            kind=rule.kind.value,
            reached_at=reached_at,
            recorded_at=now,
            deliver_after=deliver_after,
            recipients=addresses,
        )
        .on_conflict_do_nothing(
            index_elements=[
                Escalation.incident_id,
                Escalation.timer,
                Escalation.rule,
                Escalation.stage,
            ]
        )
        .returning(Escalation.id)
    )
    return session.execute(statement).scalar_one_or_none()


def _notice(
    incident: Incident,
    declaration: Declaration,
    timer: IncidentTimer,
    rule: EscalationRule,
    stage: str,
    elapsed: float,
) -> tuple[str, str]:
    name_da = TIMER_DA.get(timer.kind, timer.kind)
    name_en = declaration.timers[timer.kind].name.get("en").lower()
    if stage == BREACH:
        head_da = f"{name_da.capitalize()} overskredet"
        head_en = f"{name_en.capitalize()} breached"
    else:
        share = f"{rule.warn_at_percent:g} %"
        head_da = f"{share} af {name_da}en er brugt"
        head_en = f"{share} of the {name_en} used"
    subject = f"[{incident.key}] {head_da} · {head_en}"
    danish, english = incident_lines(incident, declaration)
    target, used = minutes_text(timer.target_seconds), minutes_text(elapsed)
    due_da = local_text(timer.due_at, declaration)
    due_en = timer.due_at.astimezone(declaration.time.zone).isoformat()
    level_da = "funktionel" if rule.kind.value == "functional" else "hierarkisk"
    danish += [
        f"{head_da}: mål {target} ({timer.calendar}), forfalder {due_da}, brugt {used}.",
        f"Eskalation: {rule.name.da} ({level_da}).",
    ]
    english += [
        f"{head_en}: target {target} ({timer.calendar}), due {due_en}, used {used}.",
        f"Escalation: {rule.name.get('en')} ({rule.kind.value}).",
    ]
    return subject, compose(danish, english, incident_url(incident))
