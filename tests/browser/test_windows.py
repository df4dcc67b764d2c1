"""A service window planned in the browser: the plan form says which rules the times break as
they are typed, a proposed slot fills them in, the window is planned and announced in place,
and the calendar shows it on its day (R13). Real `stabil serve`, real Chromium, htmx."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.browser.harness import Live, assert_accessible, sign_in

CPH = ZoneInfo("Europe/Copenhagen")


def test_a_window_is_planned_from_a_proposed_slot_and_announced(page: Page, live: Live) -> None:
    sign_in(page, live.cast.operator, next="/desk/windows/new?service=borger-dk")
    # Tomorrow night: too little notice for a window of 3 days' notice (R13.1).
    tomorrow = (dt.datetime.now(CPH) + dt.timedelta(days=1)).date().isoformat()
    page.get_by_label("Start (lokal tid)").fill(f"{tomorrow}T01:00")
    page.get_by_label("Slut (lokal tid)").fill(f"{tomorrow}T03:00")
    check = page.locator("#check")
    expect(check).to_contain_text("Vinduet bryder 1 regel:")
    expect(check).to_contain_text("skal varsles 3 dage før")
    assert_accessible(page)

    slot = page.locator("button[name=slot]").first
    start = (slot.get_attribute("value") or "").split("/")[0][:16]
    slot.click()
    expect(page.get_by_label("Start (lokal tid)")).to_have_value(start)
    expect(check).to_contain_text("Vinduet overholder alle deklarationens regler.")
    assert_accessible(page)

    page.get_by_label("Titel").fill("Opdatering af søgningen")
    page.get_by_role("button", name="Planlæg vinduet").click()
    expect(page).to_have_url(re.compile(r"/desk/windows/\d+\?done=planned$"))
    expect(page.get_by_role("status")).to_contain_text("Vinduet er planlagt.")
    page.get_by_role("button", name="Varsl vinduet").click()
    expect(page.get_by_role("status")).to_contain_text("Vinduet er varslet.")
    expect(page.locator("#record dt:text-is('Status') + dd")).to_have_text("Varslet")
    assert_accessible(page)

    window = page.url.split("?")[0].rsplit("/", 1)[1]
    page.goto(f"/desk/windows?service=borger-dk&year={start[:4]}")
    day = int(start[8:10])
    cell = page.locator(f"td:has(a[href='/desk/windows/{window}'])")
    expect(cell.locator(".day")).to_have_text(str(day))
