"""The meetings a period was due (R17.1: the operations meeting, once a quarter; R9.8: the
post-major-incident review, every second month): each forum's periods that overlap the
report's, held, planned, due or missing, with the meetings that stand for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.declaration import Declaration
from stabil.meetings.forums import forums_of
from stabil.meetings.models import Meeting
from stabil.meetings.schedule import schedule_of


def meetings_due(
    session: Session,
    declaration: Declaration,
    service_id: int,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """One row per forum period overlapping `[start, end)`, review meetings (R9.8) first."""
    zone = declaration.time.zone
    years = range(
        start.astimezone(zone).year, (end - dt.timedelta(microseconds=1)).astimezone(zone).year + 1
    )
    year_start = dt.datetime(years[0], 1, 1, tzinfo=zone)
    year_end = dt.datetime(years[-1] + 1, 1, 1, tzinfo=zone)
    meetings = list(
        session.scalars(
            select(Meeting).where(
                Meeting.service_id == service_id,
                Meeting.starts_at >= year_start,
                Meeting.starts_at < year_end,
            )
        )
    )
    rows = []
    forums = sorted(forums_of(declaration), key=lambda forum: not forum.is_review)
    for forum in forums:
        for year in years:
            for slot in schedule_of(forum, meetings, year, zone, now):
                if slot.period.start < end and start < slot.period.end:
                    rows.append(
                        {
                            "forum": forum.key,
                            "name": forum.name_in("da"),
                            "rule": forum.rule,
                            "from": slot.period.start,
                            "to": slot.period.end,
                            "standing": slot.standing.value,
                            "meetings": list(slot.meetings),
                        }
                    )
    return rows
