"""Watch's records as the API shows them, and the one uptime answer the API and CLI share."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.service import declaration_of, version_named
from stabil.clock import LAST_YEAR
from stabil.errors import Invalid
from stabil.watch.access import can_see_monitors
from stabil.watch.availability import Uptime, month_range, uptime
from stabil.watch.models import Monitor, StateInterval
from stabil.watch.schemas import (
    ExcusedOut,
    IntervalOut,
    MonitorOut,
    PeriodOut,
    UptimeOut,
    UptimeOutageOut,
)
from stabil.watch.states import MonitorKind, Source, State
from stabil.watch.uptime import PeriodFigures, whole_seconds
from stabil.windows.present import utc

# Figures over a longer range would take long to compute and mean little (R3.3 measures months).
MAX_RANGE = dt.timedelta(days=366)


def monitor_out(monitor: Monitor) -> MonitorOut:
    return MonitorOut(
        key=monitor.key,
        name=monitor.name,
        service=monitor.service.key,
        part=monitor.part,
        kind=MonitorKind(monitor.kind),
        target=monitor.target,
        expected_status=list(monitor.expected_status),
        body_text=monitor.body_text,
        body_regex=monitor.body_regex,
        degraded_ms=monitor.degraded_ms,
        tls_warn_days=monitor.tls_warn_days,
        interval_seconds=monitor.interval_seconds,
        timeout_seconds=monitor.timeout_seconds,
        fail_after=monitor.fail_after,
        recover_after=monitor.recover_after,
        grace_seconds=monitor.grace_seconds,
        labels=dict(monitor.labels),
        state=State(monitor.state),
        state_since=utc(monitor.state_since),
        state_source=Source(monitor.state_source),
        state_evidence=dict(monitor.state_evidence),
        last_heartbeat_at=utc(monitor.last_heartbeat_at),
        incident=monitor.incident.key if monitor.incident is not None else None,
        created_at=utc(monitor.created_at),
        removed_at=utc(monitor.removed_at),
        revision=monitor.revision,
    )


def interval_out(row: StateInterval) -> IntervalOut:
    return IntervalOut(
        id=row.id,
        service=row.service.key,
        part=row.part,
        monitor=row.monitor.key if row.monitor is not None else None,
        start=utc(row.start),
        end=utc(row.end),
        state=State(row.state),
        source=Source(row.source),
        evidence=dict(row.evidence),
        reason=row.reason,
        recorded_at=utc(row.recorded_at),
        recorded_by=row.recorded_by.email if row.recorded_by is not None else None,
    )


def uptime_report(
    session: Session,
    service: str,
    now: dt.datetime,
    *,
    month: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    reader: User | None = None,
) -> UptimeOut:
    """The figures of a local calendar month (`YYYY-MM`, default this one) or of `[start,
    end)`, in the declaration's zone."""
    zone = declaration_of(version_named(session, service, now.date())).time.zone
    start, end = _asked_range(session, service, now, zone, month, start, end)
    return uptime_out(uptime(session, service, start, end, now), zone, reader)


def _asked_range(
    session: Session,
    service: str,
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    month: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> tuple[dt.datetime, dt.datetime]:
    if month is not None and (start is not None or end is not None):
        raise Invalid("month", "give a month, or from and to, not both")
    if start is None and end is None:
        month = month or f"{now.astimezone(zone):%Y-%m}"
        if not 1970 <= (int(month[:4]) if month[:4].isdigit() else 0) <= LAST_YEAR:
            raise Invalid("month", "lies outside the years 1970 to {last}", last=LAST_YEAR)
        return month_range(declaration_of(version_named(session, service, now.date())), month)
    if start is None or end is None:
        raise Invalid("from" if start is None else "to", "is missing (give both from and to)")
    if end <= start:
        raise Invalid("to", "is not after from (give a range that ends after it starts)")
    if end - start > MAX_RANGE:
        raise Invalid("to", "lies more than 366 days after from (ask for a year at most)")
    if end.astimezone(zone).year > LAST_YEAR:
        raise Invalid("to", "lies after {last}, beyond the years the clock covers", last=LAST_YEAR)
    return start, end


def uptime_out(result: Uptime, zone: zoneinfo.ZoneInfo, reader: User | None = None) -> UptimeOut:
    """The uptime answer, times in the declaration's zone with their offset. Evidence can name
    a monitor's target, so only those who may see monitors get it (`reader` None: all)."""
    evidence = reader is None or can_see_monitors(reader)
    return UptimeOut(
        service=result.service,
        from_=result.start.astimezone(zone),
        to=result.end.astimezone(zone),
        declaration_version=result.declaration_version,
        periods={name: _period(figures) for name, figures in result.periods.items()},
        outages=[
            UptimeOutageOut(
                start=item.start.astimezone(zone),
                end=item.end.astimezone(zone) if item.end is not None else None,
                state=item.state,
                part=item.part,
                source=item.source,
                excused=item.excused,
                monitor=item.monitor,
                counts=item.counts,
                evidence=dict(item.evidence) if evidence else None,
                reason=item.reason,
            )
            for item in result.outages
        ],
        excused=[
            ExcusedOut(
                id=item.window_id,
                title=item.title,
                start=item.start.astimezone(zone),
                end=item.end.astimezone(zone),
            )
            for item in result.excused
        ],
    )


def _period(figures: PeriodFigures) -> PeriodOut:
    return PeriodOut(
        period_seconds=whole_seconds(figures.period_micros),
        excluded_seconds=whole_seconds(figures.excluded_micros),
        unknown_seconds=whole_seconds(figures.unknown_micros),
        downtime_seconds=whole_seconds(figures.downtime_micros),
        degraded_seconds=whole_seconds(figures.degraded_micros),
        uptime_percent=figures.uptime_percent,
        target_percent=figures.target_percent,
        met=figures.met,
        budget_seconds=figures.budget_seconds,
        budget_left_seconds=figures.budget_left_seconds,
    )
