"""A critical incident worked in the browser from its report to the subscribers' mail.

An authority reports a P1 through the form; an operator finds it at the top of the queue with
15 minutes of primary time to react (or all 15 still to come, outside primary time), hands it
to a supplier; the supplier resolves it; the operator posts the orientation message from the
major-incident cockpit (R9.3, R14) and the subscribers' mail arrives at the SMTP server. A
viewer sees everything and can change nothing; another authority never sees the incident,
not even in the queue's count. Real `stabil serve`, real Chromium, real SMTP.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.harness import (
    LOCALE,
    PAGE_TIMEOUT_MS,
    TIMEZONE,
    Live,
    assert_accessible,
    sign_in,
)
from tests.cast import Member

SUBSCRIBER = "drift@aarhus.example"


@pytest.fixture
def open_as(browser: Browser, live: Live) -> Iterator[Callable[..., Page]]:
    """A signed-in page for a member, each in a context of its own (its own cookies)."""
    contexts = []

    def opened(member: Member, next: str = "/") -> Page:
        context = browser.new_context(base_url=live.url, locale=LOCALE, timezone_id=TIMEZONE)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, member, next=next)
        return page

    yield opened
    for context in contexts:
        context.close()


def state_of(page: Page) -> Locator:
    """The incident's state as its facts show it."""
    return page.locator("#incident dt:text-is('Status') + dd")


def test_a_critical_incident_from_report_to_the_subscribers_mail(
    open_as: Callable[..., Page], live: Live
) -> None:
    cast = live.cast
    with live.app.client(cast.admin) as api:
        added = api.post("/api/v1/subscribers", json={"service": "borger-dk", "email": SUBSCRIBER})
        assert added.status_code in (201, 409), added.text

    # An authority reports; the suggestion says P1 as the facts are given.
    authority = open_as(cast.authority, "/desk/report")
    authority.get_by_label("Hvad fejler?").fill("Log-in fejler for alle borgere")
    authority.get_by_label("Andel af brugerne, der er ramt (%)").fill("100")
    authority.get_by_label("En central funktion fejler").check()
    expect(authority.locator("#suggestion")).to_contain_text("Foreslået prioritet: P1")
    assert_accessible(authority)
    authority.get_by_role("button", name="Anmeld hændelsen").click()
    expect(authority).to_have_url(re.compile(r"/desk/incidents/BDK-\d{4}-\d+$"))
    key = authority.url.rsplit("/", 1)[1]

    # The operator finds it at the top of the queue, its 15 minutes of reaction running.
    operator = open_as(cast.operator, "/desk")
    first = operator.locator("table.queue tbody tr").first
    expect(first).to_contain_text(key)
    expect(first).to_contain_text(re.compile(r"1[45] min"))
    assert_accessible(operator)
    operator.get_by_role("link", name=key).click()
    assert_accessible(operator)
    hand_over = operator.locator("#form-handed_over")
    hand_over.locator("select[name=party]").select_option("supplier-a")
    hand_over.get_by_role("button").click()
    expect(state_of(operator)).to_have_text("overdraget")

    # The supplier sees it in its queue and resolves it.
    supplier = open_as(cast.supplier, "/desk")
    expect(supplier.locator("table.queue")).to_contain_text(key)
    supplier.goto(f"/desk/incidents/{key}")
    supplier.locator("#form-resolved").get_by_role("button").click()
    expect(state_of(supplier)).to_have_text("løst")

    # The operator tells the users from the cockpit that the service is restored (R9.6),
    # with the message the composer prefills; the subscriber's mail arrives.
    operator.goto(f"/desk/majors/{key}")
    assert_accessible(operator)
    operator.locator(f"form[action='/desk/majors/{key}/restored']").get_by_role("button").click()
    expect(operator.locator("#restored")).to_contain_text("sendt")
    mail = live.wait_for_mail(lambda message: SUBSCRIBER in str(message["To"]), timeout=60)
    assert "Borger.dk" in str(mail["Subject"]) or key in str(mail.get_content())

    # A viewer sees it all and can change nothing.
    viewer = open_as(cast.viewer, f"/desk/incidents/{key}")
    expect(viewer.locator("main")).to_contain_text(key)
    assert viewer.locator("main form[method=post]").count() == 0

    # Another authority never sees it, not even in the count.
    other = open_as(cast.other_authority, "/desk")
    expect(other.locator("main")).not_to_contain_text(key)
    expect(other.locator("#queue-rows")).to_contain_text("0 åbne hændelser")
    other.goto(f"/desk/incidents/{key}")
    expect(other.locator("main")).not_to_contain_text("Log-in fejler")
