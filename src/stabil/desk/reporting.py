"""A new report goes at once where the declaration routes reports, in the hours it says (R5.3).

`incident_management.reporting` lists the routes: which reports each takes (`all`, or
`major` for a suspected major incident, one reported with a major priority), whom it
notifies and, with `hours`, the calendar the registration must fall in. For Borger.dk every
fault report goes to 1st and 2nd level support, and a suspected major incident also to
operations in primary service time and to the on-call duty outside it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from stabil.clock import Clock
from stabil.declaration import Declaration
from stabil.declaration.operations import ReportingRoute, ReportScope
from stabil.desk.models import Incident
from stabil.desk.notify import compose, incident_lines, incident_mails, local_text, recipients
from stabil.outbox.service import enqueue_emails
from stabil.records.history import append_event


def routes_for(
    declaration: Declaration, clock: Clock, priority: int, at: dt.datetime
) -> list[ReportingRoute]:
    """The routes that take a report of `priority` registered at `at`, in declaration order."""
    management = declaration.incident_management
    if management is None:
        return []
    major = priority in declaration.major_priorities()
    return [
        route
        for route in management.reporting
        if (route.reports is ReportScope.all or major)
        and (route.hours is None or clock.is_open(route.hours, at))
    ]


def route_report(
    session: Session, incident: Incident, declaration: Declaration, clock: Clock, now: dt.datetime
) -> None:
    """Mail the new incident to its routes' contacts and note on its timeline who was told."""
    routes = routes_for(declaration, clock, incident.priority, now)
    contacts = [key for route in routes for key in route.to]
    addresses = recipients(session, declaration, contacts, incident)
    if not addresses:
        return
    major = incident.priority in declaration.major_priorities()
    append_event(
        session,
        incident,
        kind="report_routed",
        actor=None,
        effective_at=now,
        recorded_at=now,
        before={},
        after={
            "routes": [route.what.get("en") for route in routes],
            "major": major,
            "notified": addresses,
        },
    )
    subject, body = _notice(incident, declaration, routes, major)
    dedupe = f"report:{incident.key}"
    mails = incident_mails(incident, addresses, subject, body, dedupe=dedupe, deliver_after=now)
    enqueue_emails(session, mails)


def _notice(
    incident: Incident, declaration: Declaration, routes: list[ReportingRoute], major: bool
) -> tuple[str, str]:
    head_da, head_en = (
        ("Mistanke om major incident", "Suspected major incident")
        if major
        else ("Ny fejlmelding", "New fault report")
    )
    subject = f"[{incident.key}] {head_da} · {head_en}: {incident.title}"
    facts_da, facts_en = incident_lines(incident, declaration)
    detected_en = incident.detected_at.astimezone(declaration.time.zone).isoformat()
    share = incident.users_affected_percent
    danish = [
        head_da,
        "Sendt efter servicedeklarationens regler: "
        + "; ".join(route.what.da for route in routes)
        + ".",
        "",
        *facts_da,
        f"Konstateret: {local_text(incident.detected_at, declaration)}",
        "Ramte brugere: " + ("ikke oplyst" if share is None else f"{share:g} %".replace(".", ",")),
        f"Forslag: {incident.suggestion_reason_da}",
    ]
    english = [
        head_en,
        "Sent by the service declaration's rules: "
        + "; ".join(route.what.get("en") for route in routes)
        + ".",
        "",
        *facts_en,
        f"Detected: {detected_en}",
        "Users affected: " + ("not given" if share is None else f"{share:g} %"),
        f"Suggested: {incident.suggestion_reason}",
    ]
    if incident.priority_reason:
        danish.append(f"Begrundelse for prioriteten: {incident.priority_reason}")
        english.append(f"Reason for the priority: {incident.priority_reason}")
    reporter = _reporter(incident)
    if reporter:
        danish.append(f"Meldt af: {reporter}")
        english.append(f"Reported by: {reporter}")
    if incident.description:
        danish += ["", "Beskrivelse:", incident.description]
        english += ["", "Description:", incident.description]
    return subject, compose(danish, english, incident)


def _reporter(incident: Incident) -> str:
    organisation = incident.reporter_organisation
    names = [incident.reporter_name, organisation.name if organisation else None]
    return ", ".join(name for name in names if name)
