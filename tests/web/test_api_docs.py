"""/docs serves Swagger UI from the app itself: nothing from another origin, nothing inline."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from stabil.web.api_docs import SWAGGER_UI_FILES
from stabil.web.app import create_app
from tests.conftest import ROOT

INIT_SCRIPT = ROOT / "src" / "stabil" / "web" / "static" / "api-docs.js"


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app without a database: the docs need none."""
    with TestClient(create_app()) as client:
        yield client


class References(HTMLParser):
    """Every URL a page loads (src, href) and every inline script's text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self.openapi_url: str | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        self.openapi_url = values.get("data-openapi-url") or self.openapi_url
        self._in_script = tag == "script" and "src" not in values

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_docs_load_only_files_of_this_origin(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    found = References()
    found.feed(page.text)
    assert found.inline_scripts == []
    assert len(found.urls) == 3  # the style sheet, Swagger UI, the script that starts it
    for url in found.urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), url
        assert url.startswith("/"), url
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert len(answer.content) > 100, url
    assert found.openapi_url == "/openapi.json"
    assert client.get(found.openapi_url).json()["openapi"].startswith("3.1")


def test_the_swagger_ui_shipped_can_show_openapi_3_1() -> None:
    # Swagger UI 4 shows "Unable to render this definition" for the 3.1 schema FastAPI makes.
    bundle = (SWAGGER_UI_FILES / "swagger-ui-bundle.js").read_text(encoding="utf-8")
    assert 'PACKAGE_VERSION:"5.' in bundle


def test_pasted_tokens_are_not_kept_by_the_browser() -> None:
    script = INIT_SCRIPT.read_text(encoding="utf-8")
    assert "persistAuthorization: false" in script
    assert "validatorUrl: null" in script


def test_fastapis_own_cdn_pages_are_gone(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404
    assert "cdn" not in client.get("/docs").text
