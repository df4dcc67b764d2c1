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
import weakref

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.models import Service
from stabil.worker.jobs import schedule

PUBLISH = "status.publish"
ASKED = "stabil.publish_asked"  # in session.info: the transaction, and the keys asked in it


def request_publish(session: Session, service: int | str | Service, now: dt.datetime) -> None:
    """Publish the service's pages, feeds and JSON again, as soon as the worker can."""
    found = _service(session, service)
    if found is None or not _first_in_transaction(session, found.key):
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


def _first_in_transaction(session: Session, key: str) -> bool:
    """Whether the service is asked for the first time in the session's current transaction
    (or savepoint): one job is enough for many changes, like the prober's after a restart,
    when every monitor confirms its state at once. A savepoint rolled back forgets its asks
    with the jobs they wrote."""
    current = session.get_nested_transaction() or session.get_transaction()
    if current is None:
        return True
    remembered = session.info.get(ASKED)
    if remembered is None or remembered[0]() is not current:
        remembered = session.info[ASKED] = (weakref.ref(current), set())
    asked: set[str] = remembered[1]
    if key in asked:
        return False
    asked.add(key)
    return True


def subject_of(service: Service) -> str:
    return f"service:{service.id}"


def _service(session: Session, service: int | str | Service) -> Service | None:
    if isinstance(service, Service):
        return service
    if isinstance(service, int):
        return session.get(Service, service)
    return session.scalar(select(Service).where(Service.key == service))
