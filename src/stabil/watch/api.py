"""JSON routes of watch: monitors, heartbeats, what other systems report, outages and uptime
(R3); each parses, calls the service, and answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from stabil.accounts.auth import CurrentUser, require_roles
from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL
from stabil.catalog.service import version_asked
from stabil.db.types import now_utc
from stabil.schemas import Instant, Text
from stabil.watch.ingest import Alert, ingest_alerts, record_heartbeat, report_state
from stabil.watch.monitors import (
    NewMonitor,
    add_monitor,
    get_monitor,
    list_monitors,
    remove_monitor,
)
from stabil.watch.outages import LogFilter, NewOutage, enter_outage, list_intervals
from stabil.watch.present import interval_out, monitor_out, uptime_report
from stabil.watch.schemas import (
    AlertmanagerIn,
    AlertmanagerOut,
    ChangeOut,
    EventIn,
    IntervalOut,
    IntervalPage,
    MatchOut,
    MonitorAdded,
    MonitorIn,
    MonitorOut,
    MonitorPage,
    OutageIn,
    ReportedOut,
    UptimeOut,
)
from stabil.watch.states import Source, State
from stabil.web.deps import SessionDep
from stabil.web.openapi import CONFLICT
from stabil.web.params import Limit, Offset
from stabil.windows.present import utc

router = APIRouter(tags=["watch"])
# Monitors and the log are operations data (watch.access); uptime is for everyone signed in.
Watcher = Annotated[User, Depends(require_roles(*sorted(SEE_ALL)))]
MonitorKey = Annotated[str, Path(min_length=1, max_length=64)]
Month = Annotated[
    str | None, Query(pattern=r"^\d{4}-\d{2}$", description="A local calendar month, YYYY-MM.")
]


@router.post("/monitors", status_code=201, summary="Set up a monitor", responses=CONFLICT)
def create_monitor(body: MonitorIn, user: CurrentUser, session: SessionDep) -> MonitorAdded:
    """A heartbeat monitor's `token` is in this answer only; Stabil keeps its digest. `409`
    when the key is in use."""
    added = add_monitor(session, user, NewMonitor(**body.model_dump()))
    return MonitorAdded(**monitor_out(added.monitor).model_dump(), token=added.token)


@router.get("/monitors", summary="Monitors, in the order of their keys")
def index_monitors(
    user: Watcher,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    removed: Annotated[bool, Query(description="Include the removed ones.")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> MonitorPage:
    items, total = list_monitors(
        session, user, service, removed=removed, limit=limit, offset=offset
    )
    return MonitorPage(
        items=[monitor_out(item) for item in items], total=total, limit=limit, offset=offset
    )


@router.get("/monitors/{key}", summary="One monitor, with its current state")
def show_monitor(key: MonitorKey, user: Watcher, session: SessionDep) -> MonitorOut:
    return monitor_out(get_monitor(session, user, key))


@router.delete("/monitors/{key}", summary="Remove a monitor", responses=CONFLICT)
def delete_monitor(key: MonitorKey, user: CurrentUser, session: SessionDep) -> MonitorOut:
    """Its running interval ends now; what it logged stays in the figures. `409` when it is
    removed already."""
    monitor = get_monitor(session, user, key, for_update=True)
    remove_monitor(session, user, monitor)
    return monitor_out(monitor)


@router.post(
    "/heartbeats/{token}",
    status_code=204,
    summary="A heartbeat monitor's system calls in",
    response_class=Response,
)
def heartbeat(
    token: Annotated[str, Path(min_length=1, max_length=200)], session: SessionDep
) -> Response:
    """No sign-in: the token is the credential. `404` alike for a wrong or removed token."""
    record_heartbeat(session, token, now_utc())
    return Response(status_code=204)


@router.post("/ingest/alertmanager", summary="Alertmanager's webhook")
def alertmanager(body: AlertmanagerIn, user: CurrentUser, session: SessionDep) -> AlertmanagerOut:
    """Each external monitor whose labels an alert carries is down while any such alert fires
    (from its `startsAt`), and up from the `endsAt` of the last one resolved."""
    alerts = [
        Alert(
            fingerprint=item.fingerprint or _fingerprint(item.labels),
            firing=item.status == "firing",
            labels=item.labels,
            starts_at=item.startsAt,
            ends_at=item.endsAt,
            summary=item.annotations.get("summary", ""),
        )
        for item in body.alerts
    ]
    matched = ingest_alerts(session, user, alerts, now_utc())
    return AlertmanagerOut(
        alerts=[
            MatchOut(fingerprint=alert.fingerprint, status=item.status, monitors=keys)
            for (alert, keys), item in zip(matched.alerts, body.alerts, strict=True)
        ],
        changes=[
            ChangeOut(monitor=item.monitor, state=item.state, since=utc(item.since))
            for item in matched.changes
        ],
    )


def _fingerprint(labels: dict[str, str]) -> str:
    # Alertmanager before 0.19 sent none; its labels name an alert as well.
    return ",".join(f"{name}={value}" for name, value in sorted(labels.items()))[:200]


@router.post("/ingest/events", summary="Another monitoring system tells a state")
def events(body: EventIn, user: CurrentUser, session: SessionDep) -> ReportedOut:
    """For external monitors: the state from `at` (default now)."""
    reported = report_state(
        session,
        user,
        body.monitor,
        body.state,
        now_utc(),
        at=body.at,
        evidence=body.evidence,
        message=body.message,
    )
    monitor = reported.monitor
    return ReportedOut(
        monitor=monitor.key,
        state=State(monitor.state),
        since=utc(monitor.state_since),
        changed=reported.changed,
    )


@router.post("/outages", status_code=201, summary="Enter an outage no monitor saw")
def create_outage(body: OutageIn, user: CurrentUser, session: SessionDep) -> list[IntervalOut]:
    """Answers the rows logged: one per UTC day the outage spans. Who and why are kept."""
    rows = enter_outage(session, user, NewOutage(**body.model_dump()))
    return [interval_out(row) for row in rows]


@router.get("/outages", summary="The log of down and degraded time, newest first")
def index_outages(
    user: Watcher,
    session: SessionDep,
    service: Annotated[Text | None, Query(max_length=64)] = None,
    part: Annotated[Text | None, Query(max_length=64)] = None,
    source: Source | None = None,
    start: Annotated[Instant | None, Query(alias="from", description="Ending after.")] = None,
    end: Annotated[Instant | None, Query(alias="to", description="Starting before.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> IntervalPage:
    filters = LogFilter(service=service, part=part, source=source, start=start, end=end)
    items, total = list_intervals(session, user, filters, limit=limit, offset=offset)
    return IntervalPage(
        items=[interval_out(item) for item in items], total=total, limit=limit, offset=offset
    )


@router.get("/services/{key}/uptime", summary="Uptime per service period, with its outages")
def service_uptime(
    key: Annotated[str, Path(max_length=64)],
    user: CurrentUser,
    session: SessionDep,
    month: Month = None,
    start: Annotated[Instant | None, Query(alias="from")] = None,
    end: Annotated[Instant | None, Query(alias="to")] = None,
) -> UptimeOut:
    """A local calendar month (default: this one), or `from` and `to`; as known now."""
    now = now_utc()
    version_asked(session, key, None, now.date())  # 404 for a service that is not there
    return uptime_report(session, key, now, month=month, start=start, end=end, reader=user)
