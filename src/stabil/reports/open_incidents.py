"""The incidents that may have been open in a range: the candidates of the backlog and of
the orientation duty, found by two index ranges instead of a walk through the history.

An incident detected before the range's end was open at some moment from `since` on only if
it is open now, or if its state changed at or after `since` (`state_since`): a closed
incident whose last change came earlier was closed all along. The open ones are few, and
the changed ones lie after `since`; the years before it are never read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from stabil.desk.majors import OPEN
from stabil.desk.models import Incident


def open_since(
    session: Session,
    service_id: int,
    since: dt.datetime,
    end: dt.datetime,
    *conditions: ColumnElement[Any],
) -> list[Incident]:
    """The service's incidents detected before `end` that may have been open at `since` or
    later (see the module), meeting `conditions` too; in the order they were detected."""
    base = select(Incident).where(
        Incident.service_id == service_id, Incident.detected_at < end, *conditions
    )
    open_now = session.scalars(base.where(Incident.state.in_(sorted(OPEN))))
    changed = session.scalars(base.where(Incident.state_since >= since))
    found = {incident.id: incident for incident in (*open_now, *changed)}
    return sorted(found.values(), key=lambda incident: (incident.detected_at, incident.id))
