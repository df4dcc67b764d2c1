"""The screenshots in docs/screenshots/: the main pages on a demo history, in both languages.

    .venv/bin/python -m tests.browser.screenshots

Writes a three-month Borger.dk demo into a temporary database, serves it, signs in as the
demo's operator in Debian's Chromium and saves each page at 1280 px wide. Not a test: run it
when the pages change, and commit the pictures.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from stabil.demo.people import DEMO_PASSWORD
from tests.browser.harness import chromium_launch_options, fetched_assets
from tests.outbox.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "screenshots"
OPERATOR = "operator@styrelsen.example"


def stabil(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "stabil", *arguments], env=env, check=True, cwd=ROOT)


def shoot(page: Page, path: str, name: str) -> None:
    for lang in ("da", "en"):
        page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=TARGET / f"{name}-{lang}.png", full_page=False)
        print(f"docs/screenshots/{name}-{lang}.png")


def shoot_public(page: Page, path: str, name: str) -> None:
    """A public page: its English version lives at `/en` + its path, not behind `?lang=`."""
    for lang, prefix in (("da", ""), ("en", "/en")):
        page.goto(prefix + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=TARGET / f"{name}-{lang}.png", full_page=False)
        print(f"docs/screenshots/{name}-{lang}.png")


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        var = Path(folder)
        (var / "assets").symlink_to(fetched_assets(), target_is_directory=True)
        env = {name: value for name, value in os.environ.items() if not name.startswith("STABIL_")}
        env |= {"STABIL_DATABASE_URL": f"sqlite:///{var / 'demo.db'}", "STABIL_VAR_DIR": str(var)}
        stabil(env, "db", "upgrade")
        stabil(env, "service", "load", *map(str, sorted((ROOT / "declarations").glob("*.yaml"))))
        stabil(env, "demo", "--service", "borger-dk", "--months", "3")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "stabil", "serve", "--port", str(port)], env=env, cwd=ROOT
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(**chromium_launch_options())
                context = browser.new_context(
                    base_url=url,
                    viewport={"width": 1280, "height": 900},
                    locale="da-DK",
                    timezone_id="Europe/Copenhagen",
                )
                page = context.new_page()
                page.goto("/login")
                page.locator("input[name=email]").fill(OPERATOR)
                page.locator("input[name=password]").fill(DEMO_PASSWORD)
                page.locator("form[action^='/login'] [type=submit]").click()
                page.wait_for_url(re.compile(r"/desk"))
                shoot(page, "/desk", "queue")
                page.goto("/desk/majors")
                major = page.locator("main a[href^='/desk/majors/']").first.get_attribute("href")
                if major:
                    shoot(page, major, "cockpit")
                    shoot(page, major.replace("/desk/majors/", "/desk/incidents/"), "incident")
                shoot(page, "/desk/report", "report")
                shoot(page, "/desk/reports", "compliance")
                shoot_public(page, "/status/borger-dk", "status")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
