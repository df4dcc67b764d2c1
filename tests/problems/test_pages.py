"""The problem pages: the list with its filters and pages, recording a problem, one problem with
its known error, linked incidents and history, each action's form, who sees and may do what,
refusals at the field in Danish, English, and local times."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.problems.models import Problem
from stabil.web.i18n import translations
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.status.conftest import count, incident
from tests.web.pages import hidden, post_form, sign_in
from tests.web.pages import text_of as tagless

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")
LIST = "/desk/problems"
HTMX = {"HX-Request": "true"}


def danish(template: str, **values: object) -> str:
    """A refusal as the Danish page says it, from whichever catalogue holds its Danish."""
    said = translations("da").gettext(template)
    assert said != template, f"no Danish for {template!r}"
    return said.format(**values)


def da(name: str) -> str:
    return translations("da").gettext(name)


def create(client: TestClient, member: Member, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"service": "borger-dk", "title": "Certifikater udløber uanmeldt"}
    data.update(changes)
    response = client.post("/api/v1/problems", json=data, headers=headers(member))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def shown(client: TestClient, key: str, member: Member) -> dict[str, Any]:
    """The problem as the API shows it: what a page's form did, seen another way."""
    response = client.get(f"/api/v1/problems/{key}", headers=headers(member))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def signed_in(client: TestClient, member: Member) -> TestClient:
    """A browser of its own for `member`, signed in through the form."""
    browser = TestClient(client.app)
    sign_in(browser, member, next=LIST)
    return browser


def text_of(html: str) -> str:
    """What the page says, its characters unescaped."""
    return unescape(tagless(html))


