"""Helpers for page tests through the test client: signing in by the real form, reading a
page's hidden fields, and posting a page's forms with their CSRF token."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.cast import Member


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no hidden field {name}"
    return found[1]


def sign_in(client: TestClient, member: Member, next: str = "/", status: int = 200) -> str:
    """Sign in through the form; the page it lands on."""
    form = client.get("/login", params={"next": next})
    answer = client.post(
        "/login",
        data={
            "email": member.user.email,
            "password": member.password,
            "csrf": hidden(form.text, "csrf"),
            "next": hidden(form.text, "next"),
        },
    )
    assert answer.status_code == status, answer.text
    return answer.text


def post_form(
    client: TestClient, page_url: str, action: str, data: dict[str, Any], **options: Any
) -> httpx.Response:
    """POST `data` to `action` with the CSRF token of the signed-in page at `page_url`."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text
    return client.post(action, data={**data, "csrf": hidden(page.text, "csrf")}, **options)


def text_of(html: str) -> str:
    """The page's text without tags and with single spaces, for assertions on what it says."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
