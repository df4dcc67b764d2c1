"""The files of the public site, and where each is found.

A publication is a list of `PublicFile`: each page, feed and JSON document at the path it is
served from (`status/borger-dk/index.html` answers `/status/borger-dk`). The store writes them,
`stabil serve` answers from them, and `stabil status export` copies them for any web server.
"""

from __future__ import annotations

from dataclasses import dataclass

HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json"
ICS = "text/calendar; charset=utf-8"


@dataclass(frozen=True, slots=True)
class PublicFile:
    path: str  # relative, with forward slashes, no leading slash
    body: bytes
    media_type: str


def page_path(url_path: str) -> str:
    """The file that answers a page's address: `/status/x` is `status/x/index.html`."""
    return url_path.strip("/") + "/index.html"


def language_prefix(language: str) -> str:
    """Danish pages live at `/status/…`, English ones at `/en/status/…`."""
    return "" if language == "da" else f"/{language}"
