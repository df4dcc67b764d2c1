"""Scheduled delivery: last week's report every Monday 08:00, last month's on the first working
day of the next, mailed with its files to the declaration's contacts, each exactly once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of, version_named
from stabil.outbox.delivery import Claimed, email_message
from stabil.outbox.models import OutboxItem
from stabil.reports.delivery import next_sending, plan_deliveries
from stabil.reports.period import Kind
from stabil.worker.jobs import run_due_jobs

CPH = ZoneInfo("Europe/Copenhagen")
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
pytestmark = pytest.mark.usefixtures("services")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def test_when_each_report_is_sent(session: Session) -> None:
    declaration = declaration_of(version_named(session, "borger-dk", dt.date(2026, 3, 1)))
    assert declaration.reports is not None
    weekly, monthly = declaration.reports.weekly, declaration.reports.monthly
    assert weekly is not None
    assert monthly is not None
    period, at = next_sending(declaration, Kind.week, weekly, local(2026, 3, 8, 23))
    assert (period.label, at) == ("2026-W10", local(2026, 3, 9, 8))
    # At 08:00 sharp that one is due now, not after: the next is a week later.
    period, at = next_sending(declaration, Kind.week, weekly, local(2026, 3, 9, 8))
    assert (period.label, at) == ("2026-W11", local(2026, 3, 16, 8))
    period, at = next_sending(declaration, Kind.month, monthly, local(2026, 3, 31, 12))
    assert (period.label, at) == ("2026-03", local(2026, 4, 1, 8))
    # New Year's Day 2027 is a Friday and a holiday: the first working day is Monday 4th.
    period, at = next_sending(declaration, Kind.month, monthly, local(2026, 12, 15))
    assert (period.label, at) == ("2026-12", local(2027, 1, 4, 8))


def run_until(session: Session, now: dt.datetime) -> None:
    while run_due_jobs(session, now):
        pass


def report_mails(session: Session) -> list[OutboxItem]:
    return list(
        session.scalars(
            select(OutboxItem)
            .where(OutboxItem.subject_kind == "report")
            .order_by(OutboxItem.recipient, OutboxItem.id)
        )
    )


def test_the_monthly_report_is_mailed_once_with_its_files(session: Session) -> None:
    planned = plan_deliveries(session, local(2026, 3, 31, 12))
    assert planned == 3  # Borger.dk's weekly and monthly, the example's monthly
    run_until(session, local(2026, 4, 1, 7, 59))
    assert report_mails(session) == []
    run_until(session, local(2026, 4, 1, 8))
    mails = report_mails(session)
    assert [(m.recipient, m.subject_key) for m in mails] == [
        ("drift@borger.dk", "borger-dk:2026-03"),
        ("eskalation@digst.dk", "borger-dk:2026-03"),
    ]
    assert mails[0].subject.startswith("[Borger.dk] Månedsrapport for marts 2026")
    assert "Reaktionstid" in mails[0].body
    assert "Reaction time" in mails[0].body
    message = email_message(
        Claimed(
            mails[0].id, "email", mails[0].recipient, mails[0].subject, mails[0].body,
            mails[0].payload, None, mails[0].message_id, mails[0].created_at, 0,
        ),
        "stabil@borger.example",
    )  # fmt: skip
    files = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert files == {"borger-dk-2026-03.pdf": "application/pdf", "borger-dk-2026-03.xlsx": XLSX}
    pdf = next(part for part in message.iter_attachments() if part.get_content_type() == PDF)
    assert pdf.get_content().startswith(b"%PDF")
    # Planning again, and running again, sends nothing twice.
    plan_deliveries(session, local(2026, 4, 1, 8))
    run_until(session, local(2026, 4, 1, 8, 30))
    assert len(report_mails(session)) == 2
    # The example's report goes at its own hour, 09:00, to its service owner.
    run_until(session, local(2026, 4, 1, 9))
    assert [m.recipient for m in report_mails(session)][-1] == "serviceansvarlig@example.org"
