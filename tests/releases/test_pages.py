"""The release pages: the list with each release's notice and open duty to help, registering a
release, one release with its history and its actions, refusals at the field in Danish, and
English (R11.1)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.releases.models import Release
from tests.accounts.queries import statements
from tests.cast import Cast, Member, headers
from tests.releases.conftest import API, NOW, count, register
from tests.web.pages import post_form, sign_in
from tests.web.pages import text_of as tagless

__all__ = ["NOW"]  # the `frozen` fixture reads it from this module
pytestmark = pytest.mark.usefixtures("frozen", "services")
LIST = "/desk/releases"
HTMX = {"HX-Request": "true"}


def signed_in(client: TestClient, member: Member) -> TestClient:
    browser = TestClient(client.app)
    sign_in(browser, member, next=LIST)
    return browser


def text_of(html: str) -> str:
    return unescape(tagless(html))


def listed(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/desk/releases/\d+">([^<]+)</a>', html)


def test_the_list_shows_each_releases_notice_and_the_open_duty_to_help(
    client: TestClient, cast: Cast
) -> None:
    register(
        client, cast.operator, version="1.9", planned_date="2026-03-20", interface_change=False
    )
    register(client, cast.operator, version="2.0", announce=True)
    register(
        client,
        cast.operator,
        version="2.1",
        planned_date="2026-04-01",
        shorter_notice_reason="urgent",
    )
    browser = signed_in(client, cast.authority)
    page = browser.get(LIST)
    assert page.status_code == 200
    assert listed(page.text) == ["1.9", "2.1", "2.0"]
    said = text_of(page.text)
    assert "3 releases" in said
    assert "Intet varsel nødvendigt" in said
    assert "Varslet i tide 6 måneder" in said
    assert "Kortere varsel begrundelse: hastende grunde" in said
    assert "Hjælp mangler" in said
    assert "tidligst 15. sep. 2026" in said
    assert "Registrér en release" not in said  # an authority reads, it does not register
    assert listed(browser.get(LIST, params={"state": "announced"}).text) == ["2.0"]
    assert listed(browser.get(LIST, params={"year": "2027"}).text) == []
    for nonsense in ({"state": "nope"}, {"year": "abc"}, {"page": "x"}, {"service": "a\x00"}):
        assert browser.get(LIST, params=nonsense).status_code == 200
    english = browser.get(LIST, params={"lang": "en"}).text
    assert "Help owed" in text_of(english)


def test_the_list_asks_the_same_statements_for_few_releases_as_for_many(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.viewer)

    def statements_of_the_list() -> int:
        with statements(session) as sent:
            assert browser.get(LIST).status_code == 200
        return len(sent)

    def one() -> None:
        made = register(
            client, cast.operator, planned_date="2026-04-01", shorter_notice_reason="legal"
        )
        client.post(f"{API}/{made['id']}/help-given", headers=headers(cast.operator))

    one()
    few = statements_of_the_list()
    for _ in range(6):
        one()
    assert statements_of_the_list() == few


def test_a_release_is_registered_through_the_form(client: TestClient, cast: Cast) -> None:
    browser = signed_in(client, cast.operator)
    assert browser.get(f"{LIST}/new").status_code == 200
    answer = post_form(
        browser,
        f"{LIST}/new",
        LIST,
        {
            "service": "borger-dk",
            "version": "2.0",
            "planned_date": "2026-09-15",
            "interface_change": "yes",
            "notes": "Ny log-in-grænseflade.",
            "announce": "yes",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    url = answer.headers["location"]
    assert re.fullmatch(r"/desk/releases/\d+\?done=created", url)
    page = text_of(browser.get(url).text)
    assert "Releasen er registreret." in page
    assert "Varslet i tide" in page
    assert "Meddelelse" in page
    assert "Registreret" in page
    assert "Varslet" in page


def test_too_short_a_notice_is_refused_at_the_date_in_danish(
    client: TestClient, cast: Cast, session: Session
) -> None:
    browser = signed_in(client, cast.operator)
    answer = post_form(
        browser,
        f"{LIST}/new",
        LIST,
        {
            "service": "borger-dk",
            "version": "2.0",
            "planned_date": "2026-09-14",
            "interface_change": "yes",
        },
    )
    assert answer.status_code == 422
    said = text_of(answer.text)
    assert (
        "releasedatoen skal være 2026-09-15 eller senere; angiv en begrundelse for kortere "
        "varsel (en af: juridiske grunde, tekniske grunde, hastende grunde)"
    ) in said
    assert 'id="planned_date-error"' in answer.text
    assert 'value="2026-09-14"' in answer.text  # the form keeps what was sent
    assert count(session, Release) == 0
    missing = post_form(browser, f"{LIST}/new", LIST, {"service": "borger-dk", "version": ""})
    assert missing.status_code == 422
    assert 'id="version-error"' in missing.text


def test_one_release_with_its_duty_to_help_until_it_is_marked_given(
    client: TestClient, cast: Cast
) -> None:
    release = register(
        client, cast.operator, planned_date="2026-04-01", shorter_notice_reason="technical"
    )
    url = f"{LIST}/{release['id']}"
    browser = signed_in(client, cast.operator)
    page = browser.get(url)
    said = text_of(page.text)
    assert "Hjælp efter det kortere varsel" in said
    assert "Ved kortere varsel hjælper Digitaliseringsstyrelsen med viden og rådgivning" in said
    assert "Hjælp mangler" in said
    assert 'id="form-help"' in page.text
    done = post_form(browser, url, f"{url}/help-given", {"note": "Webinar"}, follow_redirects=False)
    assert done.status_code == 303
    after = browser.get(done.headers["location"]).text
    assert "Hjælpen efter det kortere varsel er markeret som givet." in text_of(after)
    assert "Hjælp mangler" not in text_of(after)
    assert 'id="form-help"' not in after
    assert "Webinar" in text_of(after)


def test_the_actions_answer_in_place_and_a_refusal_at_its_form(
    client: TestClient, cast: Cast
) -> None:
    release = register(client, cast.operator)
    url = f"{LIST}/{release['id']}"
    browser = signed_in(client, cast.operator)
    page = browser.get(url).text
    assert 'id="form-release"' not in page  # an interface change goes out once announced
    moved = post_form(
        browser,
        url,
        f"{url}/change",
        {"version": "2.0", "planned_date": "2026-09-01", "interface_change": "yes", "notes": ""},
        headers=HTMX,
    )
    assert moved.status_code == 422
    assert 'id="change-planned_date-error"' in moved.text
    assert "<h1>" in moved.text
    assert "<html" not in moved.text
    announced = post_form(browser, url, f"{url}/announce", {}, headers=HTMX)
    assert announced.status_code == 200
    assert "Releasen er varslet" in text_of(announced.text)
    assert 'id="form-release"' in announced.text
    cancelled = post_form(browser, url, f"{url}/cancel", {"reason": ""}, headers=HTMX)
    assert cancelled.status_code == 422
    assert 'id="cancel-reason-error"' in cancelled.text
    released = post_form(browser, url, f"{url}/release", {}, follow_redirects=False)
    assert released.status_code == 303
    final = browser.get(released.headers["location"]).text
    assert "Releasen er markeret som udgivet." in text_of(final)
    assert 'id="form-' not in final  # nothing more to do


def test_readers_see_no_forms_and_may_not_post_them(client: TestClient, cast: Cast) -> None:
    release = register(client, cast.operator)
    url = f"{LIST}/{release['id']}"
    browser = signed_in(client, cast.viewer)
    page = browser.get(url)
    assert page.status_code == 200
    assert 'id="form-' not in page.text
    assert browser.get(f"{LIST}/new").status_code == 403
    refused = post_form(browser, url, f"{url}/announce", {})
    assert refused.status_code == 403


def test_an_unknown_release_is_a_404_page(client: TestClient, cast: Cast) -> None:
    browser = signed_in(client, cast.supplier)
    for path in ("999", "abc", "0"):
        answer = browser.get(f"{LIST}/{path}")
        assert answer.status_code == 404
        assert "Releasen findes ikke" in text_of(answer.text)


def test_the_release_page_in_english(client: TestClient, cast: Cast) -> None:
    release = register(client, cast.operator, notes_en="A new log-in interface.")
    browser = signed_in(client, cast.admin)
    said = text_of(browser.get(f"{LIST}/{release['id']}", params={"lang": "en"}).text)
    assert "Release 2.0" in said
    assert "Announced today, the release date must be 15 Sept 2026 or later." in said
    assert "A new log-in interface." in said


def test_the_menu_leads_every_role_to_the_releases(client: TestClient, cast: Cast) -> None:
    for member in (cast.authority, cast.supplier, cast.viewer):
        page = signed_in(client, member).get("/desk")
        assert 'href="/desk/releases"' in page.text
