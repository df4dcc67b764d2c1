"""Reporting an incident in the browser: the suggested priority shows as the facts are given,
the incident is opened by the same service as the API's, and a refusal says why at its field."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.desk.models import Incident
from tests.cast import Cast
from tests.web.pages import post_form, sign_in, text_of

NOW = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Copenhagen
pytestmark = pytest.mark.usefixtures("frozen", "services")
CRITICAL = {"users_affected_percent": "100", "central_function": "yes"}


def test_the_suggestion_follows_the_facts(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.authority, next="/desk/report")
    none = client.get("/desk/report/suggestion", params={"service": "borger-dk"})
    critical = client.get("/desk/report/suggestion", params={"service": "borger-dk", **CRITICAL})
    assert "Foreslået prioritet: P1" in text_of(critical.text)
    assert "mere end 20 % af brugerne er ramt" in critical.text
    assert "P1" not in text_of(none.text)
    assert "<html" not in critical.text  # a fragment for the form


def test_an_authority_reports_and_lands_on_the_incident(
    client: TestClient, cast: Cast, session: Session
) -> None:
    sign_in(client, cast.authority, next="/desk/report")
    answer = post_form(
        client,
        "/desk/report",
        "/desk/report",
        {
            "service": "borger-dk",
            "title": "Log-in fejler",
            "detected_at": "2026-04-14T09:50",
            **CRITICAL,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, text_of(answer.text)
    key = answer.headers["location"].rsplit("/", 1)[1]
    incident = session.scalars(select(Incident).where(Incident.key == key)).one()
    assert incident.priority == 1
    assert incident.reporter_organisation_id == cast.aarhus.id
    assert incident.channel == "web"
    assert incident.detected_at == dt.datetime(2026, 4, 14, 7, 50, tzinfo=dt.UTC)  # 09:50 local


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": ""}, "title", "Udfyld feltet."),
        ({"users_affected_percent": "140"}, "users_affected_percent", "Angiv højst 100."),
        ({"users_affected_percent": "mange"}, "users_affected_percent", "Angiv et tal, fx 40."),
        ({"detected_at": "i går"}, "detected_at", "Angiv dato og klokkeslæt"),
    ],
)
def test_a_refused_report_says_why_at_the_field_and_opens_nothing(
    client: TestClient,
    cast: Cast,
    session: Session,
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    sign_in(client, cast.operator, next="/desk/report")
    data = {"service": "borger-dk", "title": "Log-in fejler", **values}
    answer = post_form(client, "/desk/report", "/desk/report", data)
    assert answer.status_code == 422
    found = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', answer.text)
    assert found is not None, text_of(answer.text)
    assert message in found[1]
    assert 'value="Log-in fejler"' in answer.text or field == "title"  # nothing typed is lost
    assert session.scalar(select(Incident.id)) is None


def test_the_desk_must_say_why_it_overrides_the_suggestion(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.operator, next="/desk/report")
    data = {"service": "borger-dk", "title": "Log-in fejler", "priority": "3", **CRITICAL}
    answer = post_form(client, "/desk/report", "/desk/report", data)
    assert answer.status_code == 422
    assert 'id="priority_reason-error"' in answer.text


def test_viewers_and_suppliers_may_not_report(client: TestClient, cast: Cast) -> None:
    for member in (cast.viewer, cast.supplier):
        sign_in(client, member, next="/desk")
        assert client.get("/desk/report").status_code == 403
