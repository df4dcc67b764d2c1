"""The whole public site as static files, for nginx, an object store or a CDN.

An export is a store of its own (see store.py) in the directory given: every service's
publication, the site's, and the style sheets, scripts, fonts and images those pages link
under /static/ and /assets/, found by reading the pages (and the style sheets' `url()`s), so
that only what the site needs is copied. Each file is written atomically and an unchanged one
is left alone, so a directory that a web server serves can be exported into while it serves.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from stabil.public.publication import Renderer
from stabil.public.publish import render, site_stamp
from stabil.public.site import PublicFile
from stabil.public.store import ASSETS, Store, Written

LINK = re.compile(rb"""(?:href|src)\s*=\s*["'](/(?:static|assets)/[^"'?#]+)""")
CSS_URL = re.compile(rb"""url\(\s*["']?([^"')?#]+)""")
OTHER_SITES = ("data:", "http:", "https:", "//", "#")


@dataclass(frozen=True, slots=True)
class Exported:
    written: Written
    by_owner: dict[str, list[PublicFile]]
    missing: list[str]  # linked assets that are not there (e.g. `stabil assets fetch` not run)


def export_site(
    session: Session,
    directory: Path,
    now: dt.datetime,
    *,
    asset_roots: Mapping[str, Path],
    renderer: Renderer | None = None,
    base_url: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Exported:
    """Write the whole public site at `now` into `directory`; `asset_roots` maps a URL
    prefix (`/static/`) to the directory its files are in."""
    rendered = render(session, now, renderer=renderer, base_url=base_url, progress=progress)
    pages = [item for files in rendered.publications.values() for item in files]
    assets, missing = linked_assets(pages, asset_roots)
    publications = {**rendered.publications, ASSETS: assets}
    written = Store(directory).write(publications, at=now, code=site_stamp())
    return Exported(written, publications, missing)


def linked_assets(
    files: Iterable[PublicFile], roots: Mapping[str, Path]
) -> tuple[list[PublicFile], list[str]]:
    """The files under `roots` that the HTML of `files` links, and those the style sheets
    among them link in turn; and the links that lead to no file."""
    wanted = [url.decode() for item in files if _is_html(item) for url in LINK.findall(item.body)]
    found: dict[str, PublicFile] = {}
    missing: list[str] = []
    while wanted:
        url = wanted.pop()
        if url in found or url in missing:
            continue
        asset = _asset(url, roots)
        if asset is None:
            missing.append(url)
            continue
        found[url] = asset
        if asset.media_type.startswith("text/css"):
            wanted += [
                target
                for link in CSS_URL.findall(asset.body)
                if (target := _beside(url, link.decode().strip())) is not None
            ]
    return sorted(found.values(), key=lambda item: item.path), sorted(missing)


def _is_html(item: PublicFile) -> bool:
    return item.media_type.startswith("text/html")


def _beside(css_url: str, link: str) -> str | None:
    """The address a style sheet's `url()` names, or None when it leaves the site."""
    if not link or link.startswith(OTHER_SITES):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(css_url), link))


def _asset(url: str, roots: Mapping[str, Path]) -> PublicFile | None:
    for prefix, root in roots.items():
        if not url.startswith(prefix):
            continue
        source = (root / url.removeprefix(prefix)).resolve()
        # A link may not reach out of its directory (`/static/../../secret`).
        if not source.is_relative_to(root.resolve()) or not source.is_file():
            return None
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        return PublicFile(url.lstrip("/"), source.read_bytes(), media_type)
    return None
