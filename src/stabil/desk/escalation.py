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
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, cast

from sqlalchemy import Table, select
from sqlalchemy import insert as insert_rows
from sqlalchemy.orm import Session, selectinload

from stabil.clock import Clock, clock_for
from stabil.declaration import Declaration
from stabil.declaration.operations import EscalationRule
from stabil.desk.events import declaration_for
from stabil.desk.grace import after_grace
from stabil.desk.models import Escalation, Incident, IncidentTimer
from stabil.desk.notify import (
    TIMER_DA,
    compose,
    incident_lines,
    incident_mails,
    local_text,
    minutes_text,
    recipients,
)
from stabil.desk.timers import TOLERANCE_SECONDS, TimerState
from stabil.outbox.service import Email, enqueue_emails
from stabil.records.history import Change, append_events
from stabil.worker.jobs import Plan, handles, handles_batch
from stabil.worker.models import Job

JOB_KIND = "escalation"


class Stage(StrEnum):
    """How far a timer has come when an escalation is due: part of its target, or all (R8)."""

    warning = "warning"
    breach = "breach"


# The de-duplication keys of an escalation's job and notices, and of the notices withdrawing it.
ESCALATED, WITHDRAWN = "esc", "correction"


def key_prefix(incident_key: str, purpose: str = ESCALATED) -> str:
    """What every key of the incident's escalations for `purpose` starts with."""
    return f"{purpose}:{incident_key}:"


@dataclass(frozen=True, slots=True)
class EscalationId:
    """What an escalation is recorded once for: one stage of one timer under one rule (R8)."""

    incident: str  # the incident's key
    timer: str
    rule: str
    stage: Stage

    def key(self, purpose: str = ESCALATED) -> str:
        """The key its job and notices are de-duplicated by (WITHDRAWN: its correction's)."""
        return f"{key_prefix(self.incident, purpose)}{self.timer}:{self.rule}:{self.stage}"

    def payload(self) -> dict[str, str]:
        """The escalation a job stands for, as the job carries it."""
        return {
            "incident": self.incident,
            "timer": self.timer,
            "rule": self.rule,
            "stage": self.stage.value,
        }


def plan_escalations(
    plan: Plan,
    incident: Incident,
    declaration: Declaration,
    clock: Clock,
    timers: Sequence[TimerState],
    now: dt.datetime,
) -> None:
    """Replace the incident's pending escalation jobs with those its timers call for now."""
    plan.cancel(incident.key, key_prefix(incident.key))
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
                _plan(
                    plan, incident, state, rule, Stage.warning, _reaching(clock, state, share, now)
                )
            if rule.on_breach:
                _plan(plan, incident, state, rule, Stage.breach, state.due_at)


def _reaching(clock: Clock, state: TimerState, seconds: float, now: dt.datetime) -> dt.datetime:
    """When the timer's elapsed time reaches `seconds` (now, if an earlier run passed it)."""
    if state.run_started_at is None or seconds <= state.completed_seconds:
        return now
    return clock.deadline(state.calendar, state.run_started_at, seconds - state.completed_seconds)


def _plan(
    plan: Plan,
    incident: Incident,
    state: TimerState,
    rule: EscalationRule,
    stage: Stage,
    reached_at: dt.datetime,
) -> None:
    identity = EscalationId(incident.key, state.kind, rule.key, stage)
    plan.schedule(
        kind=JOB_KIND,
        subject_key=incident.key,
        dedupe_key=identity.key(),
        run_at=after_grace(incident, reached_at),
        payload={**identity.payload(), "reached_at": reached_at.isoformat()},
    )


@handles(JOB_KIND)
def escalate_one(session: Session, job: Job, now: dt.datetime) -> None:
    escalate(session, [job], now)


class _Timer(NamedTuple):
    """The columns of a stored timer that escalation reads (plain rows load fastest)."""

    incident_id: int
    kind: str
    calendar: str
    target_seconds: float
    running: bool
    run_started_at: dt.datetime | None
    completed_seconds: float
    due_at: dt.datetime


_TIMER_COLUMNS = [getattr(IncidentTimer, name) for name in _Timer._fields]


@dataclass(frozen=True, slots=True)
class _Due:
    """An escalation whose threshold the timer has reached, about to be recorded."""

    incident: Incident
    declaration: Declaration
    timer: _Timer
    rule: EscalationRule
    stage: Stage
    reached_at: dt.datetime
    elapsed: float
    deliver_after: dt.datetime
    addresses: list[str]

    @property
    def identity(self) -> EscalationId:
        return EscalationId(self.incident.key, self.timer.kind, self.rule.key, self.stage)


