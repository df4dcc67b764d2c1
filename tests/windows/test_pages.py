"""The desk's pages of service windows: the year's calendar with the quota, the plan form that
checks the rules while it is filled in, one window with its verdict, history and actions, and
who may see and do what; in Danish, English, and the local time of the declaration (R13,
R12.1, R3.3)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.declaration import Declaration
from stabil.web.navigation import MENU
from stabil.windows.models import ServiceWindow
from stabil.windows.rules import Planned, Proposal, check
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.web.pages import hidden, sign_in
from tests.web.pages import text_of as tagless

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2027, 3, 1, 10, tzinfo=CPH)  # a Monday; notice of 3 days: from Thursday 10:00
pytestmark = pytest.mark.usefixtures("frozen", "services")
CALENDAR = "/desk/windows"
HTMX = {"HX-Request": "true"}


def text_of(html: str) -> str:
    return unescape(tagless(html))


def signed_in(client: TestClient, member: Member, at: str = CALENDAR) -> TestClient:
    """A browser of its own for `member`, signed in through the form."""
    browser = TestClient(client.app)
    sign_in(browser, member, next=at)
    return browser


def planned(client: TestClient, cast: Cast, start: str, end: str, **changes: Any) -> dict[str, Any]:
    """A window planned through the API, as another desk user would."""
    data: dict[str, Any] = {
        "service": "borger-dk",
        "kind": "short",
        "start": start,
        "end": end,
        "title": "Opdatering af databasen",
        **changes,
    }
    answer = client.post("/api/v1/windows", json=data, headers=headers(cast.operator))
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ServiceWindow)) or 0


def csrf_of(browser: TestClient, url: str) -> str:
    page = browser.get(url)
    assert page.status_code == 200, page.text
    return hidden(page.text, "csrf")


def month(html: str, name: str) -> str:
    found = re.search(rf"<table class=\"month[^\"]*\">\s*<caption>{name}.*?</table>", html, re.S)
    assert found is not None, f"no month {name}"
    return found[0]


def day_cell(table: str, day: int) -> str:
    found = re.search(rf'<td[^>]*><span class="day">{day}</span>(.*?)</td>', table, re.S)
    assert found is not None, f"no day {day}"
    return found[1]


# The calendar


def test_the_calendar_puts_each_window_on_its_local_date_the_dst_night_too(
    client: TestClient, cast: Cast
) -> None:
    # 00:30 on the night the clocks go forward is 23:30 UTC the day before; the window lasts
    # 2 hours to 03:30 local time (R13.2).
    night = planned(client, cast, "2027-03-28T00:30:00+01:00", "2027-03-28T03:30:00+02:00")
    html = signed_in(client, cast.viewer).get(CALENDAR, params={"year": "2027"}).text
    march = month(html, "Marts 2027")
    assert f'href="/desk/windows/{night["id"]}"' in day_cell(march, 28)
    assert "00.30" in day_cell(march, 28)
    assert "/desk/windows/" not in day_cell(march, 27)
    listed = text_of(html)
    assert "28. mar. 2027 00.30 28. mar. 2027 03.30 Opdatering af databasen" in listed
    assert "23.30" not in listed  # never UTC
    assert "Alle tider er lokal tid (Europe/Copenhagen)" in listed


def test_the_calendar_has_twelve_months_of_weeks_from_monday(
    client: TestClient, cast: Cast
) -> None:
    html = signed_in(client, cast.viewer).get(CALENDAR, params={"year": "2027"}).text
    captions = re.findall(r'<table class="month[^"]*">\s*<caption>(\w+ 2027)', html)
    assert captions == [
        "Januar 2027", "Februar 2027", "Marts 2027", "April 2027", "Maj 2027", "Juni 2027",
        "Juli 2027", "August 2027", "September 2027", "Oktober 2027", "November 2027",
        "December 2027",
    ]  # fmt: skip
    march = month(html, "Marts 2027")
    assert '<abbr title="mandag">' in march.split("</thead>")[0]
    # 1 March 2027 is a Monday, in week 9: the first cell of the first week.
    first_week = march.split("<tbody>")[1].split("</tr>")[0]
    assert '<th scope="row" class="week">9</th>' in first_week
    assert re.search(r'class="week">9</th>\s*<td[^>]*><span class="day">1</span>', first_week)


def test_the_quota_per_kind_counts_all_but_the_cancelled_in_plurals_that_read_right(
    client: TestClient, cast: Cast
) -> None:
    for day in (10, 11, 12):
        planned(client, cast, f"2027-03-{day}T01:00:00+01:00", f"2027-03-{day}T03:00:00+01:00")
    gone = planned(client, cast, "2027-03-13T01:00:00+01:00", "2027-03-13T03:00:00+01:00")
    client.post(
        f"/api/v1/windows/{gone['id']}/cancel",
        json={"reason": "Ikke nødvendig"},
        headers=headers(cast.operator),
    )
    planned(client, cast, "2027-03-20T01:00:00+01:00", "2027-03-20T05:00:00+01:00", kind="medium")
    browser = signed_in(client, cast.viewer)
    said = text_of(browser.get(CALENDAR, params={"year": "2027"}).text)
    assert "Servicevindue, 2 timer 3 af 4 1 vindue tilbage" in said
    assert "Servicevindue, 4 timer 1 af 4 3 vinduer tilbage" in said
    assert "Servicevindue, 7 timer 0 af 4 4 vinduer tilbage" in said
    english = text_of(browser.get(CALENDAR, params={"year": "2027", "lang": "en"}).text)
    assert "Service window, 2 hours 3 of 4 1 window left" in english
    assert "Service window, 4 hours 1 of 4 3 windows left" in english
    # The next year starts with every window left.
    later = text_of(browser.get(CALENDAR, params={"year": "2028", "lang": "da"}).text)
    assert "Servicevindue, 2 timer 0 af 4 4 vinduer tilbage" in later


def test_a_window_that_breaks_rules_is_flagged_with_its_rules_not_by_colour_alone(
    client: TestClient, cast: Cast
) -> None:
    late = planned(
        client,
        cast,
        "2027-03-02T01:00:00+01:00",
        "2027-03-02T03:00:00+01:00",
        override_reason="Kritisk sikkerhedsrettelse",
    )
    html = signed_in(client, cast.viewer).get(CALENDAR, params={"year": "2027"}).text
    cell = day_cell(month(html, "Marts 2027"), 2)
    assert f'href="/desk/windows/{late["id"]}"' in cell
    assert "⚠" in cell
    assert "bryder reglerne" in text_of(cell)
    assert "Bryder reglerne: Varsel" in text_of(html)


def test_the_calendar_defaults_to_the_first_service_and_this_year_and_moves_by_year(
    client: TestClient, cast: Cast
) -> None:
    browser = signed_in(client, cast.authority)
    html = browser.get(CALENDAR).text
    assert "Servicevinduer 2027: Borger.dk" in text_of(html)
    assert 'href="/desk/windows?service=borger-dk&amp;year=2026" rel="prev"' in html
    assert 'href="/desk/windows?service=borger-dk&amp;year=2028" rel="next"' in html
    for nonsense in ("x", "0", "99999", "-1"):
        answer = browser.get(CALENDAR, params={"year": nonsense})
        assert answer.status_code == 200
        assert "Servicevinduer 2027" in text_of(answer.text)
    other = text_of(browser.get(CALENDAR, params={"service": "example-webservice"}).text)
    assert "Ugentligt servicevindue 0 af 52 52 vinduer tilbage" in other
    unknown = browser.get(CALENDAR, params={"service": "nope"})
    assert unknown.status_code == 404
    assert "Der er ingen tjeneste, der hedder 'nope'." in text_of(unknown.text)


def test_the_calendar_asks_the_same_statements_for_few_windows_as_for_many(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.viewer)

    def statements_of_the_calendar() -> int:
        with statements(session) as sent:
            assert browser.get(CALENDAR, params={"year": "2027"}).status_code == 200
        return len(sent)

    planned(client, cast, "2027-03-10T01:00:00+01:00", "2027-03-10T03:00:00+01:00")
    few = statements_of_the_calendar()
    for day in range(11, 14):
        planned(client, cast, f"2027-03-{day}T01:00:00+01:00", f"2027-03-{day}T03:00:00+01:00")
    for day in range(20, 24):
        planned(
            client,
            cast,
            f"2027-03-{day}T01:00:00+01:00",
            f"2027-03-{day}T03:00:00+01:00",
            kind="medium",
        )
    assert statements_of_the_calendar() == few


# Planning a window

NEW = "/desk/windows/new?service=borger-dk"


def plan_fields(**changes: str) -> dict[str, str]:
    values = {
        "service": "borger-dk",
        "kind": "short",
        "start": "2027-03-02T01:00",
        "end": "2027-03-02T04:00",
        "title": "Opdatering af søgningen",
        "body": "Søgningen kan være utilgængelig i kort tid.",
        "body_en": "",
        "affected": "Søgning, Selvbetjening",
        "override_reason": "",
    }
    return {**values, **changes}


def checked(browser: TestClient, fields: dict[str, str], **options: Any) -> Any:
    return browser.post(
        "/desk/windows/check", data={**fields, "csrf": csrf_of(browser, NEW)}, **options
    )


def check_result(html: str) -> str:
    """What htmx puts in place while the form is filled in (hx-select="#check-result")."""
    found = re.search(r'<div id="check-result">(.*)</div></div>', html, re.S)
    assert found is not None, "no check result"
    return text_of(found[1])


def slot_values(html: str) -> list[str]:
    return re.findall(r'name="slot" value="([^"]+)"', html)


def test_the_check_lists_the_broken_rules_in_danish_and_slots_that_keep_every_rule(
    client: TestClient, cast: Cast, session: Session, borger_dk: Declaration
) -> None:
    taken = planned(client, cast, "2027-03-05T00:00:00+01:00", "2027-03-05T02:00:00+01:00")
    browser = signed_in(client, cast.operator, NEW)
    answer = checked(browser, plan_fields(), headers=HTMX)
    assert answer.status_code == 200
    assert "<html" not in answer.text  # the form only
    assert 'id="check-result"' in answer.text
    said = text_of(answer.text)
    # Tomorrow night and 3 hours: too little notice (3 days, R13.1), too long (2 hours).
    assert "Vinduet bryder 2 regler:" in said
    assert (
        "Længde (regel R13.1) Vinduet varer 180 minutter; »Servicevindue, 2 timer« må højst "
        "vare 120."
    ) in said
    assert (
        "Varsel (regel R13.1) »Servicevindue, 2 timer« skal varsles 3 dage før; varslet "
        "2027-03-01 10:00 kan den tidligst begynde 2027-03-04 10:00."
    ) in said
    assert "Tidligste start 4. mar. 2027 10.00 (3 dages varsel)" in said
    assert "Varer højst 120 minutter" in said
    slots = slot_values(answer.text)
    assert len(slots) == 5
    # The first night after the notice is held 00:00-02:00 by another window: its slot
    # begins as that window ends. Every slot is as long as the kind allows, in local time.
    assert slots[0] == "2027-03-05T02:00+01:00/2027-03-05T04:00+01:00"
    assert slots[1] == "2027-03-06T00:00+01:00/2027-03-06T02:00+01:00"
    other = Planned(
        "short", dt.datetime.fromisoformat(taken["start"]), dt.datetime.fromisoformat(taken["end"])
    )
    for slot in slots:
        start, end = (dt.datetime.fromisoformat(part) for part in slot.split("/"))
        assert check(borger_dk, Proposal("short", start, end), others=[other], now=NOW) == []
    assert count(session) == 1  # checking records nothing


def test_a_slot_fills_in_the_start_and_end_and_then_keeps_the_rules(
    client: TestClient, cast: Cast
) -> None:
    browser = signed_in(client, cast.operator, NEW)
    first = slot_values(checked(browser, plan_fields()).text)[0]
    answer = checked(browser, plan_fields(slot=first, title="Behold titlen"))
    assert answer.status_code == 200
    assert 'name="start" type="datetime-local" value="2027-03-05T00:00"' in answer.text
    assert 'name="end" type="datetime-local" value="2027-03-05T02:00"' in answer.text
    assert 'value="Behold titlen"' in answer.text
    said = text_of(answer.text)
    assert "Start og slut er udfyldt med det valgte tidspunkt." in said
    assert "Vinduet overholder alle deklarationens regler." in said


def test_the_new_form_offers_the_kinds_by_name_and_the_next_slots_at_once(
    client: TestClient, cast: Cast
) -> None:
    browser = signed_in(client, cast.operator, NEW)
    html = browser.get(NEW).text
    assert '<option value="short" selected>Servicevindue, 2 timer, 3 dages varsel</option>' in html
    assert '<option value="long">Servicevindue, 7 timer, 21 dages varsel</option>' in html
    assert 'hx-post="/desk/windows/check"' in html
    assert 'hx-trigger="change, keyup changed delay:400ms"' in html
    assert slot_values(html)[0] == "2027-03-05T00:00+01:00/2027-03-05T02:00+01:00"
    assert "Angiv start og slut for at se, om vinduet overholder reglerne." in text_of(html)
    # A long window lies in a weekend night, with 21 days' notice: from 22 March on, the
    # first is Maundy Thursday's, a holiday kept as a weekend day.
    long = slot_values(checked(browser, plan_fields(kind="long", start="", end="")).text)
    assert long[0] == "2027-03-25T00:00+01:00/2027-03-25T07:00+01:00"


def test_a_time_the_clocks_skip_or_show_twice_is_refused_saying_why(
    client: TestClient, cast: Cast
) -> None:
    browser = signed_in(client, cast.operator, NEW)
    skipped = plan_fields(start="2027-03-28T02:30", end="2027-03-28T04:00")
    gap = check_result(checked(browser, skipped, headers=HTMX).text)
    assert gap.startswith(
        "Start: 2027-03-28 02:30 findes ikke, da uret den nat stilles frem fra 02:00 til 03:00; "
        "vælg et tidspunkt før 02:00 eller fra 03:00"
    )
    assert "Ret start og slut for at se, om vinduet overholder reglerne." in gap
    # While the form is filled in, an end not given yet is no problem.
    halfway = check_result(checked(browser, plan_fields(end=""), headers=HTMX).text)
    assert "Udfyld feltet" not in halfway
    assert "Angiv start og slut for at se, om vinduet overholder reglerne." in halfway
    # The night the clocks go back, 02:00 happens twice: the form asks which.
    twice = plan_fields(start="2027-10-31T00:00", end="2027-10-31T02:00")
    asked = checked(browser, twice, headers=HTMX).text
    assert "Slut: 31. okt. 2027 02.00 forekommer to gange den nat. Hvilken mener du?" in (
        check_result(asked)
    )
    assert 'name="end_offset" value="+02:00"' in asked
    assert 'name="end_offset" value="+01:00"' in asked
    # The first 02:00 ends a window of 2 hours; the second, 3 hours, is too long.
    first = check_result(checked(browser, {**twice, "end_offset": "+02:00"}).text)
    assert "Vinduet overholder alle deklarationens regler." in first
    second = check_result(checked(browser, {**twice, "end_offset": "+01:00"}).text)
    assert "Vinduet varer 180 minutter" in second


def test_a_plan_that_breaks_rules_is_refused_with_its_values_and_nothing_recorded(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.operator, NEW)
    fields = plan_fields(body_en="Search may be down for a moment.", announce="yes")
    answer = browser.post("/desk/windows", data={**fields, "csrf": csrf_of(browser, NEW)})
    assert answer.status_code == 422
    said = text_of(answer.text)
    assert "Vinduet bryder deklarationens regler; se hver af dem nedenfor." in said
    assert "Vinduet bryder 2 regler:" in said
    for kept in (
        'value="Opdatering af søgningen"',
        'value="2027-03-02T01:00"',
        "Search may be down",
        'value="Søgning, Selvbetjening"',
        'name="announce" value="yes" checked',
    ):
        assert kept in answer.text
    assert count(session) == 0


def test_with_an_override_reason_a_plan_that_breaks_rules_is_recorded_flagged(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.operator, NEW)
    fields = plan_fields(override_reason="Kritisk sikkerhedsrettelse", announce="yes")
    answer = browser.post(
        "/desk/windows", data={**fields, "csrf": csrf_of(browser, NEW)}, follow_redirects=False
    )
    assert answer.status_code == 303
    window = session.scalars(select(ServiceWindow)).one()
    assert answer.headers["location"] == f"/desk/windows/{window.id}?done=planned"
    assert (window.compliant, window.override_reason, window.state) == (
        False,
        "Kritisk sikkerhedsrettelse",
        "announced",
    )
    assert [item["rule"] for item in window.violations] == ["length", "notice"]
    assert window.affected == ["Søgning", "Selvbetjening"]
    assert window.planned_start == dt.datetime(2027, 3, 2, 1, tzinfo=CPH)
    said = text_of(browser.get(answer.headers["location"]).text)
    assert "Vinduet er planlagt." in said
    assert "Begrundelse for at registrere det alligevel: Kritisk sikkerhedsrettelse" in said
    assert "vinduet undtager ikke nedetid, da det bryder reglerne" in said


def test_a_compliant_plan_is_recorded_and_a_refused_field_says_why_at_the_field(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.operator, NEW)
    csrf = csrf_of(browser, NEW)
    gap = browser.post(
        "/desk/windows", data={**plan_fields(start="2027-03-28T02:30"), "csrf": csrf}
    )
    assert gap.status_code == 422
    assert re.search(r'id="start-error" role="alert">2027-03-28 02:30 findes ikke', gap.text)
    untitled = plan_fields(start="2027-03-06T01:00", end="2027-03-06T03:00", title=" ")
    refused = browser.post("/desk/windows", data={**untitled, "csrf": csrf})
    assert refused.status_code == 422
    assert re.search(r'id="title-error" role="alert">Udfyld feltet.', refused.text)
    assert count(session) == 0
    fine = plan_fields(start="2027-03-06T01:00", end="2027-03-06T03:00")
    done = browser.post("/desk/windows", data={**fine, "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    window = session.scalars(select(ServiceWindow)).one()
    assert (window.compliant, window.state, window.announced_at) == (True, "planned", None)


def test_nonsense_in_the_plan_form_is_answered_never_with_a_500(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.operator, NEW)
    csrf = csrf_of(browser, NEW)
    for changes in (
        {"slot": "nonsense"},
        {"slot": "0001-01-01T00:00+14:00/0001-01-01T02:00+14:00"},
        {"slot": "9999-12-31T23:00-14:00/9999-12-31T23:59-14:00"},
        {"start": "9999-12-31T23:59", "end": "0001-01-01T00:00"},
        {"start": "2027-03-10T01:00+14:00", "end": "2027-03-10T03:00+14:00"},
        {"start": "2027-03-10\x00", "kind": "weekly"},
        {"kind": "x" * 100, "title": "x" * 300, "start_offset": "+99:00"},
        {"service": "nope"},
    ):
        for action in ("/desk/windows/check", "/desk/windows"):
            answer = browser.post(action, data={**plan_fields(**changes), "csrf": csrf})
            assert answer.status_code in (200, 404, 422), (action, changes, answer.status_code)
    assert count(session) == 0


# One window


def test_the_window_page_shows_its_facts_in_local_time_its_verdict_and_history(
    client: TestClient, cast: Cast
) -> None:
    # The night the clocks go back, 00:00-06:00 local time lasts 7 hours: a long window.
    night = planned(
        client,
        cast,
        "2027-10-31T00:00:00+02:00",
        "2027-10-31T06:00:00+01:00",
        kind="long",
        title="Flytning af databasen",
        affected=["Selvbetjening"],
        announce=True,
    )
    html = signed_in(client, cast.authority).get(f"/desk/windows/{night['id']}").text
    said = text_of(html)
    assert "Type Servicevindue, 7 timer" in said
    assert "Status Varslet" in said
    assert "Planlagt 31. okt. 2027 00.00 – 31. okt. 2027 06.00 (7 t)" in said
    assert "Varslet 1. mar. 2027 10.00 Varsles på Driftsstatuskanalen for Borger.dk" in said
    assert "Berørte dele Selvbetjening" in said
    assert "Vinduet overholder alle deklarationens regler." in said
    assert "vinduet trækkes fra både den målte tid og nedetiden" in said  # R3.3
    assert "Historik Planlagt · 1. mar. 2027 10.00 · Digitaliseringsstyrelsen" in said
    assert "Varslet · 1. mar. 2027 10.00" in said
    assert "Hvad du kan gøre" not in said  # an authority reads, the desk acts
    english = text_of(
        signed_in(client, cast.viewer).get(f"/desk/windows/{night['id']}?lang=en").text
    )
    assert "Kind Service window, 7 hours" in english
    assert "Planned 31 Oct 2027 00:00 – 31 Oct 2027 06:00 (7 h)" in english


def test_announcing_and_cancelling_through_the_windows_page(
    client: TestClient, cast: Cast, session: Session
) -> None:
    window = planned(client, cast, "2027-03-10T01:00:00+01:00", "2027-03-10T03:00:00+01:00")
    url = f"/desk/windows/{window['id']}"
    browser = signed_in(client, cast.operator, url)
    page = browser.get(url).text
    for form in ("announce", "start", "cancel", "reschedule"):
        assert f'id="form-{form}"' in page
    assert 'id="form-complete"' not in page
    csrf = hidden(page, "csrf")
    announced = browser.post(f"{url}/announce", data={"csrf": csrf}, follow_redirects=False)
    assert (announced.status_code, announced.headers["location"]) == (303, f"{url}?done=announce")
    assert "Vinduet er varslet." in text_of(browser.get(announced.headers["location"]).text)
    # Without a reason the window is not cancelled, and the form says why at its field.
    empty = browser.post(f"{url}/cancel", data={"csrf": csrf, "reason": "  "})
    assert empty.status_code == 422
    assert re.search(r'id="cancel-reason-error" role="alert">Udfyld feltet.', empty.text)
    cancelled = browser.post(
        f"{url}/cancel", data={"csrf": csrf, "reason": "Leverandøren er ikke klar"}, headers=HTMX
    )
    assert cancelled.status_code == 200
    assert "<html" not in cancelled.text  # htmx: the page's part, in place
    said = text_of(cancelled.text)
    assert "Vinduet er annulleret." in said
    assert (
        "Annulleret · 1. mar. 2027 10.00 · operator@digst.example "
        "Begrundelse: Leverandøren er ikke klar"
    ) in said
    session.expire_all()
    assert session.get(ServiceWindow, window["id"]).state == "cancelled"  # type: ignore[union-attr]


def test_a_step_the_window_no_longer_allows_is_refused_naming_what_is_allowed(
    client: TestClient, cast: Cast
) -> None:
    window = planned(client, cast, "2027-03-10T01:00:00+01:00", "2027-03-10T03:00:00+01:00")
    url = f"/desk/windows/{window['id']}"
    browser = signed_in(client, cast.operator, url)
    csrf = csrf_of(browser, url)
    refused = browser.post(f"{url}/complete", data={"csrf": csrf})
    assert refused.status_code == 409
    said = text_of(refused.text)
    assert "tilladt for dig nu: varsling, start, annullering" in said
    for form in ("announce", "start", "cancel"):  # the allowed ones are there to use
        assert f'id="form-{form}"' in refused.text


def test_announcing_too_late_is_refused_with_the_rules_and_a_reason_records_it(
    client: TestClient, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    window = planned(client, cast, "2027-03-10T01:00:00+01:00", "2027-03-10T03:00:00+01:00")
    url = f"/desk/windows/{window['id']}"
    frozen.move_to(dt.datetime(2027, 3, 8, 12, tzinfo=CPH))  # 3 days' notice no longer fit
    browser = signed_in(client, cast.operator, url)
    csrf = csrf_of(browser, url)
    late = browser.post(f"{url}/announce", data={"csrf": csrf})
    assert late.status_code == 422
    said = text_of(late.text)
    assert "Vinduet bryder deklarationens regler; se hver af dem nedenfor." in said
    assert "varslet 2027-03-08 12:00 kan den tidligst begynde 2027-03-11 12:00" in said
    assert 'id="announce-override_reason"' in late.text
    assert "Begrundelse for at varsle det, selv om det bryder reglerne" in said
    assert "Status Planlagt" in text_of(browser.get(url).text)  # nothing was recorded
    kept = browser.post(
        f"{url}/announce",
        data={"override_reason": "Aftalt med kommunerne", "csrf": csrf},
        follow_redirects=False,
    )
    assert kept.status_code == 303
    said = text_of(browser.get(url).text)
    assert "Status Varslet" in said
    assert "⚠ Vinduet bryder 1 regel:" in said
    assert "Begrundelse for at registrere det alligevel: Aftalt med kommunerne" in said
    assert "Varslet · 8. mar. 2027 12.00" in said


def test_rescheduling_through_the_page_moves_the_window_in_local_time(
    client: TestClient, cast: Cast
) -> None:
    window = planned(client, cast, "2027-03-10T01:00:00+01:00", "2027-03-10T03:00:00+01:00")
    url = f"/desk/windows/{window['id']}"
    browser = signed_in(client, cast.operator, url)
    page = browser.get(url).text
    assert (
        'id="reschedule-start" name="start" type="datetime-local" value="2027-03-10T01:00"' in page
    )
    moved = browser.post(
        f"{url}/reschedule",
        data={"start": "2027-03-28T00:30", "end": "2027-03-28T03:30", "csrf": hidden(page, "csrf")},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    shown = client.get(f"/api/v1/windows/{window['id']}", headers=headers(cast.viewer)).json()
    assert (shown["start"], shown["end"], shown["compliant"]) == (
        "2027-03-27T23:30:00Z",
        "2027-03-28T01:30:00Z",
        True,
    )
    said = text_of(browser.get(f"{url}?done=reschedule").text)
    assert "Vinduet har fået nye tider." in said
    assert (
        "28. mar. 2027 00.30 – 28. mar. 2027 03.30 "
        "(før: 10. mar. 2027 01.00 – 10. mar. 2027 03.00 )"
    ) in said


def test_an_unknown_window_is_a_404_page(client: TestClient, cast: Cast) -> None:
    browser = signed_in(client, cast.viewer)
    for path in (
        "/desk/windows/999999",
        "/desk/windows/abc",
        "/desk/windows/0",
        "/desk/windows/99999999999",
    ):
        answer = browser.get(path)
        assert answer.status_code == 404, path
        assert "Ikke fundet" in text_of(answer.text)


# Who may see and do what


def test_every_role_finds_the_windows_in_the_menu(client: TestClient, cast: Cast) -> None:
    item = next(item for item in MENU if item.path == CALENDAR)
    for name in ("admin", "operator", "viewer", "supplier", "authority"):
        member: Member = getattr(cast, name)
        assert member.user.role in item.roles
        page = signed_in(client, member).get(CALENDAR).text
        link = f'<a class="nav-link" href="{CALENDAR}" aria-current="page">'
        assert f"{link}<span>Servicevinduer</span></a>" in page


def test_those_who_may_not_plan_read_the_windows_and_are_refused_the_forms(
    client: TestClient, cast: Cast, session: Session
) -> None:
    window = planned(
        client, cast, "2027-03-10T01:00:00+01:00", "2027-03-10T03:00:00+01:00", announce=True
    )
    url = f"/desk/windows/{window['id']}"
    for name in ("viewer", "supplier", "authority"):
        browser = signed_in(client, getattr(cast, name), url)
        calendar = browser.get(CALENDAR).text
        assert "Planlæg et servicevindue" not in calendar
        page = browser.get(url)
        assert page.status_code == 200
        assert '<form method="post" action="/desk/windows/' not in page.text
        assert browser.get(NEW).status_code == 403
        csrf = hidden(page.text, "csrf")
        for action, data in (
            ("/desk/windows/check", plan_fields()),
            ("/desk/windows", plan_fields(override_reason="Alligevel")),
            (f"{url}/announce", {}),
            (f"{url}/cancel", {"reason": "Nej"}),
            (f"{url}/reschedule", {"start": "2027-03-11T01:00", "end": "2027-03-11T03:00"}),
        ):
            refused = browser.post(action, data={**data, "csrf": csrf})
            assert refused.status_code == 403, (name, action)
    assert count(session) == 1
    session.expire_all()
    assert session.get(ServiceWindow, window["id"]).state == "announced"  # type: ignore[union-attr]


def test_an_authority_sees_a_window_once_it_is_announced(client: TestClient, cast: Cast) -> None:
    window = planned(client, cast, "2027-03-10T01:00:00+01:00", "2027-03-10T03:00:00+01:00")
    url = f"/desk/windows/{window['id']}"
    calendar = f"{CALENDAR}?service=borger-dk&year=2027"
    browser = signed_in(client, cast.authority, calendar)
    assert browser.get(url).status_code == 404  # plans not yet told are the desk's (R12.2)
    assert url not in browser.get(calendar).text
    announced = client.post(
        f"/api/v1/windows/{window['id']}/announce", headers=headers(cast.operator)
    )
    assert announced.status_code == 200, announced.text
    assert browser.get(url).status_code == 200
    assert url in browser.get(calendar).text


def test_strangers_are_sent_to_sign_in_first(client: TestClient) -> None:
    for path in (CALENDAR, NEW, "/desk/windows/1"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code in (302, 303), path
        assert answer.headers["location"].startswith("/login?next=")
    posted = client.post("/desk/windows", data=plan_fields(), follow_redirects=False)
    assert posted.status_code in (302, 303)
