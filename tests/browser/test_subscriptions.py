"""A visitor subscribes in the browser (R10.2), from the form to the one-click unsubscribe.

The visitor sends the form on the published status page, first with a bad address, then a
good one; the confirmation mail
arrives at a real SMTP server; its link and button confirm; the manage page changes the
choices, in Danish and in English; an operator posts a message, whose mail arrives with the
List-Unsubscribe headers; their one-click POST deletes the address. Every page on the way
passes axe-core. Real `stabil serve`, real Chromium, real SMTP.
"""

from __future__ import annotations

import re
from email.message import EmailMessage

import httpx
from playwright.sync_api import Page, expect

from tests.browser.harness import Live, assert_accessible

SUBSCRIBER = "drift@horsens.example"


def mail_to(live: Live, subject: str) -> EmailMessage:
    return live.wait_for_mail(
        lambda mail: str(mail["To"]) == SUBSCRIBER and str(mail["Subject"]).startswith(subject)
    )


def link_in(mail: EmailMessage, path: str) -> str:
    return re.findall(rf"(http://127\.0\.0\.1:\d+{path}[^\s]+)", mail.get_content())[0]


def test_a_visitor_subscribes_confirms_chooses_hears_and_leaves(page: Page, live: Live) -> None:
    page.goto("/status/subscriptions/manage/no-such-link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Linket kan ikke bruges")
    assert_accessible(page)

    page.goto("/status/borger-dk")  # the page the worker published as the server started
    form = page.locator("form[action$='/status/borger-dk/subscribe']")
    form.get_by_label("E-mailadresse").fill("drift@horsens")
    form.get_by_label("Log-in med MitID").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Abonnér").click()
    expect(page.get_by_role("alert").first).to_contain_text("er ikke en e-mailadresse")
    expect(page.get_by_label("Log-in med MitID")).to_be_checked()  # kept as it was sent
    assert_accessible(page)

    page.get_by_label("E-mailadresse").fill(SUBSCRIBER)
    page.get_by_role("button", name="Abonnér").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek din mail")
    assert_accessible(page)

    confirmation = mail_to(live, "Bekræft dit abonnement")
    page.goto(link_in(confirmation, "/status/subscriptions/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekræft dit abonnement")
    assert_accessible(page)
    page.get_by_role("button", name="Bekræft abonnementet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abonnementet er bekræftet")
    assert_accessible(page)

    page.get_by_role("link", name="Ændr, hvad du får").click()
    page.get_by_label("Lange svartider").check()
    page.get_by_label("Utilgængelig", exact=True).check()
    page.get_by_role("button", name="Gem valgene").click()
    expect(page.get_by_role("status")).to_contain_text("Dine valg er gemt.")
    assert_accessible(page)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your subscription")
    expect(page.get_by_label("Long response times")).to_be_checked()
    assert_accessible(page)

    with live.app.client(live.cast.operator) as api:
        posted = api.post(
            "/api/v1/messages",
            json={
                "service": "borger-dk",
                "type": "unavailable",
                "affected": ["Log-in med MitID"],
                "title": "Log-in virker ikke",
                "body": "Borgere kan ikke logge ind.",
            },
        )
        assert posted.status_code == 201, posted.text
    notice = mail_to(live, "[Borger.dk] Driftsstatus: Log-in virker ikke")
    page.goto(link_in(notice, "/status/subscriptions/manage/"))
    expect(page.get_by_text(SUBSCRIBER).first).to_be_visible()
    unsubscribe = str(notice["List-Unsubscribe"]).strip("<>")
    assert str(notice["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"

    # The worker publishes the status page again once the message is posted.
    page.goto("/status/borger-dk")
    for _ in range(50):
        if "Log-in virker ikke" in page.locator("main").inner_text():
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(page.locator("main")).to_contain_text("Log-in virker ikke")
    page.goto(link_in(notice, "/status/subscriptions/manage/"))

    # What a mail program does (RFC 8058): one POST, no cookie, no page.
    one_click = httpx.post(
        unsubscribe,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Linket kan ikke bruges")
