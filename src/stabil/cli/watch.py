"""`stabil monitor`, `stabil outage` and `stabil uptime`: what is watched, outages of the
past, and the figures of a month (R3).

Changes are recorded as a user (`--as`, default the first admin), as in the API. A refusal is
one line on standard error, exit status 2, and nothing is saved. Times are shown in the local
time of the service's declaration zone.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.service import find_user, first_admin
from stabil.catalog.service import declaration_of, version_named
from stabil.cli.common import fail, identifier, out
from stabil.cli.status import ServiceFilter, ServiceOption, status_unit
from stabil.db.types import now_utc
from stabil.watch.imports import import_outages, read_rows
from stabil.watch.models import Monitor
from stabil.watch.monitors import (
    NewMonitor,
    add_monitor,
    get_monitor,
    list_monitors,
    remove_monitor,
)
from stabil.watch.present import uptime_report
from stabil.watch.schemas import PeriodOut, UptimeOut
from stabil.watch.states import MonitorKind

monitor_app = typer.Typer(
    help="Monitors: what Stabil watches of each service and its parts, and how.",
    no_args_is_help=True,
)
outage_app = typer.Typer(help="Outages of the past, entered in bulk.", no_args_is_help=True)

AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="The e-mail of the admin or operator the change is recorded as; "
        "default: the first admin.",
    ),
]
# Rows of a file worth a progress bar: smaller files are done before it would show.
PROGRESS_FROM_ROWS = 500


def acting_user(session: Session, email: str | None) -> User:
    """The user a command acts as: the one named, else the first admin."""
    user = find_user(session, email) if email is not None else first_admin(session)
    if user is None:
        fail(
            f"no user has e-mail {email!r}"
            if email is not None
            else "there is no admin to act as (create one: stabil user add, or give --as)"
        )
    if not user.active:
        fail(f"{user.email} is inactive; give an active user with --as")
    return user


@monitor_app.command("add")
def monitor_add(
    service: ServiceOption,
    key: Annotated[str, typer.Option("--key", help="A key, e.g. borger-dk-login.")],
    kind: Annotated[
        MonitorKind,
        typer.Option(
            "--kind",
            help="http and tcp are probed; heartbeat: the system calls in; "
            "external: Alertmanager or events tell its state.",
        ),
    ],
    target: Annotated[
        str | None,
        typer.Option("--target", help="http: an http(s) URL; tcp: host:port."),
    ] = None,
    part: Annotated[
        str | None, typer.Option("--part", help="A part of the service the declaration names.")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="A name; default: the key.")] = "",
    interval: Annotated[
        int, typer.Option("--interval", help="Seconds between probes (10 to 86400).")
    ] = 60,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds a probe may take; below the interval.")
    ] = 10.0,
    fail_after: Annotated[
        int, typer.Option("--fail-after", help="Failed probes in a row before it is down.")
    ] = 3,
    recover_after: Annotated[
        int, typer.Option("--recover-after", help="Good probes in a row before it is up again.")
    ] = 2,
    expected_status: Annotated[
        list[int] | None,
        typer.Option(
            "--expected-status", help="An HTTP status that is up; repeat. Default: any below 400."
        ),
    ] = None,
    body_text: Annotated[
        str | None, typer.Option("--body-text", help="http: text the answer must hold.")
    ] = None,
    body_regex: Annotated[
        str | None, typer.Option("--body-regex", help="http: a regular expression it must match.")
    ] = None,
    degraded_ms: Annotated[
        int | None,
        typer.Option("--degraded-ms", help="Answers slower than this many ms are degraded."),
    ] = None,
    tls_warn_days: Annotated[
        int, typer.Option("--tls-warn-days", help="https: warn when the certificate expires.")
    ] = 14,
    grace: Annotated[
        int, typer.Option("--grace", help="heartbeat: seconds a call may be late.")
    ] = 60,
    label: Annotated[
        list[str] | None,
        typer.Option(
            "--label",
            help="external: NAME=VALUE of the alerts that name it; repeat, all must match.",
        ),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Set up a monitor; a heartbeat's token is printed once, here only."""
    new = NewMonitor(
        key=key,
        service=service,
        kind=kind,
        name=name,
        part=part,
        target=target,
        expected_status=list(expected_status or []),
        body_text=body_text,
        body_regex=body_regex,
        degraded_ms=degraded_ms,
        tls_warn_days=tls_warn_days,
        interval_seconds=interval,
        timeout_seconds=timeout,
        fail_after=fail_after,
        recover_after=recover_after,
        grace_seconds=grace,
        labels=_labels(label or []),
    )
    with status_unit() as session:
        added = add_monitor(session, acting_user(session, as_user), new)
        what = f"{service}/{part}" if part else service
        label_text = f"added monitor {key} ({kind.value}) of {what}"
    out.print(label_text, markup=False)
    if added.token is not None:
        out.print(f"token (shown only now): {added.token}", markup=False)
        out.print(f"the system calls: POST /api/v1/heartbeats/{added.token}", markup=False)


def _labels(pairs: list[str]) -> dict[str, str]:
    labels = {}
    for pair in pairs:
        name, sign, value = pair.partition("=")
        if not sign or not name.strip():
            fail(f"--label {pair!r} is not NAME=VALUE (e.g. --label service=borger-dk)")
        labels[name.strip()] = value.strip()
    return labels


