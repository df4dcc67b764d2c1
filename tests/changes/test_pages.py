"""The change pages: the list with its filters and pages, recording a change through the form,
one change with its plan, windows, quota and history, its steps and window links, and
refusals at the field in Danish (R12.1)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.changes.models import Change, ChangeEvent
from stabil.web.i18n import translations
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.changes.helpers import NOW, plan
from tests.status.conftest import count
from tests.web.pages import post_form, sign_in
from tests.web.pages import text_of as tagless

__all__ = ["NOW"]  # for `frozen`
pytestmark = pytest.mark.usefixtures("frozen", "services")
LIST = "/desk/changes"
HTMX = {"HX-Request": "true"}


def danish(template: str, **values: object) -> str:
    said = translations("da").gettext(template)
    assert said != template, f"no Danish for {template!r}"
    return said.format(**values)


def create(client: TestClient, member: Member, **changes: Any) -> str:
    response = client.post("/api/v1/changes", json=plan(**changes), headers=headers(member))
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def signed_in(client: TestClient, member: Member, next: str = LIST) -> TestClient:
    browser = TestClient(client.app)
    sign_in(browser, member, next=next)
    return browser


def text_of(html: str) -> str:
    return unescape(tagless(html))


def listed_keys(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/desk/changes/([^"]+)">', html)


def window(client: TestClient, cast: Cast, day: int) -> int:
    body = {
        "service": "borger-dk",
        "kind": "short",
        "start": f"2026-04-{day:02d}T01:00:00+02:00",
        "end": f"2026-04-{day:02d}T03:00:00+02:00",
        "title": "Opdatering af databasen",
    }
    response = client.post("/api/v1/windows", json=body, headers=headers(cast.operator))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_the_list_filters_by_service_state_and_type(client: TestClient, cast: Cast) -> None:
    first = create(client, cast.operator)
    emergency = create(client, cast.operator, type="emergency")
    other = create(client, cast.operator, service="example-webservice")
    browser = signed_in(client, cast.supplier)
    everything = browser.get(LIST)
    assert everything.status_code == 200
    assert listed_keys(everything.text) == [other, emergency, first]
    assert "3 ændringer" in text_of(everything.text)
    assert "akut ændring" in text_of(everything.text)
    assert "Registrér en ændring" not in text_of(everything.text)  # a supplier only reads
    assert listed_keys(browser.get(LIST, params={"service": "borger-dk"}).text) == [
        emergency,
        first,
    ]
    assert listed_keys(browser.get(LIST, params={"type": "emergency"}).text) == [emergency]
    assert listed_keys(browser.get(LIST, params={"state": "approved"}).text) == []
    filtered = browser.get(LIST, params={"type": "emergency", "state": "requested"}).text
    assert '<option value="emergency" selected>' in filtered
    assert '<option value="requested" selected>' in filtered
    for nonsense in ({"state": "nope"}, {"type": "x"}, {"page": "x"}, {"service": "a\x00"}):
        answer = browser.get(LIST, params=nonsense)
        assert answer.status_code == 200
    assert listed_keys(browser.get(LIST, params={"type": "x"}).text) == [other, emergency, first]


def test_the_list_is_paged_and_asks_the_same_statements_for_few_changes_as_for_many(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.viewer)

    def statements_of_the_list() -> int:
        with statements(session) as sent:
            assert browser.get(LIST).status_code == 200
        return len(sent)

    keys = [create(client, cast.operator, title=f"Ændring {n}") for n in range(2)]
    few = statements_of_the_list()
    keys += [create(client, cast.operator, title=f"Ændring {n}") for n in range(2, 27)]
    first = browser.get(LIST, params={"type": "normal"}).text
    assert listed_keys(first) == keys[::-1][:25]
    assert "Side 1 af 2" in text_of(first)
    assert 'href="/desk/changes?type=normal&amp;page=2" rel="next"' in first
    assert listed_keys(browser.get(LIST, params={"page": "2"}).text) == keys[::-1][25:]
    assert statements_of_the_list() == few


def test_authorities_see_no_change_pages(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)
    browser = signed_in(client, cast.authority, next="/desk")
    assert browser.get(LIST).status_code == 403
    assert browser.get(f"{LIST}/{key}").status_code == 403
    assert "/desk/changes" not in browser.get("/desk").text  # not in its menu


def test_a_change_is_recorded_through_the_form_in_local_time(
    client: TestClient, cast: Cast
) -> None:
    browser = signed_in(client, cast.operator)
    assert browser.get(f"{LIST}/new").status_code == 200
    data = {
        **{name: value for name, value in plan().items() if name not in ("start", "end")},
        "start": "2026-04-18T01:00",
        "end": "2026-04-18T03:00",
    }
    answer = post_form(browser, f"{LIST}/new", LIST, data, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"{LIST}/CHG-BDK-2026-0001?done=created"
    page = text_of(browser.get(answer.headers["location"]).text)
    assert "Ændringen er registreret." in page
    assert "Stop tjenesten, opgradér, start igen." in page
    recorded = client.get(
        "/api/v1/changes/CHG-BDK-2026-0001", headers=headers(cast.operator)
    ).json()
    assert (recorded["start"], recorded["end"]) == ("2026-04-17T23:00:00Z", "2026-04-18T01:00:00Z")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"end": "2026-04-18T00:30"},
            "end",
            danish("must be after the start ({start})", start="2026-04-17T23:00:00+00:00"),
        ),
        ({"start": ""}, "start", "Udfyld feltet."),
        ({"type": "minor"}, "type", "Vælg en af mulighederne."),
        ({"title": " "}, "title", "Udfyld feltet."),
        ({"start": "i morgen"}, "start", danish("give a date and a time, e.g. 2026-04-14 11:00")),
        (
            {"service": "nowhere"},
            "service",
            danish(
                "no service is named {key!r} (known: {known})",
                key="nowhere",
                known="borger-dk, example-webservice",
            ),
        ),
    ],
    ids=["end before start", "no start", "unknown type", "no title", "no time", "no service"],
)
def test_a_refused_change_says_why_at_the_field_in_danish_and_records_nothing(
    client: TestClient,
    cast: Cast,
    session: Session,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    browser = signed_in(client, cast.operator)
    data = {
        **{name: value for name, value in plan().items() if name not in ("start", "end")},
        "start": "2026-04-18T01:00",
        "end": "2026-04-18T03:00",
        **changes,
    }
    answer = post_form(browser, f"{LIST}/new", LIST, data)
    assert answer.status_code == 422, answer.text
    assert f'id="{field}-error"' in answer.text
    assert message in text_of(answer.text)
    assert plan()["description"] in answer.text  # what was typed is kept
    assert (count(session, Change), count(session, ChangeEvent)) == (0, 0)


def test_a_change_shows_its_plan_windows_quota_and_history(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)
    window_id = window(client, cast, 18)
    client.post(
        f"/api/v1/changes/{key}/windows", json={"window": window_id}, headers=headers(cast.admin)
    )
    page = signed_in(client, cast.viewer).get(f"{LIST}/{key}")
    assert page.status_code == 200
    said = text_of(page.text)
    for fact in (
        "anmodet",
        "normal ændring",
        "mellem",
        "Tilbagerulningsplan",
        "Gendan fra sikkerhedskopien fra samme nat.",
        "18. apr. 2026 01.00",  # the planned start in local time
        "Servicevindue, 2 timer",  # the linked window's kind, by the declaration's name
        "Servicevinduer i 2026",
        "Servicevindue tilknyttet",
        f"vindue {window_id}",
    ):
        assert fact in said, fact
    quota = re.search(
        r"Servicevindue, 2 timer\s*</th>\s*<td>4</td>\s*<td>1</td>\s*<td>3</td>", page.text
    )
    assert quota is not None  # short windows: 4 a year, 1 used, 3 left
    assert 'id="form-step-approved"' not in page.text  # a viewer only reads
    english = signed_in(client, cast.viewer).get(f"{LIST}/{key}", params={"lang": "en"}).text
    assert "Fallback plan" in english
    assert "Service windows in 2026" in english


def step(browser: TestClient, key: str, action: str, data: dict[str, str], **options: Any) -> Any:
    return post_form(browser, f"{LIST}/{key}", f"{LIST}/{key}/{action}", data, **options)


def test_the_steps_and_window_links_of_the_page(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)
    window_id = window(client, cast, 18)
    browser = signed_in(client, cast.operator)
    page = browser.get(f"{LIST}/{key}").text
    assert 'id="form-step-approved"' in page
    assert 'id="form-step-rejected"' in page
    assert f'<option value="{window_id}">' in page
    linked = step(browser, key, "windows", {"window": str(window_id)}, follow_redirects=False)
    assert (linked.status_code, linked.headers["location"]) == (
        303,
        f"{LIST}/{key}?done=linked",
    )
    approved = step(browser, key, "state", {"to": "approved", "note": "CAB"}, headers=HTMX)
    assert approved.status_code == 200
    assert "Ændringen er nu godkendt." in text_of(approved.text)
    assert f'id="form-unlink-{window_id}"' in approved.text
    unlinked = step(browser, key, f"windows/{window_id}/unlink", {}, headers=HTMX)
    assert "Servicevinduet er fjernet fra ændringen." in text_of(unlinked.text)
    changed = client.get(f"/api/v1/changes/{key}", headers=headers(cast.operator)).json()
    assert (changed["state"], changed["windows"]) == ("approved", [])


def test_a_refused_step_says_why_in_danish_and_changes_nothing(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = create(client, cast.operator)
    browser = signed_in(client, cast.operator)
    silent = step(browser, key, "state", {"to": "rejected", "note": ""})
    assert silent.status_code == 422
    assert 'id="step-rejected-note-error"' in silent.text
    assert danish("say why the change is {state}", state="afvist") in text_of(silent.text)
    early = step(browser, key, "state", {"to": "reviewed"})
    assert early.status_code == 409
    assert (
        "CHG-BDK-2026-0001 er anmodet, så trinnet »evalueret« er ikke muligt; tilladt for dig "
        "nu: godkendt, afvist"
    ) in text_of(early.text)
    nothing = step(browser, key, "windows", {"window": ""})
    assert nothing.status_code == 422
    assert 'id="link-window-error"' in nothing.text
    assert count(session, ChangeEvent) == 1
