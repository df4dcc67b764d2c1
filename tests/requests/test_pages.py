"""The service-request pages: the list scoped as the API is, its filters and pages, the form to
submit a request, one request with its timers and history, each step's form, who sees and may
do what, refusals at the field in Danish, English, and local times."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.requests.models import ServiceRequest
from stabil.web.i18n import translations
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.status.conftest import count
from tests.web.pages import hidden, post_form, sign_in
from tests.web.pages import text_of as tagless

CPH = ZoneInfo("Europe/Copenhagen")
# Tuesday 14 April 2026, 10:00 in Copenhagen: inside the example's business hours (07-17).
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")
LIST = "/desk/requests"
HTMX = {"HX-Request": "true"}


def danish(template: str, **values: object) -> str:
    """A refusal as the Danish page says it, from whichever catalogue holds its Danish."""
    said = translations("da").gettext(template)
    assert said != template, f"no Danish for {template!r}"
    return said.format(**values)


def da(name: str) -> str:
    return translations("da").gettext(name)


def submit(client: TestClient, member: Member, **changes: Any) -> str:
    data: dict[str, Any] = {
        "service": "example-webservice",
        "title": "Nulstil adgangskode",
        "category": "access",
    }
    data.update(changes)
    response = client.post("/api/v1/requests", json=data, headers=headers(member))
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def shown(client: TestClient, cast: Cast, key: str) -> dict[str, Any]:
    """The request as the API shows the desk: what a page's form did, seen another way."""
    response = client.get(f"/api/v1/requests/{key}", headers=headers(cast.viewer))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def text_of(html: str) -> str:
    """What the page says, its characters unescaped."""
    return unescape(tagless(html))


def signed_in(client: TestClient, member: Member) -> TestClient:
    """A browser of its own for `member`, signed in through the form."""
    browser = TestClient(client.app)
    sign_in(browser, member, next=LIST)
    return browser


