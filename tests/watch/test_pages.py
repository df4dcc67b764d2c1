"""The desk's watch pages: the monitors with their state and last probes, one monitor, the
outage log with its sources and evidence, an outage entered by hand (and refused at its field
with nothing written), and the uptime of a month per service period with its budget; in
Danish and English, in local time, for the roles that may see them (R3, R9.3)."""

from __future__ import annotations

import datetime as dt
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.catalog.service import service_named
from stabil.watch.confirm import Confirmed
from stabil.watch.models import Monitor, ProbeResult, StateInterval
from stabil.watch.monitors import NewMonitor, add_monitor
from stabil.watch.recording import Entry, change_state, log_interval
from stabil.watch.states import MonitorKind, Source, State
from tests.cast import Cast, Member
from tests.web.pages import hidden, sign_in
from tests.web.pages import text_of as tagless

CPH = ZoneInfo("Europe/Copenhagen")
# Monday 16 March 2026, 11:00 in Copenhagen; February before it is the month measured.
NOW = dt.datetime(2026, 3, 16, 11, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")


def text_of(html: str) -> str:
    return unescape(tagless(html))


def signed_in(client: TestClient, member: Member, at: str = "/desk") -> TestClient:
    browser = TestClient(client.app)
    sign_in(browser, member, next=at)
    return browser


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CPH)


def watched_login(session: Session, cast: Cast) -> Monitor:
    """The log-in watched over http, down since 10:15 after a few failed probes."""
    added = add_monitor(
        session,
        cast.operator.user,
        NewMonitor(
            key="login-http",
            service="borger-dk",
            kind=MonitorKind.http,
            name="Log-in-siden",
            part="login",
            target="http://127.0.0.1:9/login",
        ),
        now=local("2026-03-01T09:00"),
    )
    monitor = added.monitor
    up = Confirmed(State.up, local("2026-03-01T09:00"), {"status_code": 200})
    change_state(session, monitor, up, Source.probe, local("2026-03-01T09:00"))
    down = Confirmed(State.down, local("2026-03-16T10:15"), {"status_code": 503})
    change_state(session, monitor, down, Source.probe, local("2026-03-16T10:16"))
    session.add_all(
        ProbeResult(
            monitor_id=monitor.id,
            at=local("2026-03-16T10:15") + dt.timedelta(minutes=minute),
            outcome="down",
            latency_ms=120 + minute,
            status_code=503,
            error="Service Unavailable",
        )
        for minute in range(3)
    )
    session.commit()
    return monitor


def test_monitors_and_the_log_show_state_probes_and_evidence_to_those_who_see_them(
    client: TestClient, cast: Cast, session: Session
) -> None:
    watched_login(session, cast)
    viewer = signed_in(client, cast.viewer)
    listing = viewer.get("/desk/monitors")
    assert listing.status_code == 200
    said = text_of(listing.text)
    assert "Log-in-siden Nede 16. mar. 2026 10.15" in said  # local time, never UTC
    assert "Log-in med MitID" in said
    assert "http://127.0.0.1:9/login" in said
    assert "122 ms · HTTP 503" in said  # the newest probe first
    assert "Skriv en driftsmeddelelse" not in said  # a viewer posts no messages
    english = text_of(viewer.get("/desk/monitors", params={"lang": "en"}).text)
    assert "Log-in-siden Down 16 Mar 2026 10:15" in english
    assert "Log-in with MitID" in english

    detail = text_of(viewer.get("/desk/monitors/login-http", params={"lang": "da"}).text)
    assert "Service Unavailable" in detail
    assert (
        "Oppe 1. mar. 2026 09.00 16. mar. 2026 10.15 15 d 1 t 15 min Måling HTTP-status: 200"
        in detail
    )
    assert viewer.get("/desk/monitors/nope").status_code == 404

    log = text_of(viewer.get("/desk/outages").text)
    assert "Foregår nu Nede Log-in-siden" in log
    for member in (cast.authority, cast.supplier):
        outsider = signed_in(client, member)
        for path in ("/desk/monitors", "/desk/monitors/login-http", "/desk/outages"):
            assert outsider.get(path).status_code == 403, (member.user.role, path)


def test_a_down_monitor_opens_the_composer_with_a_message_drafted(
    client: TestClient, cast: Cast, session: Session
) -> None:
    watched_login(session, cast)
    operator = signed_in(client, cast.operator)
    page = operator.get("/desk/monitors/login-http").text
    link = unescape(page.split('class="button button-secondary button-small" href="')[1])
    link = link.split('"')[0]
    asked = parse_qs(urlsplit(link).query)
    assert urlsplit(link).path == "/desk/messages/new"
    assert asked["type"] == ["unavailable"]  # the log-in counts: the service is unavailable
    assert asked["affected"] == ["Log-in med MitID"]
    assert asked["body"][0].startswith(
        "Log-in med MitID er utilgængelig siden 16.03.2026 kl. 10:15"
    )
    composer = operator.get(link)
    assert composer.status_code == 200
    assert 'value="Log-in med MitID er utilgængelig"' in composer.text
    assert '<option value="unavailable" selected>' in composer.text
    assert "Log-in med MitID er utilgængelig siden 16.03.2026" in unescape(composer.text)


