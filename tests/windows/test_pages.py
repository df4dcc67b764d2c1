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
CALENDAR = "/windows"
HTMX = {"HX-Request": "true"}


def text_of(html: str) -> str:
    return unescape(tagless(html))


def signed_in(client: TestClient, member: Member, at: str = CALENDAR) -> TestClient:
    """A browser of its own for `member`, signed in through the form."""
    browser = TestClient(client.app)
    sign_in(browser, member, next=at)
    return browser


def planned(
    client: TestClient, cast: Cast, start: str, end: str, **changes: Any
) -> dict[str, Any]:
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
    assert f'href="/windows/{night["id"]}"' in day_cell(march, 28)
    assert "00.30" in day_cell(march, 28)
    assert "/windows/" not in day_cell(march, 27)
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
    planned(
        client, cast, "2027-03-20T01:00:00+01:00", "2027-03-20T05:00:00+01:00", kind="medium"
    )
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
    assert f'href="/windows/{late["id"]}"' in cell
    assert "⚠" in cell and "bryder reglerne" in text_of(cell)
    assert "Bryder reglerne: Varsel" in text_of(html)


def test_the_calendar_defaults_to_the_first_service_and_this_year_and_moves_by_year(
    client: TestClient, cast: Cast
) -> None:
    browser = signed_in(client, cast.authority)
    html = browser.get(CALENDAR).text
    assert "Servicevinduer 2027: Borger.dk" in text_of(html)
    assert 'href="/windows?service=borger-dk&amp;year=2026" rel="prev"' in html
    assert 'href="/windows?service=borger-dk&amp;year=2028" rel="next"' in html
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
