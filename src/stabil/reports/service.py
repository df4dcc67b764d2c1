"""Asking for a report: which service and period, by the words people and tools use.

The CLI, the API, the desk's pages and the scheduled delivery all come through here, so a
period is parsed, defaulted and refused the same way everywhere.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from stabil.accounts.roles import SEE_ALL, Role
from stabil.catalog.service import declaration_of, version_named
from stabil.reports.compute import report
from stabil.reports.model import Report
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


def report_asked(
    session: Session, service: str, kind: Kind, text: str | None, now: dt.datetime
) -> Report:
    """The report of the period asked for (see `period_asked`), as known at `now`."""
    return report(session, service, period_asked(session, service, kind, text, now), now)