def entry_form(browser: TestClient, **changes: str) -> dict[str, str]:
    form = browser.get("/desk/outages/new")
    assert form.status_code == 200
    data = {
        "csrf": hidden(form.text, "csrf"),
        "service": "borger-dk",
        "part": "self_service",
        "start": "2026-03-14T02:30",
        "end": "2026-03-14T03:10",
        "state": "down",
        "reason": "Borgere meldte, at selvbetjeningen ikke svarede.",
    }
    return {**data, **changes}


def logged(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StateInterval)) or 0


def test_an_outage_entered_by_hand_is_logged_with_who_and_why(
    client: TestClient, cast: Cast, session: Session
) -> None:
    operator = signed_in(client, cast.operator)
    answer = operator.post("/desk/outages", data=entry_form(operator), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/desk/outages?service=borger-dk&done=entered"
    row = session.scalars(select(StateInterval)).one()
    assert (row.part, row.state, row.source) == ("self_service", "down", "manual")
    assert row.start == local("2026-03-14T02:30")  # read in Copenhagen's time
    assert row.recorded_by_id == cast.operator.user.id
    said = text_of(operator.get(answer.headers["location"]).text)
    assert "Nedetiden er ført i loggen." in said
    assert "14. mar. 2026 02.30 14. mar. 2026 03.10 40 min" in said
    assert "Indtastet manuelt Borgere meldte, at selvbetjeningen ikke svarede." in said
    viewer = signed_in(client, cast.viewer)
    assert viewer.get("/desk/outages/new").status_code == 403
    assert "Før en nedetid ind" not in text_of(viewer.get("/desk/outages").text)


REFUSED = [
    ({"end": "2026-03-14T02:00"}, "end", "er ikke efter start"),
    ({"end": "2026-03-16T12:00"}, "end", "kan ikke ligge i fremtiden (klokken er 2026-03-16 11:00"),
    ({"reason": "  "}, "reason", "er tom"),
    ({"start": "2026-03-29T02:30"}, "start", "findes ikke"),  # the clocks skip 02:00-03:00
    ({"service": "nope"}, "service", "nope"),
]


def test_a_refused_entry_says_why_at_its_field_and_writes_nothing(
    client: TestClient, cast: Cast, session: Session
) -> None:
    operator = signed_in(client, cast.operator)
    form = entry_form(operator)
    for changes, field, danish in REFUSED:
        answer = operator.post("/desk/outages", data={**form, **changes})
        assert answer.status_code == 422, changes
        said = unescape(answer.text)
        error = said.split(f'id="{field}-error" role="alert">')[1].split("</span>")[0]
        assert danish in error, (changes, error)
        kept = f"{form['reason']}</textarea>" if "reason" not in changes else "</textarea>"
        assert kept in said  # the form again as it was sent
    assert logged(session) == 0


def february(session: Session, cast: Cast) -> None:
    """The whole service watched and up all February, but for an hour's outage on Tuesday
    10 February, 10:00-11:00: in primary service time."""
    service = service_named(session, "borger-dk")
    start, end = local("2026-02-01T00:00"), local("2026-03-01T00:00")
    up = Entry(service.id, start, end, State.up, Source.probe)
    log_interval(session, up, end)
    outage = Entry(
        service.id,
        local("2026-02-10T10:00"),
        local("2026-02-10T11:00"),
        State.down,
        Source.manual,
        reason="Databasen var nede.",
    )
    log_interval(session, outage, end, recorded_by=cast.operator.user)
    session.commit()


def test_the_uptime_of_a_month_per_service_period_with_its_budget(
    client: TestClient, cast: Cast, session: Session
) -> None:
    february(session, cast)
    authority = signed_in(client, cast.authority)
    page = authority.get("/desk/uptime", params={"service": "borger-dk", "month": "2026-02"})
    assert page.status_code == 200
    said = text_of(page.text)
    # 20 working days of 8 hours; an hour down of 160: 99.375 %, below 99.7 %; the budget is
    # 0.3 % of 160 hours, 28 min 48 s, overrun by 31 min 12 s.
    assert (
        "Primær driftstid 160 t 0 min 0 min 160 t 1 t 0 min 99,375 % 99,7 % Ikke opfyldt "
        "28 min 48 sek. 31 min 12 sek. for meget"
    ) in said
    assert "Sekundær driftstid 512 t 0 min 0 min 512 t 0 min 0 min 100 % 99,7 % Opfyldt" in said
    assert "1 t 32 min 1 t 32 min" in said  # 0.3 % of 512 hours, all left
    assert "10. feb. 2026 10.00 10. feb. 2026 11.00 1 t Hele tjenesten Ja" in said
    assert "Databasen var nede." in said
    assert "/desk/outages?" not in page.text  # an authority does not read the log
    english = text_of(authority.get("/desk/uptime", params={"month": "2026-02", "lang": "en"}).text)
    assert "Primary service time 160 h 0 min 0 min 160 h 1 h 0 min 99.375 % 99.7 % Not met" in (
        english
    )
    wrong = authority.get("/desk/uptime", params={"month": "februar", "lang": "da"})
    assert wrong.status_code == 200
    assert "er ikke en måned" in text_of(wrong.text)
    assert authority.get("/desk/uptime", params={"service": "nope"}).status_code == 404
