"""The queue page: open incidents the user may see, what is due first at the top, with their
timers in service time and on the wall clock, filters in the URL, and rows that refresh."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.desk.service import NewIncident, get_incident, open_incident
from stabil.desk.suggestion import Impact
from stabil.desk.transitions import hand_over
from tests.accounts.queries import statements
from tests.cast import Cast
from tests.web.pages import sign_in, text_of

NOW = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Copenhagen
pytestmark = pytest.mark.usefixtures("frozen", "services")
CRITICAL = Impact(users_affected_percent=100, central_function=True)


def report(session: Session, who: User, title: str, impact: Impact | None = None) -> str:
    new = NewIncident(service="borger-dk", title=title, description="", impact=impact or Impact())
    incident = open_incident(session, who, new)
    session.commit()
    return incident.key


def keys_in_order(html: str) -> list[str]:
    return re.findall(r'<tr id="row-([^"]+)"', html)


def test_what_is_due_first_is_at_the_top_and_breached_first(
    client: TestClient, cast: Cast, session: Session, frozen: time_machine.Coordinates
) -> None:
    low = report(session, cast.operator.user, "Stavefejl på en side")
    critical = report(session, cast.operator.user, "Log-in fejler", CRITICAL)
    frozen.move_to(NOW + dt.timedelta(minutes=20))  # the critical one's 15 minutes are past
    sign_in(client, cast.operator, next="/desk")
    page = client.get("/desk").text
    assert keys_in_order(page) == [critical, low]
    text = text_of(page)
    assert "2 åbne hændelser, 1 med overskredet frist" in text
    assert "overskredet" in text
    assert "5 min over fristen" in text  # 20 minutes used of the 15 of reaction


def test_a_new_critical_incident_shows_its_fifteen_minutes_in_local_time(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast.operator.user, "Log-in fejler", CRITICAL)
    sign_in(client, cast.operator, next="/desk")
    row = client.get("/desk").text.split(f'id="row-{key}"')[1].split("</tr>")[0]
    text = text_of(row)
    assert "15 min tilbage" in text
    assert "10.15" in text  # due at 10:15 Copenhagen time, not 08:15 UTC
    assert "08.15" not in text


def test_filters_are_kept_in_the_url(client: TestClient, cast: Cast, session: Session) -> None:
    report(session, cast.operator.user, "Stavefejl på en side")
    critical = report(session, cast.operator.user, "Log-in fejler", CRITICAL)
    sign_in(client, cast.operator, next="/desk")
    page = client.get("/desk", params={"priority": "1"}).text
    assert keys_in_order(page) == [critical]
    assert 'hx-get="/desk?priority=1"' in page  # the rows refresh with the same filter
    assert keys_in_order(client.get("/desk", params={"text": "stavefejl"}).text) != [critical]
    assert keys_in_order(client.get("/desk", params={"priority": "x"}).text)  # no filter


def test_an_authority_sees_only_its_own_not_even_in_the_counts(
    client: TestClient, cast: Cast, session: Session
) -> None:
    own = report(session, cast.authority.user, "Vores borgere kan ikke logge ind")
    report(session, cast.other_authority.user, "Andres fejl")
    report(session, cast.operator.user, "Desk's own")
    sign_in(client, cast.authority, next="/desk")
    page = client.get("/desk").text
    assert keys_in_order(page) == [own]
    assert "1 åben hændelse" in text_of(page)


def test_a_supplier_sees_what_is_handed_to_it(
    client: TestClient, cast: Cast, session: Session
) -> None:
    handed = report(session, cast.operator.user, "Til leverandøren")
    report(session, cast.operator.user, "Ikke overdraget")
    incident = get_incident(session, cast.operator.user, handed)
    hand_over(session, cast.operator.user, incident, party="supplier-a")
    session.commit()
    sign_in(client, cast.supplier, next="/desk")
    assert keys_in_order(client.get("/desk").text) == [handed]


def test_the_rows_fragment_holds_only_the_rows(
    client: TestClient, cast: Cast, session: Session
) -> None:
    report(session, cast.operator.user, "Log-in fejler", CRITICAL)
    sign_in(client, cast.viewer, next="/desk")
    fragment = client.get("/desk", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="queue-rows"')
    assert "<html" not in fragment
    assert 'name="service"' not in fragment  # the filter form is left alone


def test_the_page_costs_the_same_statements_for_few_and_many_rows(
    client: TestClient, cast: Cast, session: Session
) -> None:
    sign_in(client, cast.operator, next="/desk")
    report(session, cast.operator.user, "Første")
    with statements(session) as few:
        client.get("/desk")
    for number in range(6):
        report(session, cast.operator.user, f"Hændelse {number}", CRITICAL if number % 2 else None)
    with statements(session) as many:
        assert len(keys_in_order(client.get("/desk").text)) == 7
    assert len(many) == len(few)


def test_english_speaks_english(client: TestClient, cast: Cast, session: Session) -> None:
    report(session, cast.operator.user, "Log-in fejler", CRITICAL)
    sign_in(client, cast.operator, next="/desk")
    text = text_of(client.get("/desk", params={"lang": "en"}).text)
    assert "1 open incident" in text
    assert "15 min left" in text
