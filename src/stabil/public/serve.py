"""Answering the public site from the published files, never from the database (R10.1).

During a national outage everyone opens the status page at once; none of those requests may
reach the database the desk needs to handle the outage. `PublicFiles` answers every address
of the site from the store, in pure ASGI before the app's own stack runs: it finds the file in
the manifest (held in memory, read again when it is replaced), and sends its bytes (read once
per version and kept) with `ETag`, `Last-Modified` and `Cache-Control`, or a 304 to a client
that has them. Only an address that names no file goes on into the app, where the dynamic
routes (subscribing, the links in mails) answer, and the catch-all routes below answer the
rest with the not-found page. No path from a request is ever joined to a directory: a file
is found only by its name in the manifest, so `..` leads nowhere.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from fastapi import APIRouter, Request, Response
from starlette.types import Receive, Scope, Send

from stabil.metrics.http import HttpMetrics
from stabil.public import not_found
from stabil.public.site import HTML
from stabil.public.store import MANIFEST, Entry, etag_of, parse_manifest
from stabil.web.headers import ALWAYS, STRICT_TRANSPORT_SECURITY

# Half a minute: a message posted reaches every reader within that, while a browser, proxy or
# CDN in front asks again at most twice a minute per page, and gets a 304 when nothing
# changed. After that a cache may answer from what it has for another half minute while it
# asks (stale-while-revalidate), and for an hour when this server does not answer at all
# (stale-if-error): during an outage an old status page is better than none.
CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=30, stale-if-error=3600"
PREFIXES = ("/status", "/en/status")
PREFIXES_SLASH = tuple(prefix + "/" for prefix in PREFIXES)
# The bytes of each file are kept in memory up to this much in all; past it, files are read
# from disk for each request (the kernel's page cache still holds them).
MAX_CACHED_BYTES = 64 * 1024 * 1024
ROUTE_LABELS = {"/status": "/status/{public file}", "/en/status": "/en/status/{public file}"}

log = logging.getLogger("stabil.public")

Headers = list[tuple[bytes, bytes]]
SECURITY: Headers = [(name.lower().encode(), value.encode()) for name, value in ALWAYS.items()]
HSTS: Headers = [(b"strict-transport-security", STRICT_TRANSPORT_SECURITY.encode())]


@dataclass(frozen=True, slots=True)
class Answer:
    """Everything sent for one version of one file, made once."""

    etag: bytes
    modified: int
    body: bytes
    full: Headers  # of a 200
    unchanged: Headers  # of a 304: no body, and so nothing that describes one
    full_block: bytes  # the same as written on the wire, for web/public_http.py
    unchanged_block: bytes

    @classmethod
    def of(cls, body: bytes, etag: str, media_type: str, modified: int) -> Answer:
        common: Headers = [
            (b"etag", etag.encode()),
            (b"last-modified", formatdate(modified, usegmt=True).encode()),
            (b"cache-control", CACHE_CONTROL.encode()),
            *SECURITY,
        ]
        full: Headers = [
            (b"content-type", media_type.encode()),
            (b"content-length", str(len(body)).encode()),
            *common,
        ]
        return cls(etag.encode(), modified, body, full, common, _block(full), _block(common))

    def is_fresh(self, if_none_match: bytes | None, if_modified_since: bytes | None) -> bool:
        """Whether the client has these bytes already (RFC 9110 13.1.2, 13.1.3: the ETag
        decides when the client sends one, the date only when it does not)."""
        if if_none_match is not None:
            tags = [tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")]
            return b"*" in tags or self.etag in tags
        if if_modified_since is not None:
            since = _http_date(if_modified_since)
            return since is not None and self.modified <= since
        return False


def _block(headers: Headers) -> bytes:
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers)


def route_label(path: str) -> str:
    """The route a published file counts under in the request metrics."""
    return ROUTE_LABELS["/en/status" if path.startswith("/en/") else "/status"]


def _http_date(value: bytes) -> int | None:
    try:
        when = parsedate_to_datetime(value.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return None  # not a date: the header is ignored, as RFC 9110 says
    return int(when.timestamp())


def file_names(path: str) -> tuple[str, str] | None:
    """The names in the store that may answer a request's path: `/status/x` is the file
    `status/x` (a feed, a JSON document) or the page `status/x/index.html`. None for a path
    outside the public site."""
    if not path.startswith(PREFIXES_SLASH) and path not in PREFIXES:
        return None
    name = path[1:].removesuffix("/")
    return name, name + "/index.html"


class PublishedFiles:
    """The files of the store at `root`, found by name and kept in memory as answers."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._manifest = root / MANIFEST
        self._manifest_name = str(self._manifest)  # stat()ed on every request: no Path
        self._seen: tuple[int, int, int] | None = None  # the manifest's inode, mtime, size
        self._entries: dict[str, Entry] = {}
        self._answers: dict[str, Answer] = {}  # by file name
        self._by_path: dict[str, Answer] = {}  # by the request paths found so far
        self._cached_bytes = 0
        self._looked_at: float | None = None

    def find(self, path: str, now: float | None = None) -> Answer | None:
        """The answer for a request's path, or None when no file has it.

        The manifest is looked at for every call, or, given `now` (an event loop's clock,
        which uvloop moves on once per turn, in milliseconds), once per instant: the many
        requests a turn answers need not each ask the file system."""
        if now is None or now != self._looked_at:
            self._looked_at = now
            self._refresh()
        answer = self._by_path.get(path)
        if answer is not None:
            return answer
        names = file_names(path)
        if names is None:
            return None
        for name in names:
            answer = self._answers.get(name)
            if answer is None and name in self._entries:
                answer = self._load(name, self._entries[name])
            if answer is not None:
                if name in self._answers:  # kept: so is the way to it
                    self._by_path[path] = answer
                return answer
        return None

    def not_found(self) -> bytes:
        answer = self.find("/" + not_found.PATH)
        return answer.body if answer is not None else not_found.BODY

    def _refresh(self, *, force: bool = False) -> None:
        try:
            stat = os.stat(self._manifest_name)
        except FileNotFoundError:
            self._entries, self._answers, self._by_path, self._seen = {}, {}, {}, None
            self._cached_bytes = 0
            return
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if seen == self._seen and not force:
            return
        try:
            entries = parse_manifest(json.loads(self._manifest.read_bytes())).files
        except FileNotFoundError:
            return  # replaced between the two calls: the next request reads the new one
        except (ValueError, TypeError):
            # Not written by a store (they replace it whole): keep answering what was known.
            log.error("%s is not a manifest; answering the files known before", self._manifest)
            self._seen = seen
            return
        self._seen, self._entries, self._by_path = seen, entries, {}
        # Answers of files that did not change stay; the others are read again when asked.
        self._answers = {
            name: answer
            for name, answer in self._answers.items()
            if name in entries and entries[name].etag.encode() == answer.etag
        }
        self._cached_bytes = sum(len(answer.body) for answer in self._answers.values())

    def _load(self, name: str, entry: Entry) -> Answer | None:
        try:
            body = (self.root / name).read_bytes()
        except FileNotFoundError:
            self._refresh(force=True)  # removed since the manifest was read
            return None
        if self._cached_bytes + len(body) > MAX_CACHED_BYTES:
            return Answer.of(body, entry.etag, entry.media_type, entry.modified)
        tag = etag_of(body)
        if tag != entry.etag:
            # Replaced after the manifest we hold was read, and its own not yet written:
            # answer what the file holds, under its own tag, and keep nothing.
            return Answer.of(body, tag, entry.media_type, int(time.time()))
        answer = Answer.of(body, entry.etag, entry.media_type, entry.modified)
        self._answers[name] = answer
        self._cached_bytes += len(body)
        return answer