@monitor_app.command("list")
def monitor_list(
    service: ServiceFilter = None,
    removed: Annotated[bool, typer.Option("--removed", help="Include removed monitors.")] = False,
) -> None:
    """The monitors in the order of their keys, with their state since when (local time)."""
    table = Table(
        identifier("key"), "service", "part", "kind", "watches", "every", "state", "since"
    )
    with status_unit() as session:
        actor = acting_user(session, None)
        rows, _ = list_monitors(session, actor, service, removed=removed, limit=10_000)
        zones: dict[str, zoneinfo.ZoneInfo] = {}
        for row in rows:
            zone = _zone(session, row.service.key, zones)
            state = row.state if row.removed_at is None else "removed"
            table.add_row(
                row.key,
                row.service.key,
                row.part or "-",
                row.kind,
                _watches(row),
                f"{row.interval_seconds} s" if row.kind != MonitorKind.external else "-",
                state,
                _local(row.state_since, zone),
            )
    out.print(table)


def _watches(monitor: Monitor) -> str:
    if monitor.target:
        return monitor.target
    if monitor.labels:
        return ", ".join(f"{name}={value}" for name, value in sorted(monitor.labels.items()))
    if monitor.kind == MonitorKind.heartbeat:
        return f"a call each {monitor.interval_seconds} s (+{monitor.grace_seconds} s)"
    return "-"


@monitor_app.command("remove")
def monitor_remove(
    key: Annotated[str, typer.Argument(help="The monitor's key (see `stabil monitor list`).")],
    as_user: AsOption = None,
) -> None:
    """Stop watching; what the monitor logged stays in the figures."""
    with status_unit() as session:
        actor = acting_user(session, as_user)
        remove_monitor(session, actor, get_monitor(session, actor, key, for_update=True))
    out.print(f"removed monitor {key}", markup=False)


@outage_app.command("import")
def outage_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="A CSV file (UTF-8) with a header row and the columns service, part, start, "
            "end, state, reason. Times in ISO 8601; without an offset, local time of the "
            "service's declaration zone. state: down, degraded or up.",
        ),
    ],
    as_user: AsOption = None,
) -> None:
    """Import outages of the past, all or nothing: a bad row names its line and field, and
    nothing is imported."""
    with status_unit() as session:
        actor = acting_user(session, as_user)
        rows = read_rows(file.read_bytes())
        now = now_utc()
        if len(rows) < PROGRESS_FROM_ROWS:
            imported = import_outages(session, actor, rows, now)
        else:
            with Progress(
                TextColumn("checking"), BarColumn(), MofNCompleteColumn(), transient=True
            ) as bar:
                task = bar.add_task("rows", total=len(rows))
                imported = import_outages(
                    session, actor, rows, now, lambda done: bar.advance(task, done)
                )
        said = (
            f"imported {imported.rows} outages from {file.name} as {actor.email} "
            f"({imported.logged} rows of the log)"
        )
    out.print(said, markup=False)


def uptime(
    service: ServiceOption,
    month: Annotated[
        str | None,
        typer.Option("--month", help="A local calendar month, YYYY-MM; default: this one."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON the API answers instead.")
    ] = False,
) -> None:
    """Uptime per service period of a month, with the outages behind it (R3)."""
    with status_unit() as session:
        now = now_utc()
        report = uptime_report(session, service, now, month=month)
        zone = _zone(session, service, {})
    if as_json:
        text = json.dumps(report.model_dump(mode="json", by_alias=True), ensure_ascii=False)
        typer.echo(text)
        return
    _print_uptime(report, zone)


def _print_uptime(report: UptimeOut, zone: zoneinfo.ZoneInfo) -> None:
    out.print(
        f"{report.service} from {_local(report.from_, zone)} to {_local(report.to, zone)} "
        f"(declaration {report.declaration_version})",
        markup=False,
    )
    periods = Table(
        identifier("period"), "time", "excluded", "unknown", "downtime", "degraded",
        "uptime", "target", "met", "budget left",
    )  # fmt: skip
    for name, figures in report.periods.items():
        periods.add_row(name, *_figures(figures))
    out.print(periods)
    if not report.outages:
        out.print("no outages", markup=False)
        return
    outages = Table("start", "end", "state", "part", "source", "monitor", "counts", "excused")
    for item in report.outages:
        outages.add_row(
            _local(item.start, zone),
            _local(item.end, zone) if item.end else "going on",
            item.state,
            item.part or "-",
            item.source,
            item.monitor or "-",
            "yes" if item.counts else "no",
            "yes" if item.excused else "no",
        )
    out.print(outages)


def _figures(figures: PeriodOut) -> list[str]:
    def met(value: bool | None) -> str:
        return "-" if value is None else "yes" if value else "no"

    uptime_text = "-" if figures.uptime_percent is None else f"{figures.uptime_percent:.3f} %"
    target = "-" if figures.target_percent is None else f"{figures.target_percent} %"
    return [
        _duration(figures.period_seconds),
        _duration(figures.excluded_seconds),
        _duration(figures.unknown_seconds),
        _duration(figures.downtime_seconds),
        _duration(figures.degraded_seconds),
        uptime_text,
        target,
        met(figures.met),
        _duration(figures.budget_left_seconds),
    ]


def _duration(value: int | None) -> str:
    """Hours, minutes and seconds: 12:04:05; a budget overspent is negative."""
    if value is None:
        return "-"
    sign, value = ("-" if value < 0 else ""), abs(value)
    return f"{sign}{value // 3600}:{value // 60 % 60:02d}:{value % 60:02d}"


def _zone(session: Session, service: str, zones: dict[str, zoneinfo.ZoneInfo]) -> zoneinfo.ZoneInfo:
    if service not in zones:
        zones[service] = declaration_of(version_named(session, service, now_utc().date())).time.zone
    return zones[service]


def _local(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M:%S}"
