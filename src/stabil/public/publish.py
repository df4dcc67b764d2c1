"""Publishing: rendering the public site into the store when what it shows changes.

A change (a message, a window, a monitor's state, a new declaration) asks for its service to
be published with `request_publish`, a job of kind `status.publish`. The worker renders each
service asked for in a batch of due jobs once, however many changes asked, and the site's
index with it. Two more reasons to publish come from the clock, and each publication plans
them itself: a new local day (the 90 days' bars and the month move on at midnight in the
declaration's zone), and, while any part is not operational, every few minutes (its downtime
grows and the uptime figures with it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import stabil
from stabil.catalog.models import Service
from stabil.catalog.publishing import PUBLISH, request_publish, subject_of
from stabil.catalog.service import list_services
from stabil.public import publication
from stabil.public.publication import Renderer, site_files
from stabil.public.site import PublicFile
from stabil.public.snapshot import SEVERITY, PublicState, ServiceStatus
from stabil.public.store import SITE, Store, Written, default_root
from stabil.settings import get_settings
from stabil.worker.jobs import handles, handles_batch, schedule
from stabil.worker.models import Job

__all__ = ["PUBLISH", "Published", "publish", "publish_if_stale", "request_publish"]

# How often a service that is not operational is published again. Its downtime grows by the
# minute, but a visitor needs the state, which every change publishes at once; the figures
# may lag this much.
REFRESH = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Published:
    statuses: list[ServiceStatus]  # of the services published, in the order asked
    written: Written


@dataclass(frozen=True, slots=True)
class Rendered:
    statuses: list[ServiceStatus]  # of the services rendered, in the order asked
    publications: dict[str, list[PublicFile]]  # by owner: each service's key, and SITE


def render(
    session: Session,
    now: dt.datetime,
    service_keys: Sequence[str] | None = None,
    *,
    renderer: Renderer | None = None,
    base_url: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Rendered:
    """The publications of the services named (default: all) and of the site's index.

    The index shows every service, so each is gathered; only the services named are
    rendered. A key that names no service is passed over: its jobs may outlive it.
    """
    renderer = renderer or publication.site_renderer()
    base_url = base_url or publication.base_url()
    known = [service.key for service in list_services(session)]
    wanted = (
        known if service_keys is None else [k for k in dict.fromkeys(service_keys) if k in known]
    )
    statuses = {key: renderer.gather(session, key, now) for key in known}
    publications: dict[str, list[PublicFile]] = {}
    for key in wanted:
        publications[key] = renderer.service_files(session, statuses[key], base_url)
        if progress is not None:
            progress(key)
    publications[SITE] = site_files(renderer, list(statuses.values()))
    return Rendered([statuses[key] for key in wanted], publications)


def publish(
    session: Session,
    now: dt.datetime,
    service_keys: Sequence[str] | None = None,
    *,
    store: Store | None = None,
    renderer: Renderer | None = None,
    base_url: str | None = None,
) -> Published:
    """Render the services named (default: all) and the site's index into the store."""
    store = store or Store(default_root())
    rendered = render(session, now, service_keys, renderer=renderer, base_url=base_url)
    written = store.write(rendered.publications, at=now, code=site_stamp())
    return Published(rendered.statuses, written)


def plan_next(session: Session, statuses: Sequence[ServiceStatus], now: dt.datetime) -> None:
    """Schedule the publications the clock asks for: at the next local midnight, and soon
    again while a part is not operational."""
    services = {service.key: service for service in list_services(session)}
    for status in statuses:
        service = services.get(status.key)
        if service is None:
            continue
        midnight = next_midnight(now, ZoneInfo(status.zone))
        _schedule(session, service, f"day:{midnight.isoformat()}", midnight)
        if moving(status):
            due = next_refresh(now)
            _schedule(session, service, f"refresh:{due.isoformat()}", due)


def _schedule(session: Session, service: Service, reason: str, run_at: dt.datetime) -> None:
    # Keyed by the instant: every publication before it asks for the same job, and once it
    # has run, the one it made asks for the next.
    schedule(
        session,
        kind=PUBLISH,
        subject_key=subject_of(service),
        dedupe_key=f"{PUBLISH}:{service.key}:{reason}",
        run_at=run_at,
        payload={"service": service.key},
    )


def next_midnight(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first local midnight after `now`, in UTC. Found from the local date, not by adding
    24 hours: the days of the clock changes have 23 and 25 hours."""
    tomorrow = now.astimezone(zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def next_refresh(now: dt.datetime) -> dt.datetime:
    """The next whole multiple of REFRESH after `now`, so that publications close together
    ask for the same one."""
    step = REFRESH.total_seconds()
    slots = math.floor(now.timestamp() / step) + 1
    return dt.datetime.fromtimestamp(slots * step, dt.UTC)


def moving(status: ServiceStatus) -> bool:
    """Whether the figures the page shows change by themselves: something is down, slow or
    in a window. Unknown parts show no figures to change."""
    states = [status.state, *(part.state for part in status.parts)]
    return any(SEVERITY[state] >= SEVERITY[PublicState.degraded] for state in states)


@handles_batch(PUBLISH)
def publish_due(session: Session, jobs: list[Job], now: dt.datetime) -> None:
    """Every service asked for by the due jobs, once each."""
    keys = list(dict.fromkeys(str(job.payload.get("service", "")) for job in jobs))
    done = publish(session, now, keys)
    plan_next(session, done.statuses, now)


@handles(PUBLISH)
def publish_one(session: Session, job: Job, now: dt.datetime) -> None:
    publish_due(session, [job], now)


def publish_if_stale(session: Session, now: dt.datetime, store: Store | None = None) -> bool:
    """Publish everything when the store is empty, or was rendered by other code (a new
    version, a changed template) or from another database (`make demo` beside `make run`);
    whether it did. `stabil serve` calls it as it starts."""
    store = store or Store(default_root())
    manifest = store.manifest()
    if manifest.files and manifest.code == site_stamp():
        return False
    done = publish(session, now, store=store)
    plan_next(session, done.statuses, now)
    return True


def site_stamp() -> str:
    """What the published files depend on besides the facts: the code, and the database."""
    database = get_settings().resolved_database_url().encode()
    return f"{code_stamp()}:{hashlib.sha256(database).hexdigest()[:12]}"


@cache
def code_stamp() -> str:
    """The version and the newest file of the installed package: what renders the pages (its
    templates and translations included) changed when this does."""
    package = Path(stabil.__file__).parent
    return f"{stabil.__version__}:{_newest(package)}"


def _newest(directory: Path) -> int:
    newest = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    newest = max(newest, _newest(Path(entry.path)))
            elif entry.is_file(follow_symlinks=False):
                newest = max(newest, entry.stat().st_mtime_ns)
    return newest