class PublicFiles:
    """The front door of the app: answers GET and HEAD of a published file itself.

    The app calls `answer` before anything else runs (see web/app.py), so that a file costs
    only its lookup and its bytes. It counts its requests (not timing them: each takes
    microseconds) and sets the security headers itself, as the middleware it goes around
    would.
    """

    def __init__(self, files: PublishedFiles, metrics: HttpMetrics) -> None:
        self.files = files
        self.metrics = metrics

    async def answer(self, scope: Scope, send: Send) -> bool:
        """Whether the request was for a published file, and so has been answered."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        started = time.perf_counter()
        path = _site_path(scope)
        found = self.files.find(path)
        if found is None:
            return False
        status = await send_answer(found, scope, send)
        self.metrics.observe(
            scope["method"], route_label(path), status, time.perf_counter() - started
        )
        return True


async def send_answer(answer: Answer, scope: Scope, send: Send) -> int:
    if_none_match = if_modified_since = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            if_none_match = value
        elif name == b"if-modified-since":
            if_modified_since = value
    fresh = answer.is_fresh(if_none_match, if_modified_since)
    status, headers = (304, answer.unchanged) if fresh else (200, answer.full)
    if scope.get("scheme") == "https":
        headers = headers + HSTS
    await send({"type": "http.response.start", "status": status, "headers": headers})
    body = answer.body if status == 200 and scope["method"] == "GET" else b""
    await send({"type": "http.response.body", "body": body})
    return status


def _site_path(scope: Scope) -> str:
    """The path within the app, without the prefix a proxy may mount it under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path.removeprefix(root) if root and path.startswith(root) else path


# The addresses of the public site that no file and no dynamic route has: included after
# every other router, these answer them with the not-found page (or with the file, for an app
# built without PublicFiles in front).
router = APIRouter(include_in_schema=False)


@router.api_route("/status", methods=["GET", "HEAD"])
@router.api_route("/status/{rest:path}", methods=["GET", "HEAD"])
@router.api_route("/en/status", methods=["GET", "HEAD"])
@router.api_route("/en/status/{rest:path}", methods=["GET", "HEAD"])
async def public_file(request: Request) -> Response:
    files: PublishedFiles = request.app.state.public_files
    answer = files.find(_site_path(request.scope))
    if answer is None:
        headers = {"Cache-Control": CACHE_CONTROL}
        return Response(files.not_found(), 404, headers=headers, media_type=HTML)
    return AnswerResponse(answer)


class AnswerResponse(Response):
    """A published file's answer, sent as PublicFiles sends it."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(status_code=200)
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_answer(self.answer, scope, send)