@handles_batch(JOB_KIND)
def escalate(session: Session, jobs: list[Job], now: dt.datetime) -> None:
    """Record and notify every due escalation whose timer still calls for it.

    Written for throughput: a batch is a few statements whatever its size, so a worker keeps
    up with thousands of due timers a second.
    """
    keys = sorted({str(job.payload["incident"]) for job in jobs})
    incidents = {
        incident.key: incident
        for incident in session.scalars(
            select(Incident)
            .where(Incident.key.in_(keys))
            .options(selectinload(Incident.party))
            .order_by(Incident.id)
            .with_for_update(of=Incident)
        )
    }
    ids = [incident.id for incident in incidents.values()]
    timers = {
        (row.incident_id, row.kind): row
        for row in map(
            _Timer._make,
            session.execute(select(*_TIMER_COLUMNS).where(IncidentTimer.incident_id.in_(ids))),
        )
    }
    due = [
        found
        for job in jobs
        if (incident := incidents.get(str(job.payload["incident"]))) is not None
        and (found := _check(session, incident, timers, job, now)) is not None
    ]
    recorded = _insert_once(session, due, now)
    fresh = [item for item in due if item.identity in recorded]
    _record_events(session, fresh, now)
    enqueue_emails(session, [mail for item in fresh for mail in _mails(item)])


def _check(
    session: Session,
    incident: Incident,
    timers: dict[tuple[int, str], _Timer],
    job: Job,
    now: dt.datetime,
) -> _Due | None:
    """The escalation the job stands for, if its timer still runs and has reached it."""
    declaration = declaration_for(incident)
    clock = clock_for(declaration)
    timer = timers.get((incident.id, str(job.payload["timer"])))
    rule = rule_named(declaration, str(job.payload["rule"]))
    if timer is None or rule is None or not timer.running:
        return None
    stage = Stage(job.payload["stage"])
    elapsed = _elapsed(timer, clock, now)
    share = 100.0 if stage is Stage.breach else (rule.warn_at_percent or 100.0)
    if elapsed + TOLERANCE_SECONDS < timer.target_seconds * share / 100:
        return None  # planned for a history that has since changed
    return _Due(
        incident=incident,
        declaration=declaration,
        timer=timer,
        rule=rule,
        stage=stage,
        reached_at=_reached_at(job),
        elapsed=elapsed,
        deliver_after=clock.next_open(rule.hours, now),
        addresses=recipients(session, declaration, rule.notify, incident),
    )


def _insert_once(session: Session, due: list[_Due], now: dt.datetime) -> set[EscalationId]:
    """Insert the escalations not recorded before; the identities of those inserted.

    A due job is claimed by one worker only and each escalation has one job, so reading what
    exists first is enough; the unique constraint stays as the last line of defence.
    """
    if not due:
        return set()
    incident_keys = {item.incident.id: item.incident.key for item in due}
    existing = {
        EscalationId(incident_keys[incident_id], timer, rule, Stage(stage))
        for incident_id, timer, rule, stage in session.execute(
            select(
                Escalation.incident_id, Escalation.timer, Escalation.rule, Escalation.stage
            ).where(Escalation.incident_id.in_(list(incident_keys)))
        )
    }
    fresh = [item for item in due if item.identity not in existing]
    rows = [
        {
            "incident_id": item.incident.id,
            "timer": item.timer.kind,
            "rule": item.rule.key,
            "stage": item.stage,
            "kind": item.rule.kind.value,
            "reached_at": item.reached_at,
            "recorded_at": now,
            "deliver_after": item.deliver_after,
            "recipients": item.addresses,
        }
        for item in fresh
    ]
    if rows:
        session.execute(insert_rows(cast(Table, Escalation.__table__)), rows)
    return {item.identity for item in fresh}


def _record_events(session: Session, fresh: list[_Due], now: dt.datetime) -> None:
    """Append an `escalated` event per escalation, with one statement for the whole batch."""
    escalated = [
        (
            item.incident,
            Change(
                "escalated",
                effective_at=item.reached_at,
                after={
                    "timer": item.timer.kind,
                    "rule": item.rule.key,
                    "stage": item.stage,
                    "level": item.rule.kind.value,
                    "notified": item.addresses,
                    "deliver_after": item.deliver_after.isoformat(),
                },
            ),
        )
        for item in fresh
    ]
    append_events(session, escalated, now)


def _mails(item: _Due) -> list[Email]:
    subject, body = _notice(
        item.incident, item.declaration, item.timer, item.rule, item.stage, item.elapsed
    )
    return incident_mails(
        item.incident,
        item.addresses,
        subject,
        body,
        dedupe=item.identity.key(),
        deliver_after=item.deliver_after,
    )


def _reached_at(job: Job) -> dt.datetime:
    """When the threshold was reached; a job waiting out the grace runs later than that."""
    reached = job.payload.get("reached_at")
    return dt.datetime.fromisoformat(reached) if reached else job.run_at


def rule_named(declaration: Declaration, key: str) -> EscalationRule | None:
    rules = declaration.escalation.rules if declaration.escalation else []
    return next((rule for rule in rules if rule.key == key), None)


def _elapsed(timer: _Timer, clock: Clock, now: dt.datetime) -> float:
    if timer.run_started_at is None or now <= timer.run_started_at:
        return timer.completed_seconds
    return timer.completed_seconds + clock.elapsed(timer.calendar, timer.run_started_at, now)


def _notice(
    incident: Incident,
    declaration: Declaration,
    timer: _Timer,
    rule: EscalationRule,
    stage: Stage,
    elapsed: float,
) -> tuple[str, str]:
    name_da = TIMER_DA.get(timer.kind, timer.kind)
    name_en = declaration.timers[timer.kind].name.get("en").lower()
    if stage is Stage.breach:
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
    return subject, compose(danish, english, incident)
