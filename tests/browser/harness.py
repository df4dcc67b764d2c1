"""What the browser tests stand on: Debian's Chromium, the locked front-end packages, a served
app with a real mail server beside it, and helpers to sign in and to check accessibility.

See DEVELOPERS.md, "Browser tests". The browser is Debian's package, driven by Playwright;
Playwright's own browser download (`playwright install`) is never used: the tests need no
browser but the one the system installs and updates.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, Response
from rich.progress import Progress

from stabil.web.assets import AssetError, fetch, is_installed, locked_packages
from stabil.web.navigation import landing_for
from tests.browser.needs import CHROMIUM
from tests.cast import Cast, Member
from tests.conftest import ROOT
from tests.outbox.servers import MailServer, smtp_server
from tests.web.served import Served, served

# Quiet and offline: no update checks, no sync, no first-run pages; --no-sandbox as the
# tests run as root in CI, where Chromium's sandbox refuses to start.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# STABIL_BROWSER_HEADED=1 shows the window (a display is needed) and slows each step down.
HEADED = os.environ.get("STABIL_BROWSER_HEADED") == "1"
LOCALE = "da-DK"
TIMEZONE = "Europe/Copenhagen"
# Each wait of a page (a click, a navigation, a locator) fails after this long, not hangs.
PAGE_TIMEOUT_MS = 10_000

# The fetched packages are kept between runs, beside the virtual environment (gitignored).
ASSET_CACHE = ROOT / ".cache" / "assets"
AXE = ASSET_CACHE / "axe-core" / "axe.min.js"
# WCAG 2.1 levels A and AA, the level the pages promise; axe tags each rule with its level.
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

# PostgreSQL for a module: `@BOTH_DATABASES` on a test (or as `pytestmark`) runs it on a
# server on each kind of database; without it, `live` runs on SQLite.
BOTH_DATABASES = pytest.mark.parametrize(
    "live", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True
)


def chromium_launch_options() -> dict[str, Any]:
    flags = [flag for flag in CHROMIUM_FLAGS if not (HEADED and flag == "--headless")]
    return {
        "executable_path": str(CHROMIUM),
        "args": flags,
        "headless": not HEADED,
        "slow_mo": 250 if HEADED else 0,
    }


def fetched_assets() -> Path:
    """The locked front-end packages in ASSET_CACHE, fetched (integrity-checked) if missing.

    A lock file keeps parallel test workers from unpacking the same package at once.
    """
    ASSET_CACHE.mkdir(parents=True, exist_ok=True)
    with (ASSET_CACHE.parent / "assets.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = [p for p in locked_packages() if not is_installed(p, ASSET_CACHE)]
        try:
            for package in missing:
                fetch(package, ASSET_CACHE, Progress(disable=True))
        except (AssetError, OSError) as error:
            pytest.fail(f"the browser tests need the locked front-end packages: {error}")
    return ASSET_CACHE


@dataclass
class Live:
    """A served app (`stabil serve` with its worker) whose mail goes to `mail` over SMTP."""

    app: Served
    mail: MailServer

    @property
    def url(self) -> str:
        return self.app.url

    @property
    def cast(self) -> Cast:
        return self.app.cast

    def wait_for_mail(
        self, matches: Callable[[EmailMessage], bool], timeout: float = 30
    ) -> EmailMessage:
        """The first message received that `matches`, waiting for it at most `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            found = [message for message in self.mail.received if matches(message)]
            if found:
                return found[0]
            subjects = [str(message["Subject"]) for message in self.mail.received]
            assert time.monotonic() < deadline, f"no such mail within {timeout} s: {subjects}"
            time.sleep(0.1)


@contextmanager
def live_server(database: str, directory: Path, assets: Path) -> Iterator[Live]:
    """A real server on `database`'s kind, the cast and borger.dk in it, assets and SMTP set."""
    (directory / "assets").symlink_to(assets, target_is_directory=True)
    with (
        smtp_server() as mail,
        served(
            database,
            directory,
            STABIL_SMTP_HOST="127.0.0.1",
            STABIL_SMTP_PORT=str(mail.port),
            STABIL_SMTP_SECURITY="none",
        ) as app,
    ):
        yield Live(app=app, mail=mail)


def watch_errors(page: Page, errors: list[str]) -> None:
    """Collect into `errors` what goes wrong in `page` that no assertion would see: uncaught
    script errors, the console's errors (a script or style the Content-Security-Policy
    refused) and a script, style, image or call that failed. A page's own status is the
    test's to check; the browser's request for /favicon.ico, which no page asks for, is let
    be (and is not seen here)."""

    def on_console(message: ConsoleMessage) -> None:
        # "Failed to load resource" repeats what on_response says, and of documents too.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.request.resource_type}: {response.status} {response.url}")

    def on_page_error(error: Error) -> None:
        errors.append(f"script: {error.message}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", on_page_error)


def sign_in(page: Page, member: Member, next: str = "/") -> None:
    """Sign `member` in through the real form; the page is then at `next` (for `/`: where
    the member's role lands)."""
    page.goto("/login?" + urlencode({"next": next}))
    page.locator("input[name=email]").fill(member.user.email)
    page.locator("input[name=password]").fill(member.password)
    with page.expect_navigation():
        page.locator("form[action^='/login'] [type=submit]").click()
    landed = urlsplit(page.url)
    if landed.path == "/login":
        alerts = page.get_by_role("alert").all_inner_texts()
        raise AssertionError(f"{member.user.email} was not signed in: {alerts or page.title()}")
    expected = landing_for(member.user.role) if next == "/" else urlsplit(next).path
    assert landed.path == expected, f"signed in, but landed on {page.url}"


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page, tags: tuple[str, ...] = WCAG_21_AA) -> list[dict[str, Any]]:
    """axe-core's violations of the rules tagged `tags` on the page as it is now.

    axe-core is evaluated in the page through the browser's debugging protocol, which the
    page's Content-Security-Policy does not govern: a <script> tag (add_script_tag) would be
    an inline script, refused by the policy. The policy stays in force for the page's own
    scripts, so a page that breaks it fails its tests as it would fail its users.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
        assert page.evaluate("typeof window.axe === 'object'"), "axe-core did not load"
    results: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags)
    )
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: its rule, what it asks, and each element that breaks it
    (its selector and the start of its HTML), with what would mend it."""
    parts = []
    for violation in violations:
        parts.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        parts.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = ", ".join(map(str, node["target"]))
            parts.append(f"    {target}  {node['html'][:120]}")
            parts.append("      " + " ".join(node["failureSummary"].split()))
    return "\n".join(parts)


def assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A or AA violation that axe-core finds on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, f"axe-core finds on {page.url}:\n" + describe(violations)
