"""Asking for a service's public site to be published again, after something it shows changed.

The domains that change what the status page shows (messages, windows, watch) call
`request_publish` in the transaction of the change. It only schedules a worker job, by its
kind's name: the public site's renderer (stabil.public) reads those domains, so they cannot
import it. The job runs once the change is committed; the worker renders every service asked
for in a batch once (stabil.public.publish).
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.models import Service
from stabil.worker.jobs import schedule

PUBLISH = "status.publish"


def request_publish(session: Session, service: int | str | Service, now: dt.datetime) -> None:
    """Publish the service's pages, feeds and JSON again, as soon as the worker can."""
    found = _service(session, service)
    if found is None:
        return
    # A done job's key is never run again: each request needs a key of its own.
    schedule(
        session,
        kind=PUBLISH,
        subject_key=subject_of(found),
        dedupe_key=f"{PUBLISH}:{found.key}:{secrets.token_hex(8)}",
        run_at=now,
        payload={"service": found.key},
    )


def subject_of(service: Service) -> str:
    return f"service:{service.id}"


def _service(session: Session, service: int | str | Service) -> Service | None:
    if isinstance(service, Service):
        return service
    if isinstance(service, int):
        return session.get(Service, service)
    return session.scalar(select(Service).where(Service.key == service))
