"""The public status pages in real Chromium, without a server: the rendered files and the
static and design-system assets are handed to the browser as it asks for them, under the
app's Content-Security-Policy. Every page, in Danish and in English, passes axe-core's WCAG
2.1 A and AA rules, fits a phone 360 px wide, and the keyboard alone reaches the
subscription form and the language switch (R10.1, R10.2)."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from stabil.public.pages import index_files, page_files
from stabil.public.site import page_path
from stabil.web.headers import CONTENT_SECURITY_POLICY
from tests.browser.harness import LOCALE, PAGE_TIMEOUT_MS, TIMEZONE, assert_accessible, watch_errors
from tests.public.page_sample import sample_status

ORIGIN = "http://status.test"
STATIC = Path(__file__).resolve().parents[2] / "src" / "stabil" / "web" / "static"
PHONE = {"width": 360, "height": 740}
SUBMIT = ".subscribe-form [type=submit]"
NAME = "e => e.id || e.getAttribute('href') || e.tagName"  # what a focused element is called
TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}


def _served(files: dict[str, bytes], assets: Path) -> Callable[[Route], None]:
    """Answers the browser's requests from the files, as `stabil serve` or nginx would."""

    def answer(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path.startswith(("/static/", "/assets/")):
            root, inner = (STATIC, path[8:]) if path.startswith("/static/") else (assets, path[8:])
            found = (root / inner).resolve()
            if found.is_relative_to(root.resolve()) and found.is_file():
                kind = (
                    TYPES.get(found.suffix)
                    or mimetypes.guess_type(found.name)[0]
                    or "application/octet-stream"
                )
                route.fulfill(body=found.read_bytes(), content_type=kind)
                return
        elif (body := files.get(page_path(path))) is not None:
            route.fulfill(
                body=body,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
            )
            return
        route.fulfill(status=404, body=b"not found")

    return answer


@pytest.fixture(scope="module")
def site(assets: Path) -> dict[str, bytes]:
    status = sample_status()
    return {item.path: item.body for item in [*page_files(status), *index_files([status])]}


@pytest.fixture(scope="module", params=["da", "en"])
def phone(
    request: pytest.FixtureRequest, browser: Browser, site: dict[str, bytes], assets: Path
) -> Iterator[tuple[Page, str]]:
    """A page on a phone-sized screen, one context per language for the module."""
    context: BrowserContext = browser.new_context(
        base_url=ORIGIN, locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.route(f"{ORIGIN}/**", _served(site, assets))
    errors: list[str] = []
    try:
        page = context.new_page()
        watch_errors(page, errors)
        yield page, request.param
    finally:
        context.close()
    assert not errors, "the pages reported errors:\n" + "\n".join(errors)


def _paths(site: dict[str, bytes], language: str) -> list[str]:
    """The address of every page of the language."""
    english = language == "en"
    return sorted(
        "/" + path.removesuffix("/index.html") for path in site if path.startswith("en/") == english
    )


def _service(language: str) -> str:
    return "/status/borger-dk" if language == "da" else "/en/status/borger-dk"


def test_every_public_page_is_accessible_and_fits_a_phone(
    phone: tuple[Page, str], site: dict[str, bytes]
) -> None:
    page, language = phone
    paths = _paths(site, language)
    assert len(paths) == 8  # the index, the service, its archive, two months, three messages
    for path in paths:
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 200, path
        assert page.evaluate("document.documentElement.lang") == language
        assert_accessible(page)
        # The design system hides the body's overflow: measure the content, not the scroll.
        assert page.evaluate("document.body.scrollWidth <= innerWidth"), f"{path} is too wide"
    # The design system's icons and fonts came: a state is an icon beside its words.
    page.goto(_service(language))
    assert page.locator(".state svg use").first.evaluate("u => u.getBoundingClientRect().width") > 0


def test_the_keyboard_reaches_the_language_switch_and_the_subscription_form(
    phone: tuple[Page, str],
) -> None:
    page, language = phone
    page.goto(_service(language))
    reached: list[str] = []
    while not page.evaluate(f"document.activeElement.matches({SUBMIT!r})"):
        assert len(reached) < 120, f"Tab never reached the form's button: {reached}"
        page.keyboard.press("Tab")
        reached.append(page.evaluate(f"({NAME})(document.activeElement)"))
    assert reached[0] == "#main"  # the skip link comes first
    other = _service("en" if language == "da" else "da")
    assert other in reached[:4]
    assert {"subscribe-email", "subscribe-part-login", "subscribe-type-slow"} <= set(reached)
