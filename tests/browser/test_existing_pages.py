"""The pages that exist before the desk, in real Chromium against a real server: signing in
through the form, the catalogue and the mailbox, and axe-core on each in both languages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import BOTH_DATABASES, Live, assert_accessible, axe_violations, sign_in


@BOTH_DATABASES
def test_an_admin_signs_in_through_the_form_and_reads_the_catalogue(page: Page, live: Live) -> None:
    sign_in(page, live.cast.admin, next="/declarations")
    expect(page).to_have_url(f"{live.url}/declarations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Servicedeklarationer")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=2, name="Borger.dk")).to_be_visible()


def test_a_wrong_password_keeps_the_visitor_at_the_form(page: Page, live: Live) -> None:
    member = live.cast.admin
    page.goto("/login")
    page.locator("input[name=email]").fill(member.user.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("form[action^='/login'] [type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("Forkert")
    page.goto("/admin/mailbox")  # still not signed in: the form again, to come back after
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    assert urlsplit(page.url).path == "/login"
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/admin/mailbox"]


def test_the_mailbox_says_mail_goes_over_smtp(page: Page, live: Live) -> None:
    sign_in(page, live.cast.admin, next="/admin/mailbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Postkasse")
    expect(page.locator("main")).to_contain_text("127.0.0.1")
    page.goto("/admin/mailbox?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mailbox")


def test_mail_queued_beside_the_server_reaches_the_smtp_server(live: Live) -> None:
    live.app.queue_mail("Prøve fra browsertestene")
    mail = live.wait_for_mail(lambda message: "browsertestene" in str(message["Subject"]))
    assert mail["To"] == "drift@borger.example"


def test_axe_core_finds_what_is_broken(page: Page, live: Live) -> None:
    """The check itself can fail: a page with an unlabelled field and no language is caught."""
    page.set_content('<html><body><form><input type="text"></form></body></html>')
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"html-has-lang", "label"} <= found
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "label (critical): Form elements must have labels" in message
    assert '    input  <input type="text">' in message  # the element, and what would mend it
    assert "Element does not have an explicit <label>" in message


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_login_page_is_accessible(page: Page, live: Live, lang: str) -> None:
    page.goto(f"/login?lang={lang}")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_catalogue_is_accessible(page: Page, live: Live, lang: str) -> None:
    page.goto(f"/?lang={lang}")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_mailbox_is_accessible(page: Page, live: Live, lang: str) -> None:
    sign_in(page, live.cast.admin, next="/admin/mailbox")
    page.goto(f"/admin/mailbox?lang={lang}")
    assert_accessible(page)


def test_a_script_error_in_the_page_is_caught(page: Page, page_errors: list[str]) -> None:
    """What the page itself reports (here an inline script the policy refuses) fails a test."""
    page.goto("/login")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    expect(page.locator("body")).to_be_visible()
    assert any("Content Security Policy" in error for error in page_errors), page_errors
    assert page.evaluate("window.ran") is None
    page_errors.clear()
