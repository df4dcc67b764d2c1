"""Setting monitors up, and taking them away (R3).

Functions take a session and never commit. A monitor's set-up is checked here, so the API,
the CLI and the pages refuse the same things in the same words; every change is an event.
A removed monitor is kept: its intervals stay in the figures of the months it watched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from stabil.accounts.models import User
from stabil.catalog.service import declaration_of, version_named
from stabil.db.queries import count_and_page
from stabil.db.types import now_utc
from stabil.errors import Conflict, Invalid, Names, NotFound
from stabil.records.history import append_event
from stabil.watch.access import check_can_see_monitors, check_can_work
from stabil.watch.models import Monitor
from stabil.watch.recording import end_watch
from stabil.watch.states import MonitorKind, Source, State

KEY = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
MIN_INTERVAL_SECONDS = 10
MAX_INTERVAL_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class NewMonitor:
    """A monitor as asked for; `add_monitor` checks every field."""

    key: str
    service: str
    kind: MonitorKind
    name: str = ""
    part: str | None = None
    target: str | None = None
    expected_status: list[int] = field(default_factory=list)
    body_text: str | None = None
    body_regex: str | None = None
    degraded_ms: int | None = None
    tls_warn_days: int | None = 14
    interval_seconds: int = 60
    timeout_seconds: float = 10.0
    fail_after: int = 3
    recover_after: int = 2
    grace_seconds: int = 60
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Added:
    monitor: Monitor
    token: str | None  # a heartbeat's token, shown once: only its digest is kept


def add_monitor(
    session: Session, actor: User, new: NewMonitor, now: dt.datetime | None = None
) -> Added:
    """Set up a monitor of a service (or of one of its parts); it starts in `unknown`."""
    check_can_work(actor)
    now = now or now_utc()
    _check(session, new, now)
    token = secrets.token_urlsafe(24) if new.kind is MonitorKind.heartbeat else None
    values = asdict(new)
    values.pop("service")
    values["kind"] = new.kind.value
    values["name"] = new.name.strip() or new.key
    stored = version_named(session, new.service, now.date())
    monitor = Monitor(
        **values,
        service_id=stored.service_id,
        token_digest=digest(token) if token else None,
        state=State.unknown.value,
        state_since=now,
        state_source=Source.probe.value,
        state_evidence={},
        created_at=now,
        created_by_id=actor.id,
        revision=0,
        updated_at=now,
    )
    monitor.service = stored.service
    session.add(monitor)
    session.flush()
    append_event(
        session, monitor, kind="added", actor=actor, recorded_at=now, after=snapshot(monitor)
    )
    return Added(monitor, token)


def remove_monitor(
    session: Session, actor: User, monitor: Monitor, now: dt.datetime | None = None
) -> None:
    """Stop watching: the running interval ends now; what was logged stays."""
    check_can_work(actor)
    if monitor.removed_at is not None:
        raise Conflict("monitor {key} is removed already", key=monitor.key)
    now = now or now_utc()
    before = snapshot(monitor)
    end_watch(session, monitor, now)
    monitor.removed_at = now
    monitor.token_digest = None
    append_event(
        session,
        monitor,
        kind="removed",
        actor=actor,
        recorded_at=now,
        before=before,
        after=snapshot(monitor),
    )


def get_monitor(session: Session, actor: User, key: str, *, for_update: bool = False) -> Monitor:
    check_can_see_monitors(actor)
    statement = select(Monitor).where(Monitor.key == key[:64])
    if for_update:
        statement = statement.with_for_update()
    monitor = session.scalar(statement)
    if monitor is None:
        raise NotFound("no monitor is named {key!r}", key=key)
    return monitor


def list_monitors(
    session: Session,
    actor: User,
    service: str | None = None,
    *,
    removed: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Monitor], int]:
    """Monitors in the order of their keys; the removed ones only when asked."""
    check_can_see_monitors(actor)
    return count_and_page(session, _listing(service, removed), limit=limit, offset=offset)


def watched(session: Session) -> list[Monitor]:
    """Every monitor the prober probes now."""
    kinds = [kind.value for kind in (MonitorKind.http, MonitorKind.tcp, MonitorKind.heartbeat)]
    return list(
        session.scalars(
            select(Monitor).where(Monitor.removed_at.is_(None), Monitor.kind.in_(kinds))
        )
    )


def by_token(session: Session, token: str, *, for_update: bool = False) -> Monitor:
    """The heartbeat monitor a token belongs to; NotFound alike for a wrong or a removed one."""
    statement = select(Monitor).where(Monitor.token_digest == digest(token[:200]))
    if for_update:
        statement = statement.with_for_update()
    monitor = session.scalar(statement)
    if monitor is None:
        raise NotFound("no heartbeat monitor has this token")
    return monitor


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def snapshot(monitor: Monitor) -> dict[str, Any]:
    return {
        name: getattr(monitor, name)
        for name in (
            "key",
            "name",
            "part",
            "kind",
            "target",
            "expected_status",
            "body_text",
            "body_regex",
            "degraded_ms",
            "tls_warn_days",
            "interval_seconds",
            "timeout_seconds",
            "fail_after",
            "recover_after",
            "grace_seconds",
            "labels",
        )
    } | {"removed_at": monitor.removed_at.isoformat() if monitor.removed_at else None}


def _listing(service: str | None, removed: bool) -> Select[Monitor]:
    statement = select(Monitor).options(selectinload(Monitor.service)).order_by(Monitor.key)
    if service is not None:
        statement = statement.where(Monitor.service.has(key=service))
    if not removed:
        statement = statement.where(Monitor.removed_at.is_(None))
    return statement


def _check(session: Session, new: NewMonitor, now: dt.datetime) -> None:
    if not KEY.match(new.key):
        raise Invalid(
            "key", "is not a key (lower-case letters, digits, - and _, starting with a letter)"
        )
    if session.scalar(select(Monitor.id).where(Monitor.key == new.key)) is not None:
        raise Conflict("a monitor is named {key!r} already (choose another key)", key=new.key)
    declaration = declaration_of(version_named(session, new.service, now.date()))
    if new.part is not None and new.part not in (known := [p.key for p in declaration.parts()]):
        raise Invalid(
            "part",
            "{part!r} is not a part of {service} (known: {known})",
            part=new.part,
            service=new.service,
            known=Names(known),
        )
    _check_target(new)
    _check_timing(new)
    if new.body_regex is not None:
        try:
            re.compile(new.body_regex)
        except re.error as error:
            raise Invalid(
                "body_regex", "is not a regular expression ({error})", error=str(error)
            ) from None
    for code in new.expected_status:
        if not 100 <= code <= 599:
            raise Invalid(
                "expected_status", "{code} is not an HTTP status code (100-599)", code=code
            )


def _check_target(new: NewMonitor) -> None:
    if new.kind is MonitorKind.http:
        parts = urlsplit(new.target or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Invalid("target", "is not an http(s) URL (write e.g. https://www.borger.dk/)")
    elif new.kind is MonitorKind.tcp:
        host, _, port = (new.target or "").rpartition(":")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise Invalid("target", "is not host:port (write e.g. db.example.dk:5432)")
    elif new.target:
        raise Invalid(
            "target",
            "is for http and tcp monitors; a {kind} monitor probes nothing",
            kind=new.kind.value,
        )
    if new.labels and new.kind is not MonitorKind.external:
        raise Invalid(
            "labels",
            "are for external monitors (which alerts name); a {kind} monitor is probed",
            kind=new.kind.value,
        )


def _check_timing(new: NewMonitor) -> None:
    if not MIN_INTERVAL_SECONDS <= new.interval_seconds <= MAX_INTERVAL_SECONDS:
        raise Invalid(
            "interval_seconds",
            "is {value} s; give {low} to {high} seconds",
            value=new.interval_seconds,
            low=MIN_INTERVAL_SECONDS,
            high=MAX_INTERVAL_SECONDS,
        )
    if not 0 < new.timeout_seconds < new.interval_seconds:
        raise Invalid(
            "timeout_seconds",
            "must be above 0 and below the interval ({interval} s)",
            interval=new.interval_seconds,
        )
    for name in ("fail_after", "recover_after"):
        if not 1 <= getattr(new, name) <= 100:
            raise Invalid(name, "is {value}; give 1 to 100 probes", value=getattr(new, name))
    if not 0 <= new.grace_seconds <= MAX_INTERVAL_SECONDS:
        raise Invalid("grace_seconds", "give 0 to {high} seconds", high=MAX_INTERVAL_SECONDS)
