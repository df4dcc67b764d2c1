"""Fixtures of the browser tests: one Chromium per test process, one served app per module
(SQLite, or each kind of database with `BOTH_DATABASES`), a fresh browser context per test.

    def test_the_catalogue(page: Page, live: Live) -> None:
        sign_in(page, live.cast.admin)
        assert_accessible(page)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.harness import (
    LOCALE,
    PAGE_TIMEOUT_MS,
    TIMEZONE,
    Live,
    chromium_launch_options,
    fetched_assets,
    live_server,
    watch_errors,
)


@pytest.fixture(scope="session")
def assets() -> Path:
    """The locked front-end packages (DKFDS, axe-core, ...), fetched once and kept."""
    return fetched_assets()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**chromium_launch_options())
        yield chromium
        chromium.close()


# One param, so that a module's tests on SQLite share one server whether or not some of
# them are also run on PostgreSQL (`BOTH_DATABASES`): the param, not its absence, is cached.
@pytest.fixture(scope="module", params=["sqlite"])
def live(
    request: pytest.FixtureRequest, assets: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """`stabil serve` on SQLite (or the kind `BOTH_DATABASES` passes), shared by a module."""
    database: str = request.param
    with live_server(database, tmp_path_factory.mktemp(f"live-{database}"), assets) as app:
        yield app


@pytest.fixture
def page_errors() -> list[str]:
    """The script and console errors of the test's page; a test that causes some on purpose
    checks and clears them, as any left fail the test."""
    return []


@pytest.fixture
def page(browser: Browser, live: Live, page_errors: list[str]) -> Iterator[Page]:
    """A page in a context of its own (no cookies from other tests), Danish, in Copenhagen."""
    context = browser.new_context(base_url=live.url, locale=LOCALE, timezone_id=TIMEZONE)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        opened = context.new_page()
        watch_errors(opened, page_errors)
        yield opened
    finally:
        context.close()
    assert not page_errors, "the page reported errors:\n" + "\n".join(page_errors)