def listed_keys(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/desk/problems/([^"]+)">', html)


def handed_to_supplier_a(client: TestClient, cast: Cast) -> str:
    key = incident(client, cast.operator)
    response = client.post(
        f"/api/v1/incidents/{key}/transitions",
        json={"to": "handed_over", "party": "supplier-a"},
        headers=headers(cast.operator),
    )
    assert response.status_code == 200, response.text
    return key


def test_the_list_filters_by_service_state_known_error_and_text_kept_in_the_url(
    client: TestClient, cast: Cast
) -> None:
    first = create(client, cast.operator, title="MitID-log-in fejler")["key"]
    known = create(client, cast.operator, title="Certifikat udløber", workaround="Forny manuelt")
    client.patch(
        f"/api/v1/problems/{known['key']}",
        json={"state": "known_error"},
        headers=headers(cast.operator),
    )
    other = create(client, cast.operator, service="example-webservice")["key"]
    browser = signed_in(client, cast.operator)
    everything = browser.get(LIST)
    assert everything.status_code == 200
    assert listed_keys(everything.text) == [other, known["key"], first]  # newest first
    assert "3 problemer" in text_of(everything.text)
    assert listed_keys(browser.get(LIST, params={"service": "example-webservice"}).text) == [other]
    assert listed_keys(browser.get(LIST, params={"state": "known_error"}).text) == [known["key"]]
    assert listed_keys(browser.get(LIST, params={"known_error": "yes"}).text) == [known["key"]]
    assert listed_keys(browser.get(LIST, params={"known_error": "no"}).text) == [other, first]
    assert listed_keys(browser.get(LIST, params={"text": "mitid"}).text) == [first]
    filtered = browser.get(LIST, params={"service": "borger-dk", "known_error": "yes"}).text
    # The form shows the filters it was sent, so that the next search starts from them.
    assert '<option value="borger-dk" selected>' in filtered
    assert '<option value="yes" selected>' in filtered
    # A filter that names nothing filters nothing, and is never an error.
    for nonsense in ({"state": "nope"}, {"known_error": "maybe"}, {"page": "x"}):
        answer = browser.get(LIST, params=nonsense)
        assert answer.status_code == 200
        assert len(listed_keys(answer.text)) == 3
    assert listed_keys(browser.get(LIST, params={"text": "a\x00b"}).text) == []


def test_the_list_is_paginated_and_its_links_keep_the_filters(
    client: TestClient, cast: Cast
) -> None:
    keys = [create(client, cast.operator, title=f"Fejl {n}")["key"] for n in range(27)]
    browser = signed_in(client, cast.operator)
    first = browser.get(LIST, params={"service": "borger-dk"}).text
    assert listed_keys(first) == keys[::-1][:25]
    assert "Side 1 af 2" in text_of(first)
    assert 'href="/desk/problems?service=borger-dk&amp;page=2" rel="next"' in first
    second = browser.get(LIST, params={"service": "borger-dk", "page": "2"}).text
    assert listed_keys(second) == keys[::-1][25:]
    assert 'href="/desk/problems?service=borger-dk" rel="prev"' in second
    beyond = browser.get(LIST, params={"page": "9"})
    assert (beyond.status_code, listed_keys(beyond.text)) == (200, [])
    assert "Denne side af listen er tom." in text_of(beyond.text)


def test_the_list_asks_the_same_statements_for_few_problems_as_for_many(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.viewer)

    def statements_of_the_list() -> int:
        with statements(session) as sent:
            assert browser.get(LIST).status_code == 200
        return len(sent)

    for _ in range(2):
        create(client, cast.operator, incidents=[incident(client, cast.operator)], owner="digst")
    few = statements_of_the_list()
    for _ in range(12):
        create(client, cast.operator, incidents=[incident(client, cast.operator)], owner="digst")
    assert len(listed_keys(browser.get(LIST).text)) == 14
    assert statements_of_the_list() == few


def test_one_problem_asks_the_same_statements_however_long_its_history(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.supplier)
    key = create(client, cast.operator, owner="supplier-a")["key"]
    url = f"{LIST}/{key}"

    def statements_of_the_page() -> int:
        with statements(session) as sent:
            assert browser.get(url).status_code == 200
        return len(sent)

    def grow() -> None:
        link = {"incidents": [handed_to_supplier_a(client, cast), incident(client, cast.operator)]}
        client.post(f"/api/v1/problems/{key}/incidents", json=link, headers=headers(cast.admin))
        note = {"note": "Undersøges"}
        client.post(f"/api/v1/problems/{key}/notes", json=note, headers=headers(cast.admin))

    grow()  # one of everything the page shows, then many
    short = statements_of_the_page()
    for _ in range(8):
        grow()
    assert len(shown(client, key, cast.supplier)["incidents"]) == 9
    assert statements_of_the_page() == short


def test_a_problem_is_recorded_through_the_form(client: TestClient, cast: Cast) -> None:
    linked = incident(client, cast.operator)
    browser = signed_in(client, cast.operator)
    form = browser.get(f"{LIST}/new")
    assert form.status_code == 200
    answer = post_form(
        browser,
        f"{LIST}/new",
        LIST,
        {
            "service": "borger-dk",
            "title": "Certifikater udløber",
            "description": "Log-in fejler hver måned",
            "owner": "supplier-a",
            "incidents": f" {linked}, ",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{LIST}/PRB-BDK-2026-0001?done=created"
    page = browser.get(answer.headers["location"]).text
    assert "Problemet er registreret." in text_of(page)
    assert f'<a href="/desk/incidents/{linked}">{linked}</a>' in page
    recorded = shown(client, "PRB-BDK-2026-0001", cast.operator)
    assert (recorded["owner"], recorded["incidents"]) == ("supplier-a", [linked])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"incidents": "BDK-2026-0999"},
            "incidents",
            danish("no incident is named {keys}", keys="BDK-2026-0999"),
        ),
        ({"title": "   "}, "title", "Udfyld feltet."),
        ({"title": "x" * 201}, "title", "Brug højst 200 tegn."),
        ({"service": ""}, "service", "Udfyld feltet."),
        (
            {"owner": "nobody"},
            "owner",
            danish(
                "no organisation is named {key!r} (known: {known})",
                key="nobody",
                known="aarhus, digst, odense, supplier-a, supplier-b",
            ),
        ),
    ],
)
def test_a_refused_problem_says_why_at_the_field_in_danish_and_records_nothing(
    client: TestClient,
    cast: Cast,
    session: Session,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    browser = signed_in(client, cast.operator)
    data = {"service": "borger-dk", "title": "Certifikater udløber", **changes}
    answer = post_form(browser, f"{LIST}/new", LIST, data)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert message in text_of(answer.text)
    assert f'value="{data["title"]}"' in answer.text  # what was typed is kept
    assert count(session, Problem) == 0


def step(browser: TestClient, key: str, action: str, data: dict[str, str], **options: Any) -> Any:
    return post_form(browser, f"{LIST}/{key}", f"{LIST}/{key}/{action}", data, **options)


def test_each_action_of_the_page_calls_the_service_and_leads_back(
    client: TestClient, cast: Cast
) -> None:
    first, second = incident(client, cast.operator), incident(client, cast.operator)
    key = create(client, cast.operator, incidents=[first])["key"]
    browser = signed_in(client, cast.operator)
    url = f"{LIST}/{key}"

    saved = step(browser, key, "analysis", {"root_cause": "Fornyes ikke", "workaround": ""})
    assert shown(client, key, cast.operator)["root_cause"] == "Fornyes ikke"
    assert "Grundårsagen og den midlertidige løsning er gemt." in text_of(saved.text)
    marked = step(
        browser,
        key,
        "analysis",
        {"root_cause": "Fornyes ikke", "workaround": "Forny manuelt", "known_error": "yes"},
        follow_redirects=False,
    )
    assert (marked.status_code, marked.headers["location"]) == (303, f"{url}?done=analysis")
    assert shown(client, key, cast.operator)["state"] == "known_error"
    step(browser, key, "incidents", {"incidents": second})
    assert shown(client, key, cast.operator)["incidents"] == sorted([first, second])
    step(browser, key, f"incidents/{first}/unlink", {})
    assert shown(client, key, cast.operator)["incidents"] == [second]
    step(browser, key, "notes", {"note": "Leverandøren er orienteret"})
    step(browser, key, "state", {"to": "resolved", "note": "Rettet i version 2"})
    assert shown(client, key, cast.operator)["state"] == "resolved"
    step(browser, key, "state", {"to": "closed"})
    closed = browser.get(url).text
    assert shown(client, key, cast.operator)["state"] == "closed"
    # Closed: its incidents are final and no step is left; a note may still be added.
    assert f'action="{url}/incidents"' not in closed
    assert f'action="{url}/state"' not in closed
    assert f'action="{url}/notes"' in closed
    history = text_of(closed)
    for said in ("Hændelser tilknyttet", "Hændelse fjernet", "Leverandøren er orienteret"):
        assert said in history
    assert "Status lukket (før: løst)" in history
    events = client.get(f"/api/v1/problems/{key}/events", headers=headers(cast.viewer)).json()
    assert [event["kind"] for event in events] == [
        "opened",
        "edited",
        "edited",
        "transition",
        "incidents_linked",
        "incident_unlinked",
        "note",
        "transition",
        "transition",
    ]


def test_with_htmx_a_form_answers_in_place_with_the_record(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    browser = signed_in(client, cast.operator)
    page = browser.get(f"{LIST}/{key}").text
    assert f'hx-post="{LIST}/{key}/notes" hx-target="#record"' in page
    answer = step(browser, key, "notes", {"note": "Undersøges"}, headers=HTMX)
    assert answer.status_code == 200
    assert "<html" not in answer.text  # only the record, which the form swaps in place
    assert 'role="status" data-focus' in answer.text
    assert "Noten er tilføjet." in text_of(answer.text)
    refused = step(browser, key, "notes", {"note": " "}, headers=HTMX)
    assert refused.status_code == 422
    assert "<html" not in refused.text
    assert 'id="note-note-error"' in refused.text
    assert danish("write the note") in text_of(refused.text)


def test_a_known_error_without_its_work_around_is_refused_at_the_field_and_changes_nothing(
    client: TestClient, cast: Cast
) -> None:
    key = create(client, cast.operator)["key"]
    browser = signed_in(client, cast.operator)
    data = {"root_cause": "Fornyes ikke", "workaround": "  ", "known_error": "yes"}
    answer = step(browser, key, "analysis", data)
    assert answer.status_code == 422
    assert 'id="analysis-workaround-error"' in answer.text
    refusal = "a known error needs its work-around written down (give workaround)"
    assert danish(refusal) in text_of(answer.text)
    assert ">Fornyes ikke</textarea>" in answer.text  # what was typed is kept
    after = shown(client, key, cast.operator)
    assert (after["state"], after["root_cause"], after["revision"]) == ("open", "", 1)


def test_a_step_the_state_no_longer_allows_is_refused_in_danish_with_what_is_allowed(
    client: TestClient, cast: Cast
) -> None:
    key = create(client, cast.operator)["key"]
    browser = signed_in(client, cast.operator)
    answer = step(browser, key, "state", {"to": "closed", "note": "for tidligt"})
    assert answer.status_code == 409
    said = text_of(answer.text)
    refusal = "{name} is {state}, which does not allow {action}; allowed for you now: {allowed}"
    allowed = f"{da('known_error')}, {da('resolved')}"  # each name in Danish
    expected = danish(refusal, name=key, state=da("open"), action=da("closed"), allowed=allowed)
    assert expected in said
    assert "known_error" not in said
    assert shown(client, key, cast.operator)["revision"] == 1
    nonsense = step(browser, key, "state", {"to": "gone"})
    assert nonsense.status_code == 422
    assert "Vælg en af mulighederne." in text_of(nonsense.text)


def test_a_viewer_reads_everything_and_changes_nothing(client: TestClient, cast: Cast) -> None:
    linked = incident(client, cast.operator)
    key = create(client, cast.operator, incidents=[linked])["key"]
    client.post(
        f"/api/v1/problems/{key}/notes", json={"note": "Analyse"}, headers=headers(cast.operator)
    )
    browser = signed_in(client, cast.viewer)
    assert listed_keys(browser.get(LIST).text) == [key]
    page = browser.get(f"{LIST}/{key}").text
    assert "Analyse" in page
    assert f'href="/desk/incidents/{linked}"' in page
    assert "Registrér et problem" not in page
    assert re.findall(r'<form method="post" action="([^"]+)"', page) == ["/logout"]
    assert browser.get(f"{LIST}/new").status_code == 403
    csrf = hidden(page, "csrf")
    attempts = {
        LIST: {"service": "borger-dk", "title": "x"},
        f"{LIST}/{key}/state": {"to": "resolved"},
        f"{LIST}/{key}/analysis": {"root_cause": "x", "workaround": "y", "known_error": "yes"},
        f"{LIST}/{key}/incidents": {"incidents": linked},
        f"{LIST}/{key}/incidents/{linked}/unlink": {},
        f"{LIST}/{key}/notes": {"note": "x"},
    }
    for action, data in attempts.items():
        assert browser.post(action, data={**data, "csrf": csrf}).status_code == 403, action
    after = shown(client, key, cast.operator)
    assert (after["revision"], after["incidents"]) == (2, [linked])
    assert client.get("/api/v1/problems", headers=headers(cast.viewer)).json()["total"] == 1


def test_a_supplier_sees_its_own_and_its_incidents_problems_and_no_other(
    client: TestClient, cast: Cast
) -> None:
    handed = handed_to_supplier_a(client, cast)
    unseen = incident(client, cast.operator)
    owned = create(client, cast.operator, owner="supplier-a")["key"]
    through = create(client, cast.operator, incidents=[handed, unseen])["key"]
    others = create(client, cast.operator, owner="supplier-b")["key"]
    supplier = signed_in(client, cast.supplier)
    assert listed_keys(supplier.get(LIST).text) == [through, owned]
    page = supplier.get(f"{LIST}/{through}").text
    # Only the incidents it may see: the other one is not there, not even in the history.
    assert f'href="/desk/incidents/{handed}"' in page
    assert f">{unseen}<" not in page
    assert re.findall(r'<form method="post" action="([^"]+)"', page) == ["/logout"]
    missing = supplier.get(f"{LIST}/{others}")
    assert missing.status_code == 404
    assert danish("no problem is named {key!r}", key=others) in text_of(missing.text)
    assert supplier.get(f"{LIST}/PRB-BDK-2026-0999").status_code == 404
    stranger = signed_in(client, cast.other_supplier)
    assert listed_keys(stranger.get(LIST).text) == [others]
    assert stranger.get(f"{LIST}/{owned}").status_code == 404


def test_an_authority_sees_the_problems_of_its_own_incidents_only(
    client: TestClient, cast: Cast
) -> None:
    own = incident(client, cast.authority)
    theirs = incident(client, cast.other_authority)
    mine = create(client, cast.operator, incidents=[own])["key"]
    other = create(client, cast.operator, incidents=[theirs])["key"]
    authority = signed_in(client, cast.authority)
    assert listed_keys(authority.get(LIST).text) == [mine]
    assert authority.get(f"{LIST}/{other}").status_code == 404
    csrf = hidden(authority.get(LIST).text, "csrf")
    refused = authority.post(f"{LIST}/{mine}/notes", data={"note": "x", "csrf": csrf})
    assert refused.status_code == 403
    assert shown(client, mine, cast.operator)["revision"] == 1


def test_the_english_page_speaks_english(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator, workaround="Forny manuelt")["key"]
    browser = signed_in(client, cast.operator)
    listing = text_of(browser.get(LIST, params={"lang": "en"}).text)
    assert "Problems and known errors" in listing
    assert "1 problem" in listing
    assert "Problemer og kendte fejl" not in listing
    page = text_of(browser.get(f"{LIST}/{key}").text)  # the cookie keeps the language
    assert "Save and mark as known error" in page
    assert "Gem og markér som kendt fejl" not in page
    refused = step(browser, key, "state", {"to": "closed"})
    assert "PRB-BDK-2026-0001 is open, which does not allow closed" in text_of(refused.text)


def test_times_are_local_to_the_declarations_zone(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]  # at 10:00 in Copenhagen, 08:00 UTC
    browser = signed_in(client, cast.operator)
    for html in (browser.get(LIST).text, browser.get(f"{LIST}/{key}").text):
        assert '<time datetime="2026-04-14T10:00:00+02:00">14. apr. 2026 10.00</time>' in html
        assert "08.00" not in html
    english = browser.get(f"{LIST}/{key}", params={"lang": "en"}).text
    assert ">14 Apr 2026 10:00</time>" in english


def test_the_api_adds_a_note_as_the_page_does(client: TestClient, cast: Cast) -> None:
    key = create(client, cast.operator)["key"]
    url = f"/api/v1/problems/{key}/notes"
    assert (
        client.post(
            url, json={"note": "Ring til leverandøren"}, headers=headers(cast.admin)
        ).json()["revision"]
        == 2
    )
    assert client.post(url, json={"note": ""}, headers=headers(cast.admin)).status_code == 422
    assert client.post(url, json={"note": "x"}, headers=headers(cast.viewer)).status_code == 403
    events = client.get(f"/api/v1/problems/{key}/events", headers=headers(cast.viewer)).json()
    assert (events[-1]["kind"], events[-1]["note"]) == ("note", "Ring til leverandøren")
