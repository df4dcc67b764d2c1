"""Mailing the reports when the declaration asks: last week's every Monday 08:00, last
month's on the first working day of the next, to its contacts, each exactly once.

One job per service, kind and period (`report.deliver:borger-dk:month:2026-11`): a done job
is never run again, and each mail has a dedupe key of its own, so neither a second worker
nor a retry sends a report twice. A delivery plans the next one; `plan_deliveries` (run when
the server or worker starts, and when declarations are loaded) plans the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from babel.dates import format_date
from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of, list_services, version_in_force
from stabil.clock import clock_for
from stabil.declaration import Declaration
from stabil.declaration.reporting import Delivery, WeeklyDelivery
from stabil.outbox.service import Email, attachment, enqueue_emails
from stabil.reports.compute import report
from stabil.reports.model import Report, Share
from stabil.reports.period import Kind, Period, month_of, parse_month, parse_week, week_of
from stabil.reports.render.formats import Format, file_name, render
from stabil.subscriptions.service import contact_emails
from stabil.worker.jobs import Plan, handles
from stabil.worker.models import Job

DELIVER = "report.deliver"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def deliveries(declaration: Declaration) -> Iterator[tuple[Kind, Delivery]]:
    reports = declaration.reports
    if reports is None:
        return
    if reports.weekly is not None:
        yield Kind.week, reports.weekly
    if reports.monthly is not None:
        yield Kind.month, reports.monthly


def next_sending(
    declaration: Declaration, kind: Kind, delivery: Delivery, after: dt.datetime
) -> tuple[Period, dt.datetime]:
    """The first sending after `after`, and the period it reports (the one before it)."""
    zone = declaration.time.zone
    current = after.astimezone(zone).date()
    period = week_of(current, zone) if kind is Kind.week else month_of(current, zone)
    while True:
        sending = _sending_day(declaration, kind, delivery, period)
        at = dt.datetime.combine(sending, delivery.send_at, zone)
        # A local time in the spring gap is sent when the clocks have jumped past it.
        at = at.astimezone(dt.UTC).astimezone(zone)
        if at > after:
            return period.previous(), at
        following = period.following
        period = week_of(following, zone) if kind is Kind.week else month_of(following, zone)


def _sending_day(
    declaration: Declaration, kind: Kind, delivery: Delivery, period: Period
) -> dt.date:
    """The day of `period` on which the report of the period before it is sent."""
    if kind is Kind.week:
        assert isinstance(delivery, WeeklyDelivery)
        return period.first + dt.timedelta(days=WEEKDAYS.index(delivery.weekday.value))
    working = declaration.time.working_days
    if working is None:
        return period.first
    clock = clock_for(declaration)
    opens = clock.next_open(working.calendar, period.start)
    day = opens.astimezone(declaration.time.zone).date()
    return day if day < period.following else period.first


def plan_deliveries(session: Session, now: dt.datetime, services: list[str] | None = None) -> int:
    """Schedule the next delivery of every report the declarations in force ask for; how
    many. Scheduling again moves nothing that is due already and repeats nothing done."""
    plan = Plan()
    keys = services if services is not None else [item.key for item in list_services(session)]
    for key in keys:
        stored = version_in_force(session, key, now.date())
        if stored is None:
            continue
        declaration = declaration_of(stored)
        for kind, delivery in deliveries(declaration):
            period, at = next_sending(declaration, kind, delivery, now)
            plan.schedule(
                kind=DELIVER,
                subject_key=f"service:{key}",
                dedupe_key=f"{DELIVER}:{key}:{kind.value}:{period.label}",
                run_at=at,
                payload={"service": key, "kind": kind.value, "period": period.label},
            )
    count = len(plan.jobs)
    plan.write(session)
    return count


@handles(DELIVER)
def deliver(session: Session, job: Job, now: dt.datetime) -> None:
    """Compute the period's report as known now, and mail it with its files attached."""
    key, kind = str(job.payload["service"]), Kind(job.payload["kind"])
    stored = version_in_force(session, key, now.date())
    if stored is None:
        return  # the service is gone
    declaration = declaration_of(stored)
    delivery = dict(deliveries(declaration)).get(kind)
    zone = declaration.time.zone
    label = str(job.payload["period"])
    period = parse_month(label, zone) if kind is Kind.month else parse_week(label, zone)
    if delivery is not None:
        made = report(session, key, period, now)
        addresses = contact_emails(session, declaration, delivery.to, stored.service.id)
        files = [
            attachment(
                file_name(made, Format(form.value)),
                Format(form.value).media_type,
                render(made, Format(form.value), delivery.language),
            )
            for form in delivery.formats
        ]
        subject, body = mail_text(made)
        enqueue_emails(
            session,
            [
                Email(
                    recipient=address,
                    subject=subject,
                    body=body,
                    subject_kind="report",
                    subject_key=f"{key}:{label}",
                    dedupe_key=f"report:{key}:{label}:{address}",
                    deliver_after=now,
                    extra={"attachments": files},
                )
                for address in addresses
            ],
        )
    plan_deliveries(session, now, [key])