def listed_keys(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/desk/requests/([^"]+)">', html)


def post_forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', html)


def step(browser: TestClient, key: str, data: dict[str, str], **options: Any) -> Any:
    return post_form(browser, f"{LIST}/{key}", f"{LIST}/{key}/state", data, **options)


def test_each_reader_sees_the_requests_the_api_shows_it(client: TestClient, cast: Cast) -> None:
    aarhus = submit(client, cast.authority)
    desk = submit(client, cast.operator, service="borger-dk", category="information")
    odense = submit(client, cast.other_authority, category="advice")
    seen = {
        "viewer": [odense, desk, aarhus],
        "operator": [odense, desk, aarhus],
        "authority": [aarhus],
        "other_authority": [odense],
        "supplier": [],
    }
    for name, keys in seen.items():
        member: Member = getattr(cast, name)
        page = signed_in(client, member).get(LIST)
        assert page.status_code == 200, name
        assert listed_keys(page.text) == keys, name
        api = client.get("/api/v1/requests", headers=headers(member)).json()
        assert [item["key"] for item in api["items"]] == keys, name
    supplier = signed_in(client, cast.supplier)
    assert "Ingen serviceanmodninger passer til filtrene." in text_of(supplier.get(LIST).text)
    assert supplier.get(f"{LIST}/{aarhus}").status_code == 404
    authority = signed_in(client, cast.authority)
    hidden_one = authority.get(f"{LIST}/{odense}")
    assert hidden_one.status_code == 404
    assert danish("no service request is named {key!r}", key=odense) in text_of(hidden_one.text)


def test_the_list_filters_by_service_state_and_category_and_is_paginated(
    client: TestClient, cast: Cast
) -> None:
    keys = [submit(client, cast.operator, title=f"Anmodning {n}") for n in range(26)]
    advice = submit(client, cast.operator, service="borger-dk", category="advice")
    client.post(
        f"/api/v1/requests/{keys[0]}/transitions",
        json={"to": "in_progress"},
        headers=headers(cast.operator),
    )
    browser = signed_in(client, cast.operator)
    assert listed_keys(browser.get(LIST, params={"service": "borger-dk"}).text) == [advice]
    by_category = browser.get(LIST, params={"category": "advice"}).text
    assert listed_keys(by_category) == [advice]
    assert f"<td>{da('advice')}</td>" in by_category
    assert da("advice") == "rådgivning"
    assert listed_keys(browser.get(LIST, params={"state": "in_progress"}).text) == [keys[0]]
    first = browser.get(LIST, params={"category": "access"}).text
    assert listed_keys(first) == keys[::-1][:25]
    assert "26 serviceanmodninger" in text_of(first)
    assert '<option value="access" selected>' in first
    assert 'href="/desk/requests?category=access&amp;page=2" rel="next"' in first
    second = browser.get(LIST, params={"category": "access", "page": "2"}).text
    assert listed_keys(second) == [keys[0]]
    for nonsense in ({"state": "nope"}, {"category": "x"}, {"page": "-1"}, {"service": "a\x00"}):
        assert browser.get(LIST, params=nonsense).status_code == 200


def test_the_list_asks_the_same_statements_for_few_requests_as_for_many(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.authority)

    def statements_of_the_list() -> int:
        with statements(session) as sent:
            assert browser.get(LIST).status_code == 200
        return len(sent)

    submit(client, cast.authority)
    few = statements_of_the_list()
    for _ in range(15):
        key = submit(client, cast.authority)
        step_body = {"to": "in_progress", "note": "Vi kigger på det"}
        client.post(
            f"/api/v1/requests/{key}/transitions", json=step_body, headers=headers(cast.operator)
        )
    assert len(listed_keys(browser.get(LIST).text)) == 16
    assert statements_of_the_list() == few


def test_an_authority_submits_a_request_through_the_form(client: TestClient, cast: Cast) -> None:
    browser = signed_in(client, cast.authority)
    form = browser.get(f"{LIST}/new")
    assert form.status_code == 200
    assert "5 Serviceanmodning" in text_of(form.text)  # the declaration's own priority
    answer = post_form(
        browser,
        f"{LIST}/new",
        LIST,
        {
            "service": "example-webservice",
            "category": "access",
            "title": "Nulstil adgangskode",
            "requester": "Jens, Aarhus IT",
            "priority": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{LIST}/SR-EWS-2026-0001?done=submitted"
    page = text_of(browser.get(answer.headers["location"]).text)
    assert "Anmodningen er sendt." in page
    assert "Anmodet af Jens, Aarhus IT, Aarhus Kommune" in page
    # 1 working day of 10 business hours: Tuesday 10-17 leaves 3 hours for Wednesday.
    assert "Reaktionstid i tide 10 t tilbage · frist 15. apr. 2026 10.00" in page
    submitted = shown(client, cast, "SR-EWS-2026-0001")
    assert (submitted["organisation"], submitted["priority"]) == ("aarhus", 5)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"priority": "3"},
            "priority",
            danish(
                "{priority} is not a service-request priority of {service} (use one of {levels})",
                priority=3,
                service="example-webservice",
                levels=[5],
            ),
        ),
        ({"title": ""}, "title", "Udfyld feltet."),
        ({"category": "wishes"}, "category", "Vælg en af mulighederne."),
        ({"priority": "fem"}, "priority", "Angiv et helt tal."),
        ({"requester": "x" * 201}, "requester", "Brug højst 200 tegn."),
    ],
)
def test_a_refused_request_says_why_at_the_field_in_danish_and_submits_nothing(
    client: TestClient,
    cast: Cast,
    session: Session,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    browser = signed_in(client, cast.authority)
    data = {"service": "example-webservice", "category": "access", "title": "Nulstil", **changes}
    answer = post_form(browser, f"{LIST}/new", LIST, data)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert message in text_of(answer.text)
    assert count(session, ServiceRequest) == 0


def test_each_step_of_the_page_calls_the_service_and_leads_back(
    client: TestClient, cast: Cast
) -> None:
    key = submit(client, cast.authority)
    browser = signed_in(client, cast.operator)
    started = step(browser, key, {"to": "in_progress", "note": "Vi ringer"}, follow_redirects=False)
    assert (started.status_code, started.headers["location"]) == (303, f"{LIST}/{key}?done=state")
    assert shown(client, cast, key)["state"] == "in_progress"
    page = browser.get(started.headers["location"]).text
    assert "Anmodningen har nu status under behandling." in text_of(page)
    assert "Reaktionstid overholdt" in text_of(page)
    step(browser, key, {"to": "fulfilled"})
    step(browser, key, {"to": "closed", "note": "Afsluttet"})
    closed = browser.get(f"{LIST}/{key}").text
    assert shown(client, cast, key)["state"] == "closed"
    assert post_forms(closed) == ["/logout"]  # nothing follows closed
    history = text_of(closed)
    assert "Status under behandling (før: modtaget)" in history
    assert "Status lukket (før: udført)" in history
    assert "Afsluttet" in history

    rejected = submit(client, cast.authority)
    step(browser, rejected, {"to": "rejected", "reason": "Kun for kommuner"})
    assert (shown(client, cast, rejected)["state"], shown(client, cast, rejected)["reason"]) == (
        "rejected",
        "Kun for kommuner",
    )
    assert "Begrundelse for afvisningen Kun for kommuner" in text_of(
        browser.get(f"{LIST}/{rejected}").text
    )


def test_a_rejection_without_a_reason_is_refused_at_the_field_and_changes_nothing(
    client: TestClient, cast: Cast
) -> None:
    key = submit(client, cast.authority)
    browser = signed_in(client, cast.operator)
    answer = step(browser, key, {"to": "rejected", "reason": "", "note": "afvis"})
    assert answer.status_code == 422
    assert 'id="step-rejected-reason-error"' in answer.text
    assert danish("say why the request is rejected") in text_of(answer.text)
    assert ">afvis</textarea>" in answer.text  # what was typed is kept
    after = shown(client, cast, key)
    assert (after["state"], after["revision"]) == ("submitted", 1)
    fragment = step(browser, key, {"to": "rejected", "reason": " "}, headers=HTMX)
    assert fragment.status_code == 422
    assert "<html" not in fragment.text
    assert 'id="step-rejected-reason-error"' in fragment.text


def test_with_htmx_a_step_answers_in_place_with_the_record(client: TestClient, cast: Cast) -> None:
    key = submit(client, cast.authority)
    browser = signed_in(client, cast.operator)
    assert f'hx-post="{LIST}/{key}/state" hx-target="#record"' in browser.get(f"{LIST}/{key}").text
    answer = step(browser, key, {"to": "in_progress"}, headers=HTMX)
    assert answer.status_code == 200
    assert "<html" not in answer.text
    assert 'role="status" data-focus' in answer.text
    assert "Anmodningen har nu status under behandling." in text_of(answer.text)


def test_the_requesting_authority_may_withdraw_its_own_and_do_nothing_else(
    client: TestClient, cast: Cast
) -> None:
    key = submit(client, cast.authority)
    odense = submit(client, cast.other_authority)
    browser = signed_in(client, cast.authority)
    page = browser.get(f"{LIST}/{key}").text
    assert post_forms(page) == ["/logout", f"{LIST}/{key}/state"]
    assert 'name="to" value="withdrawn"' in page
    refused = step(browser, key, {"to": "in_progress"})
    assert refused.status_code == 403
    refusal = "your role ({role}) may not make {name} {action} from {state} (who may: {who})"
    names = {"role": da("authority"), "action": da("in_progress"), "state": da("submitted")}
    who = f"{da('admin')}, {da('operator')}"
    assert danish(refusal, name=key, who=who, **names) in text_of(refused.text)
    assert "authority" not in names.values()  # the role is named in Danish too
    assert shown(client, cast, key)["state"] == "submitted"
    csrf = hidden(page, "csrf")
    other = browser.post(f"{LIST}/{odense}/state", data={"to": "withdrawn", "csrf": csrf})
    assert other.status_code == 404
    assert shown(client, cast, odense)["state"] == "submitted"
    step(browser, key, {"to": "withdrawn", "note": "Løst selv"})
    withdrawn = text_of(browser.get(f"{LIST}/{key}").text)
    assert shown(client, cast, key)["state"] == "withdrawn"
    assert "Anmodningen er trukket tilbage og tæller ikke med i nogen måling." in withdrawn


def test_a_viewer_and_a_supplier_change_nothing(client: TestClient, cast: Cast) -> None:
    key = submit(client, cast.authority)
    viewer = signed_in(client, cast.viewer)
    page = viewer.get(f"{LIST}/{key}").text
    assert post_forms(page) == ["/logout"]
    listing = viewer.get(LIST).text
    assert "Send en serviceanmodning" not in listing
    assert viewer.get(f"{LIST}/new").status_code == 403
    csrf = hidden(page, "csrf")
    for to in ("in_progress", "fulfilled", "rejected", "withdrawn"):
        answer = viewer.post(f"{LIST}/{key}/state", data={"to": to, "reason": "x", "csrf": csrf})
        assert answer.status_code == 403, to
    created = viewer.post(LIST, data={"service": "example-webservice", "title": "x", "csrf": csrf})
    assert created.status_code == 403
    supplier = signed_in(client, cast.supplier)
    csrf = hidden(supplier.get(LIST).text, "csrf")
    withdrawn = supplier.post(f"{LIST}/{key}/state", data={"to": "withdrawn", "csrf": csrf})
    assert withdrawn.status_code == 403
    assert supplier.get(f"{LIST}/new").status_code == 403
    assert shown(client, cast, key)["revision"] == 1
    assert client.get("/api/v1/requests", headers=headers(cast.viewer)).json()["total"] == 1


def test_a_form_without_the_sessions_token_changes_nothing(client: TestClient, cast: Cast) -> None:
    key = submit(client, cast.authority)
    browser = signed_in(client, cast.operator)
    forged = browser.post(f"{LIST}/{key}/state", data={"to": "in_progress", "csrf": "forged"})
    assert forged.status_code == 400
    assert shown(client, cast, key)["state"] == "submitted"


def test_the_english_page_speaks_english(client: TestClient, cast: Cast) -> None:
    key = submit(client, cast.authority)
    browser = signed_in(client, cast.operator)
    listing = text_of(browser.get(LIST, params={"lang": "en"}).text)
    assert "1 service request" in listing
    assert "Submit a service request" in listing
    assert "Send en serviceanmodning" not in listing
    page = text_of(browser.get(f"{LIST}/{key}").text)
    assert "Start work" in page
    assert "Reaction time in time 10 h left · due 15 Apr 2026 10:00" in page
    assert "Påbegynd" not in page


def test_times_are_local_to_the_declarations_zone(client: TestClient, cast: Cast) -> None:
    key = submit(client, cast.authority)  # at 10:00 in Copenhagen, 08:00 UTC
    browser = signed_in(client, cast.authority)
    for html in (browser.get(LIST).text, browser.get(f"{LIST}/{key}").text):
        assert '<time datetime="2026-04-14T10:00:00+02:00">14. apr. 2026 10.00</time>' in html
        assert "08.00" not in html
