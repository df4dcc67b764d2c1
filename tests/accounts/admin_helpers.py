"""What the tests of the administration's pages share: only admins get in, and a page's
forms posted the way a browser does, with htmx or without."""

from __future__ import annotations

import json
from html import unescape
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.cast import Cast
from tests.web.pages import post_form, sign_in, text_of

NOT_ADMINS = ("operator", "viewer", "supplier", "authority")
HTMX = {"HX-Request": "true"}


def others_are_refused(
    client: TestClient, cast: Cast, pages: list[str], forms: dict[str, dict[str, Any]]
) -> None:
    """Every page and every form answers each role but the admin's with the 403 page, and a
    stranger with the way to sign in."""
    for name in NOT_ADMINS:
        sign_in(client, getattr(cast, name), next="/account/password")
        for url in pages:
            answer = client.get(url)
            assert answer.status_code == 403, (name, url)
            assert "Din rolle giver ikke adgang til denne side." in answer.text
        for action, data in forms.items():
            answer = post_form(client, "/account/password", action, data)
            assert answer.status_code == 403, (name, action)
        client.cookies.clear()
    for url in [*pages, *forms]:
        method = "GET" if url in pages else "POST"
        answer = client.request(method, url, follow_redirects=False)
        assert answer.status_code == 303, url
        assert answer.headers["location"].startswith("/login?next="), url


def act(client: TestClient, page_url: str, action: str, **data: Any) -> httpx.Response:
    """Post a form of the page at `page_url` as a browser without JavaScript does."""
    return post_form(client, page_url, action, data, follow_redirects=False)


def act_in_place(client: TestClient, page_url: str, action: str, **data: Any) -> httpx.Response:
    """Post it as htmx does."""
    return post_form(client, page_url, action, data, headers=HTMX, follow_redirects=False)


def swapped_in_place(answer: httpx.Response, url: str) -> None:
    """The answer to an htmx form: fetch `url` and swap its main region in place."""
    assert answer.status_code == 204, answer.text
    where = json.loads(answer.headers["HX-Location"])
    assert where == {
        "path": url,
        "target": "#admin-main",
        "select": "#admin-main",
        "swap": "outerHTML",
    }


def said(html: str) -> str:
    """What the page says, as a reader sees it (`text_of`, with its entities read)."""
    return unescape(text_of(html))