def mail_text(made: Report) -> tuple[str, str]:
    """Subject and plain-text body: the headline figures in Danish, then in English."""
    first = made.from_.date()
    if made.kind == Kind.month.value:
        da_period = f"Månedsrapport for {format_date(first, 'LLLL y', locale='da')}"
        en_period = f"Monthly report for {format_date(first, 'LLLL y', locale='en')}"
    else:
        week = made.period.split("-W")[1].lstrip("0")
        da_period = f"Ugerapport for uge {week} {made.period[:4]}"
        en_period = f"Weekly report for week {week} of {made.period[:4]}"
    subject = f"[{made.service_name}] {da_period} · {en_period}"
    danish = [
        f"{da_period}, {made.service_name} (servicedeklaration {made.declaration_version}).",
        f"Reaktionstid: {_share_text(made.reaction, 'da')}",
        f"Løsningstid: {_share_text(made.resolution, 'da')}",
        *(
            f"Oppetid, {name}: {_percent(figure.uptime_percent, 'da')} "
            f"(mål {_percent(figure.target_percent, 'da')})"
            for name, figure in made.availability.items()
        ),
        "Rapporten er vedhæftet; hvert tal er forklaret med sagerne og perioderne bag det.",
    ]
    english = [
        f"{en_period}, {made.service_name} (service declaration {made.declaration_version}).",
        f"Reaction time: {_share_text(made.reaction, 'en')}",
        f"Resolution time: {_share_text(made.resolution, 'en')}",
        *(
            f"Uptime, {name}: {_percent(figure.uptime_percent, 'en')} "
            f"(target {_percent(figure.target_percent, 'en')})"
            for name, figure in made.availability.items()
        ),
        "The report is attached; every figure is explained by the incidents and intervals "
        "behind it.",
    ]
    return subject, "\n".join([*danish, "", "-- English --", "", *english]) + "\n"


def _share_text(figure: Share | dict[str, Share] | None, language: str) -> str:
    if figure is None:
        return "ikke målt" if language == "da" else "not measured"
    if isinstance(figure, Share):
        return _one_share(figure, language)
    return "; ".join(f"P{level} {_one_share(item, language)}" for level, item in figure.items())


def _one_share(figure: Share, language: str) -> str:
    if figure.percent is None:
        return "ingen sager" if language == "da" else "no incidents"
    met_word = (
        ("mål nået" if figure.goal_met else "mål ikke nået")
        if language == "da"
        else ("goal met" if figure.goal_met else "goal missed")
    )
    of = "af" if language == "da" else "of"
    return f"{_percent(figure.percent, language)} ({figure.met} {of} {figure.total}, {met_word})"


def _percent(value: float | None, language: str) -> str:
    if value is None:
        return "–"
    text = f"{value:g} %"
    return text.replace(".", ",") if language == "da" else text
