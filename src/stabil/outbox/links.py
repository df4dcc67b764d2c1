"""Addresses that e-mails give their readers: each one opens for whoever gets the mail.

A mail program opens a link without a token or a session, so no mail links into the API
(the reader would get `401`). A record the pages do not show yet is named by its key, with
the app's front page and the API route written out as text, not as a link.
"""

from __future__ import annotations

from stabil.settings import get_settings


def app_url(path: str = "/") -> str:
    """`path` in the app, at the address people reach it (STABIL_PUBLIC_URL)."""
    return get_settings().public_url.rstrip("/") + path


def finding_lines(key: str, api_path: str) -> tuple[str, str]:
    """How the reader finds the record `key`: a Danish line and an English line."""
    # The address stands apart, between spaces: a mail program would take a bracket or a
    # full stop next to it as part of the link.
    front = app_url("/")
    return (
        f"Slå {key} op i Stabil på {front} - med et API-token: GET {api_path}",
        f"Look up {key} in Stabil at {front} - with an API token: GET {api_path}",
    )
