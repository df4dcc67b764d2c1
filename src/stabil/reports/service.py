"""Asking for a report: which service and period, by the words people and tools use.

The CLI, the API, the desk's pages and the scheduled delivery all come through here, so a
period is parsed, defaulted and refused the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import SEE_ALL, Role
from stabil.catalog.service import declaration_of, version_named
from stabil.desk.access import visible
from stabil.desk.models import Incident
from stabil.errors import Invalid
from stabil.reports.compute import monthly_figures, report
from stabil.reports.model import Report, TrendPoint
from stabil.reports.period import Kind, Period, month_of, parse_month, parse_week, week_of

# Who reads the reports: the agency's desk and readers, and the suppliers whose work they
# measure (they check every number). Authorities get them by mail (docs/reports.md).
READERS = frozenset(SEE_ALL | {Role.supplier})


def period_asked(
    session: Session, service: str, kind: Kind, text: str | None, now: dt.datetime
) -> Period:
    """`text` as a month (YYYY-MM) or ISO week (YYYY-Www) of the service's zone; without one,
    the last whole period before `now`, the one a report is usually asked for."""
    zone = declaration_of(version_named(session, service, now.date())).time.zone
    if text is not None:
        return parse_month(text, zone) if kind is Kind.month else parse_week(text, zone)
    today = now.astimezone(zone).date()
    current = month_of(today, zone) if kind is Kind.month else week_of(today, zone)
    return current.previous()


# A figures table covers at most this many months: 50 years, far more than any history.
MOST_MONTHS = 600


def figures_asked(
    session: Session, service: str, first: str, last: str, now: dt.datetime
) -> list[TrendPoint]:
    """The headline figures of every month from `first` to `last` (YYYY-MM, both included),
    under the goals of the declaration in force in the last."""
    zone = declaration_of(version_named(session, service, now.date())).time.zone
    begin, end = parse_month(first, zone), parse_month(last, zone)
    if end.first < begin.first:
        raise Invalid(
            "to", "{last} is before {first} (give the later month last)", last=last, first=first
        )
    months = [end]
    while months[-1].first > begin.first:
        months.append(months[-1].previous())
        if len(months) > MOST_MONTHS:
            raise Invalid(
                "from", "covers more than {most} months (ask for fewer)", most=MOST_MONTHS
            )
    months.reverse()
    stored = version_named(session, service, end.first)
    return monthly_figures(session, declaration_of(stored), stored.service, months, now)


def report_asked(
    session: Session,
    service: str,
    kind: Kind,
    text: str | None,
    now: dt.datetime,
    reader: User | None = None,
) -> Report:
    """The report of the period asked for (see `period_asked`), as known at `now`; for
    `reader`, see `as_read_by`."""
    made = report(session, service, period_asked(session, service, kind, text, now), now)
    return made if reader is None else as_read_by(session, made, reader)


def as_read_by(session: Session, made: Report, reader: User) -> Report:
    """The report with the titles of the incidents `reader` may not see left out.

    The figures are the service's, whoever reads them: a supplier checks every number. But
    a title says what another supplier's incident was about, which the desk shows only to
    those who may see the incident; its key and figures stay, so the sums still add up.
    """
    if reader.role in SEE_ALL:
        return made
    keys = _incident_keys(made.contract())
    if not keys:
        return made
    seen = set(session.scalars(select(Incident.key).where(Incident.key.in_(keys), visible(reader))))
    hidden = keys - seen
    if not hidden:
        return made
    return Report.model_validate(_without_titles(made.model_dump(by_alias=True), hidden))


def _incident_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        own = {str(value["incident"])} if "incident" in value and "title" in value else set()
        return own.union(*(_incident_keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_incident_keys(item) for item in value))
    return set()


def _without_titles(value: Any, hidden: set[str]) -> Any:
    if isinstance(value, dict):
        mine = "title" in value and value.get("incident") in hidden
        return {
            key: "" if mine and key == "title" else _without_titles(item, hidden)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_titles(item, hidden) for item in value]
    return value
