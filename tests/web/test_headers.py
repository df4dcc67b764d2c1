"""Security headers on every answer; personal answers are never cached."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.web.app import create_app
from stabil.web.deps import get_session
from stabil.web.pages import SESSION_COOKIE
from tests.cast import Cast, headers

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "stabil" / "web" / "templates"
EVERYWHERE = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.fixture(scope="module")
def failing_app() -> FastAPI:
    """The app with one route that fails, to see the headers of a 500; built once, as
    building the app costs more than these tests."""
    app = create_app()

    @app.get("/fails")
    def fails() -> None:
        raise RuntimeError("a bug")

    return app


@pytest.fixture
def app(failing_app: FastAPI, session: Session) -> Iterator[FastAPI]:
    failing_app.dependency_overrides[get_session] = lambda: session
    yield failing_app
    failing_app.dependency_overrides.clear()


@pytest.fixture
def web(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def policy(response: httpx.Response) -> dict[str, str]:
    directives = response.headers["content-security-policy"].split(";")
    return dict(directive.strip().partition(" ")[::2] for directive in directives)


def assert_secured(response: httpx.Response) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers[name] == value, (response.request.url, name)
    csp = policy(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers  # plain HTTP


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/login", 200),
        ("/docs", 200),
        ("/static/stabil.css", 200),
        ("/api/v1/services", 200),
        ("/api/v1/me", 401),
        ("/no-such-page", 404),
        ("/fails", 500),
    ],
)
def test_every_kind_of_answer_is_secured(web: TestClient, path: str, status: int) -> None:
    response = web.get(path)
    assert response.status_code == status
    assert_secured(response)


def test_a_refused_body_is_secured(web: TestClient) -> None:
    response = web.post("/api/v1/incidents", content=b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert_secured(response)
    assert response.headers["cache-control"] == "no-store"


def test_hsts_only_over_tls(app: FastAPI) -> None:
    # Behind a trusted proxy uvicorn takes the scheme from X-Forwarded-Proto.
    with TestClient(app, base_url="https://stabil.example", raise_server_exceptions=False) as tls:
        assert tls.get("/").headers["strict-transport-security"] == "max-age=31536000"
        assert tls.get("/fails").headers["strict-transport-security"] == "max-age=31536000"


def test_api_answers_are_not_stored(web: TestClient, cast: Cast) -> None:
    assert web.get("/api/v1/services").headers["cache-control"] == "no-store"
    assert web.get("/api/v1/me").headers["cache-control"] == "no-store"
    signed = web.get("/api/v1/me", headers=headers(cast.viewer))
    assert signed.status_code == 200
    assert signed.headers["cache-control"] == "no-store"


def test_signed_in_pages_are_not_stored_public_ones_may_be(web: TestClient) -> None:
    assert "cache-control" not in web.get("/").headers
    web.cookies.set(SESSION_COOKIE, "any-session")
    assert web.get("/").headers["cache-control"] == "no-store"
    assert web.get("/admin/mailbox").headers["cache-control"] == "no-store"  # the redirect too


def test_public_files_stay_cacheable_when_signed_in(web: TestClient) -> None:
    web.cookies.set(SESSION_COOKIE, "any-session")
    for path in ("/static/stabil.css", "/docs/assets/swagger-ui.css"):
        response = web.get(path)
        assert response.status_code == 200
        assert "cache-control" not in response.headers, path
        assert "etag" in response.headers


def test_a_route_may_choose_its_own_caching_for_public_api_data(app: FastAPI) -> None:
    @app.get("/api/v1/cacheable")
    def cacheable() -> JSONResponse:
        return JSONResponse({}, headers={"Cache-Control": "public, max-age=60"})

    with TestClient(app) as client:
        assert client.get("/api/v1/cacheable").headers["cache-control"] == "public, max-age=60"
        signed = client.get("/api/v1/cacheable", headers={"Authorization": "Bearer x"})
        assert signed.headers["cache-control"] == "no-store"  # personal: never stored


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def test_no_template_needs_what_the_policy_forbids() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 5
    for template in templates:
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            assert not pattern.search(text), f"{template.name} has {what}"
