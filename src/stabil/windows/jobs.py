"""The worker's part in a window's life: its reminder, and its start and end on time.

An announced window starts at its planned start and ends at its planned end unless the desk
moved it on first, as its stakeholders were told; downtime after the planned end is not the
window's, whatever the work still does (R3.3). Each job does nothing when the window has moved
on or been cancelled, so a job run late or twice changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of
from stabil.errors import NotFound
from stabil.windows import announcements
from stabil.windows.models import ServiceWindow
from stabil.windows.service import complete_window, get_window, start_window
from stabil.windows.states import WindowState
from stabil.worker.jobs import handles
from stabil.worker.models import Job


@handles(announcements.REMINDER)
def remind(session: Session, job: Job, now: dt.datetime) -> None:
    window = _window(session, job)
    if window is not None and window.state == WindowState.announced.value:
        declaration = declaration_of(window.declaration_version)
        announcements.reminded(session, window, declaration, now)


@handles(announcements.START)
def start_on_time(session: Session, job: Job, now: dt.datetime) -> None:
    window = _window(session, job)
    if window is not None and window.state == WindowState.announced.value:
        start_window(session, None, window, at=min(window.planned_start, now), now=now)


@handles(announcements.END)
def end_on_time(session: Session, job: Job, now: dt.datetime) -> None:
    window = _window(session, job)
    if window is None or window.state != WindowState.in_progress.value:
        return
    assert window.actual_start is not None
    # A window started after its planned end (by hand, late) ends when the worker finds it.
    at = window.planned_end if window.planned_end > window.actual_start else now
    complete_window(session, None, window, at=min(at, now), now=now)


def _window(session: Session, job: Job) -> ServiceWindow | None:
    try:
        return get_window(session, int(job.payload["window"]), for_update=True)
    except NotFound:
        return None
