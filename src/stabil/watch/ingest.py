"""State told by other systems: heartbeats, Alertmanager's alerts and generic events (R3).

Functions take a session and never commit. A heartbeat only notes the call (the prober
decides what silence means); alerts and events confirm an external monitor's state through
`service.confirm`, like the prober does, so the log and the desk hear of it the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import WORK
from stabil.errors import Forbidden, Invalid, Names, NotFound
from stabil.records.history import up_to_now
from stabil.watch.confirm import Confirmed
from stabil.watch.models import Monitor
from stabil.watch.monitors import digest, get_monitor
from stabil.watch.service import confirm
from stabil.watch.states import KNOWN, MonitorKind, Source, State


def record_heartbeat(session: Session, token: str, now: dt.datetime) -> None:
    """Note that the heartbeat monitor holding `token` called in; NotFound alike for a wrong,
    a removed or no token. One UPDATE: a system may call every few seconds."""
    statement = (
        update(Monitor)
        .where(
            Monitor.token_digest == digest(token[:200]),
            Monitor.kind == MonitorKind.heartbeat.value,
            Monitor.removed_at.is_(None),
        )
        .values(last_heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], session.execute(statement))
    if result.rowcount == 0:
        raise NotFound("no heartbeat monitor has this token")


def check_can_report(user: User) -> None:
    if user.role not in WORK:
        raise Forbidden(
            "your role ({role}) may not report the state of monitors (who may: {who})",
            role=user.role.value,
            who=Names(role.value for role in sorted(WORK)),
        )


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert as Alertmanager tells it."""

    fingerprint: str
    firing: bool
    labels: dict[str, str]
    starts_at: dt.datetime
    ends_at: dt.datetime | None  # Alertmanager's zero time (year 1) is no time
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    monitor: str
    state: State
    since: dt.datetime


@dataclass(frozen=True, slots=True)
class Matched:
    """Which monitors each alert matched, and which monitors changed state."""

    alerts: list[tuple[Alert, list[str]]]
    changes: list[Change] = field(default_factory=list)


def ingest_alerts(
    session: Session, actor: User, alerts: Sequence[Alert], now: dt.datetime
) -> Matched:
    """Each external monitor is down while any alert that carries all its labels fires, from
    the first one's start; up again from the end of the last one resolved."""
    check_can_report(actor)
    monitors = _externals(session)
    matches = [(alert, [m for m in monitors if _matches(m, alert)]) for alert in alerts]
    changes = []
    for monitor in monitors:
        mine = [alert for alert, matched in matches if monitor in matched]
        if mine and (change := _follow_alerts(session, monitor, mine, now)) is not None:
            changes.append(change)
    return Matched([(alert, [m.key for m in matched]) for alert, matched in matches], changes)


def _externals(session: Session) -> list[Monitor]:
    # Locked: two notifications at once must not both read the same firing alerts.
    return list(
        session.scalars(
            select(Monitor)
            .where(Monitor.kind == MonitorKind.external.value, Monitor.removed_at.is_(None))
            .order_by(Monitor.key)
            .with_for_update()
        )
    )


def _matches(monitor: Monitor, alert: Alert) -> bool:
    # A monitor without labels is told by events only: it would match every alert.
    labels = monitor.labels
    return bool(labels) and all(alert.labels.get(name) == value for name, value in labels.items())


def _follow_alerts(
    session: Session, monitor: Monitor, alerts: list[Alert], now: dt.datetime
) -> Change | None:
    firing: dict[str, Any] = {}
    if monitor.state == State.down and monitor.state_source == Source.alertmanager:
        firing = dict(monitor.state_evidence.get("firing", {}))
    resolved: list[dt.datetime] = []
    for alert in alerts:
        if alert.firing:
            firing[alert.fingerprint] = _seen(alert)
        else:
            firing.pop(alert.fingerprint, None)
            resolved.append(min(alert.ends_at or now, now))
    if firing:
        evidence = {"firing": firing, "error": _error(firing)}
        if monitor.state == State.down:
            monitor.state_evidence = evidence  # still down: only which alerts say so changed
            return None
        since = min(min(dt.datetime.fromisoformat(item["since"]) for item in firing.values()), now)
        return _confirm(session, monitor, Confirmed(State.down, since, evidence), now)
    if monitor.state == State.up or not resolved:
        return None
    evidence = {"resolved": [alert.fingerprint for alert in alerts if not alert.firing]}
    return _confirm(session, monitor, Confirmed(State.up, max(resolved), evidence), now)


def _seen(alert: Alert) -> dict[str, Any]:
    return {
        "alertname": alert.labels.get("alertname", ""),
        "since": alert.starts_at.astimezone(dt.UTC).isoformat(),
        "summary": alert.summary,
    }


def _error(firing: dict[str, Any]) -> str:
    """What the desk's incident says was seen (see incidents._reason)."""
    first = next(iter(firing.values()))
    name = first["alertname"] or "alert"
    return f"Alertmanager: {name}" + (f": {first['summary']}" if first["summary"] else "")


def _confirm(session: Session, monitor: Monitor, confirmed: Confirmed, now: dt.datetime) -> Change:
    confirm(session, monitor, confirmed, Source.alertmanager, now)
    return Change(monitor.key, State(monitor.state), monitor.state_since)


@dataclass(frozen=True, slots=True)
class Reported:
    monitor: Monitor
    changed: bool


def report_state(
    session: Session,
    actor: User,
    key: str,
    state: State,
    now: dt.datetime,
    *,
    at: dt.datetime | None = None,
    evidence: dict[str, Any] | None = None,
    message: str | None = None,
) -> Reported:
    """An external monitor is in `state` from `at` (default now), as another system says."""
    check_can_report(actor)
    if state not in KNOWN:
        raise Invalid("state", "is {state}; report up, degraded or down", state=state.value)
    since = up_to_now("at", at, now) if at is not None else now
    monitor = _external(session, actor, key)
    if monitor.state == state:
        return Reported(monitor, changed=False)
    told = dict(evidence or {}) | ({"message": message} if message else {})
    confirm(session, monitor, Confirmed(state, since, told), Source.event, now)
    return Reported(monitor, changed=True)


def _external(session: Session, actor: User, key: str) -> Monitor:
    try:
        monitor = get_monitor(session, actor, key, for_update=True)
    except NotFound:
        raise Invalid("monitor", "no monitor is named {key!r}", key=key) from None
    if monitor.kind != MonitorKind.external:
        raise Invalid(
            "monitor",
            "{key} is a {kind} monitor: Stabil probes it itself; events are for external ones",
            key=key,
            kind=monitor.kind,
        )
    if monitor.removed_at is not None:
        raise Invalid("monitor", "{key} is removed; it watches nothing now", key=key)
    return monitor
