"""`stabil serve` answers the public site from the store: validators, 304s, HEAD, 404, and
never the database."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from stabil.public.serve import CACHE_CONTROL, PublicFiles, PublishedFiles
from stabil.public.site import ATOM, HTML, JSON, PublicFile
from stabil.public.store import SITE, Store, etag_of
from stabil.web.deps import get_session, get_units

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
PAGE = PublicFile("status/borger-dk/index.html", "<h1>Borger.dk: alt kører</h1>".encode(), HTML)
ENGLISH = PublicFile("en/status/borger-dk/index.html", b"<h1>Borger.dk: all good</h1>", HTML)
FEED = PublicFile("status/borger-dk/feed.atom", b"<feed/>", ATOM)
DATA = PublicFile("status/borger-dk.json", b'{"state": "operational"}', JSON)
INDEX = PublicFile("status/index.html", b"<h1>Driftsstatus</h1>", HTML)


class NoDatabase(Exception):
    pass


def no_database() -> Iterator[Any]:
    raise NoDatabase("a public file must be answered without the database")
    yield  # pragma: no cover


@pytest.fixture(scope="module")
def store(public_dir: Path) -> Store:
    store = Store(public_dir)
    store.write({"borger-dk": [PAGE, ENGLISH, FEED, DATA], SITE: [INDEX]}, at=T0)
    return store


@pytest.fixture
def client(public_app: FastAPI, store: Store) -> Iterator[TestClient]:
    """The app with a database that fails every use, and a count of SQL statements run."""
    public_app.dependency_overrides[get_session] = no_database
    public_app.dependency_overrides[get_units] = no_database
    try:
        with TestClient(public_app, raise_server_exceptions=True) as test_client:
            yield test_client
    finally:
        public_app.dependency_overrides.clear()


@pytest.fixture
def statements() -> Iterator[list[str]]:
    run: list[str] = []

    def count(*args: Any) -> None:
        run.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", count)
    yield run
    event.remove(Engine, "before_cursor_execute", count)


def test_a_page_is_answered_with_its_validators(client: TestClient, store: Store) -> None:
    response = client.get("/status/borger-dk")
    entry = store.manifest().files[PAGE.path]
    assert response.status_code == 200
    assert response.content == PAGE.body
    assert response.headers["content-type"] == HTML
    assert response.headers["content-length"] == str(len(PAGE.body))
    assert response.headers["etag"] == etag_of(PAGE.body) == entry.etag
    assert response.headers["last-modified"] == formatdate(entry.modified, usegmt=True)
    assert response.headers["cache-control"] == CACHE_CONTROL
    assert response.headers["x-content-type-options"] == "nosniff"  # as every answer has
    assert "default-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/status/borger-dk/", PAGE),
        ("/en/status/borger-dk", ENGLISH),
        ("/status/borger-dk/feed.atom", FEED),
        ("/status/borger-dk.json", DATA),
        ("/status", INDEX),
    ],
)
def test_every_kind_of_file_is_answered_with_its_media_type(
    client: TestClient, url: str, expected: PublicFile
) -> None:
    response = client.get(url)
    assert (response.status_code, response.content) == (200, expected.body)
    assert response.headers["content-type"] == expected.media_type


def test_a_client_that_has_the_page_gets_304(client: TestClient) -> None:
    first = client.get("/status/borger-dk")
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    for headers in [
        {"If-None-Match": tag},
        {"If-None-Match": f'"other", W/{tag}'},  # a list, and the weak comparison
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": formatdate(T0.timestamp() + 10**9, usegmt=True)},
    ]:
        response = client.get("/status/borger-dk", headers=headers)
        assert response.status_code == 304, headers
        assert response.content == b""
        assert response.headers["etag"] == tag
        assert response.headers["cache-control"] == CACHE_CONTROL


def test_a_client_with_other_bytes_gets_them(client: TestClient) -> None:
    modified = client.get("/status/borger-dk").headers["last-modified"]
    for headers in [
        {"If-None-Match": '"something-else"'},
        # The ETag decides when there is one (RFC 9110 13.1.3): the date is not read.
        {"If-None-Match": '"something-else"', "If-Modified-Since": modified},
        {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
        {"If-Modified-Since": "not a date"},
    ]:
        response = client.get("/status/borger-dk", headers=headers)
        assert (response.status_code, response.content) == (200, PAGE.body), headers


def test_head_gives_the_headers_without_the_body(client: TestClient) -> None:
    response = client.head("/status/borger-dk/feed.atom")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(FEED.body))
    assert response.headers["etag"] == etag_of(FEED.body)


@pytest.mark.parametrize("url", ["/status/no-such-service", "/en/status/borger-dk/archive/1999-01"])
def test_an_address_without_a_file_is_a_clear_404_in_both_languages(
    client: TestClient, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == HTML
    assert "Siden findes ikke" in response.text
    assert "Page not found" in response.text
    assert 'href="/status"' in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/status/..%2f..%2fsecret.txt",
        "/status/%2e%2e/%2e%2e/secret.txt",
        "/status/borger-dk/..%2f..%2f..%2fsecret.txt",
        "/en/status/..%2F..%2F..%2Fsecret.txt",
        "/status/.manifest.json",
        "/status/%2fetc%2fpasswd",
    ],
)
def test_no_path_leads_out_of_the_store(client: TestClient, public_dir: Path, url: str) -> None:
    (public_dir.parent / "secret.txt").write_text("the secret")
    response = client.get(url)
    assert response.status_code == 404
    assert "the secret" not in response.text


def test_a_path_with_dots_reaching_the_front_door_is_not_a_file(public_dir: Path) -> None:
    (public_dir.parent / "secret.txt").write_text("the secret")
    door = PublicFiles(PublishedFiles(public_dir), _Metrics())  # type: ignore[arg-type]
    scope = {"type": "http", "method": "GET", "path": "/status/../../secret.txt", "headers": []}
    # In a thread of its own: the browser tests may leave this one's event loop running.
    with ThreadPoolExecutor(1) as thread:
        answered = thread.submit(asyncio.run, door.answer(scope, _nothing)).result()
    assert answered is False  # on to the app, which answers 404


def test_the_dynamic_routes_under_status_still_answer(client: TestClient) -> None:
    # The unsubscribe link's page: its own 404 (the link is unknown), not the site's. It needs
    # the database, which this client refuses: the route was reached.
    with pytest.raises(NoDatabase):
        client.get("/status/unsubscribe/not-a-token")
    with pytest.raises(NoDatabase):
        client.get("/status/borger-dk/windows.ics")  # no file for it in this store


def test_a_request_runs_no_sql(client: TestClient, statements: list[str]) -> None:
    for url in ["/status/borger-dk", "/status/borger-dk.json", "/status/nothing-here"]:
        client.get(url)
        client.head(url)
    assert statements == []


def test_a_new_publication_is_answered_at_once(client: TestClient, store: Store) -> None:
    before = client.get("/status/borger-dk/feed.atom")
    newer = PublicFile(FEED.path, b"<feed><entry/></feed>", ATOM)
    store.write({"borger-dk": [PAGE, ENGLISH, newer, DATA]}, at=T0 + dt.timedelta(minutes=1))
    try:
        after = client.get("/status/borger-dk/feed.atom")
        assert after.content == newer.body
        assert after.headers["etag"] != before.headers["etag"]
        stale = client.get(
            "/status/borger-dk/feed.atom", headers={"If-None-Match": before.headers["etag"]}
        )
        assert stale.status_code == 200
        # Files that did not change keep their tag (and the bytes already in memory).
        assert client.get("/status/borger-dk").headers["etag"] == etag_of(PAGE.body)
    finally:
        store.write({"borger-dk": [PAGE, ENGLISH, FEED, DATA]}, at=T0 + dt.timedelta(minutes=2))


def test_a_file_removed_from_the_publication_is_gone(client: TestClient, store: Store) -> None:
    old = PublicFile("status/borger-dk/messages/9/index.html", b"<p>old</p>", HTML)
    store.write({"borger-dk": [PAGE, ENGLISH, FEED, DATA, old]}, at=T0 + dt.timedelta(minutes=3))
    assert client.get("/status/borger-dk/messages/9").status_code == 200
    store.write({"borger-dk": [PAGE, ENGLISH, FEED, DATA]}, at=T0 + dt.timedelta(minutes=4))
    assert client.get("/status/borger-dk/messages/9").status_code == 404


class _Metrics:
    def observe(self, *args: Any) -> None:
        pass


async def _nothing(*args: Any) -> None:
    pass


def test_a_store_emptied_and_filled_again_is_read_afresh(tmp_path: Path) -> None:
    Store(tmp_path).write({"borger-dk": [PAGE]}, at=T0)
    files = PublishedFiles(tmp_path)
    found = files.find("/status/borger-dk")
    assert found is not None
    assert found.body == PAGE.body
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    assert files.find("/status/borger-dk") is None
    Store(tmp_path).write({"borger-dk": [PublicFile(PAGE.path, b"<p>new</p>", HTML)]}, at=T0)
    again = files.find("/status/borger-dk/")
    assert again is not None
    assert again.body == b"<p>new</p>"
