"""`stabil serve`'s HTTP protocol answers published files itself, as the ASGI way would, and
leaves everything else, in order, to the app."""

from __future__ import annotations

import asyncio
import datetime as dt
import http.client
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from stabil.metrics.http import HttpMetrics
from stabil.public.serve import PublicFiles, PublishedFiles
from stabil.public.site import ATOM, HTML, PublicFile
from stabil.public.store import Store, etag_of
from stabil.web.public_http import PublicHttpProtocol
from tests.outbox.servers import free_port

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
PAGE = PublicFile("status/borger-dk/index.html", "<h1>Alt kører</h1>".encode(), HTML)
FEED = PublicFile("status/borger-dk/feed.atom", b"<feed/>" * 3000, ATOM)
SLOW_SECONDS = 0.3
KEEP_ALIVE_SECONDS = 0.2  # shorter than the app's slow answers


class SlowApp:
    """An app whose own routes take their time, with the published files in front."""

    def __init__(self, root: Path) -> None:
        self.metrics = HttpMetrics()
        self.public_files = PublicFiles(PublishedFiles(root), self.metrics)
        self.called: list[str] = []  # the paths of the requests that reached the app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.called.append(scope["path"])
        if await self.public_files.answer(scope, send):
            return
        await asyncio.sleep(SLOW_SECONDS)
        body = f"the app: {scope['path']}".encode()
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("public"))
    store.write({"borger-dk": [PAGE, FEED]}, at=T0)
    return store


@pytest.fixture(scope="module")
def app(store: Store) -> SlowApp:
    return SlowApp(store.root)


@pytest.fixture(scope="module")
def url(app: SlowApp) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        http=PublicHttpProtocol,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def asgi_headers(door: PublicFiles, path: str) -> dict[str, str]:
    """What the ASGI way answers the same request with."""
    return dict(TestClient(_Only(door)).get(path).headers)


class _Only:
    """The front door alone, as an ASGI app."""

    def __init__(self, door: PublicFiles) -> None:
        self.door = door

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert await self.door.answer(scope, send)


def test_a_published_file_is_answered_as_through_asgi(url: str, app: SlowApp) -> None:
    response = httpx.get(f"{url}/status/borger-dk")
    assert "/status/borger-dk" not in app.called  # answered by the protocol
    assert (response.status_code, response.content) == (200, PAGE.body)
    ours = {
        name: value for name, value in response.headers.items() if name not in ("date", "server")
    }
    assert ours == asgi_headers(app.public_files, "/status/borger-dk")
    assert response.headers["etag"] == etag_of(PAGE.body)
    assert response.headers["server"] == "uvicorn"  # uvicorn's own headers too
    assert "date" in response.headers


def test_304_head_and_https_behind_a_trusted_proxy(url: str) -> None:
    tag = etag_of(FEED.body)
    with httpx.Client(base_url=url) as client:
        unchanged = client.get("/status/borger-dk/feed.atom", headers={"If-None-Match": tag})
        head = client.head("/status/borger-dk/feed.atom")
        behind = client.get("/status/borger-dk", headers={"X-Forwarded-Proto": "https"})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["etag"] == tag
    assert "content-length" not in unchanged.headers
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(FEED.body))
    assert behind.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in head.headers


def test_many_requests_share_a_connection_and_are_counted(url: str, app: SlowApp) -> None:
    before = app.metrics.counts.get(("GET", "/status/{public file}", 200), 0)
    with httpx.Client(base_url=url) as client:
        bodies = [client.get("/status/borger-dk/feed.atom").content for _ in range(50)]
    assert bodies == [FEED.body] * 50
    assert app.metrics.counts[("GET", "/status/{public file}", 200)] == before + 50


def test_anything_else_goes_to_the_app(url: str) -> None:
    with httpx.Client(base_url=url) as client:
        assert client.get("/status/no-such-page").text == "the app: /status/no-such-page"
        assert client.post("/status/borger-dk").text == "the app: /status/borger-dk"
        assert client.get("/status/borger-dk/..%2f..%2fsecret").text.startswith("the app:")


def test_pipelined_answers_keep_the_order_of_their_requests(url: str) -> None:
    host = url.removeprefix("http://")
    requests = (
        f"GET /slow HTTP/1.1\r\nHost: {host}\r\n\r\n"
        f"GET /status/borger-dk HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    received = _exchange(host, requests.encode())
    slow, page = received.find(b"the app: /slow"), received.find(PAGE.body)
    assert 0 < slow < page
    assert received.count(b"HTTP/1.1 200 OK") == 2


def test_a_client_asking_to_close_is_closed_after_its_answer(url: str) -> None:
    host = url.removeprefix("http://")
    for request in (
        f"GET /status/borger-dk HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
        "GET /status/borger-dk HTTP/1.0\r\n\r\n",
    ):
        received = _exchange(host, request.encode())  # returns when the server closes
        assert received.startswith(b"HTTP/1.1 200 OK")
        assert b"connection: close" in received
        assert received.endswith(PAGE.body)


def _exchange(host: str, data: bytes) -> bytes:
    name, port = host.split(":")
    with socket.create_connection((name, int(port)), timeout=5) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(url: str) -> None:
    connection = _connection(url)
    _get(connection, "/status/borger-dk")
    began = time.monotonic()
    connection.sock.settimeout(5)
    assert connection.sock.recv(1) == b""  # closed by the server
    assert KEEP_ALIVE_SECONDS * 0.9 <= time.monotonic() - began < KEEP_ALIVE_SECONDS + 1


def test_a_connection_in_use_is_kept_open(url: str) -> None:
    connection = _connection(url)
    for _ in range(8):  # longer than the timeout in all, never idle for as long
        assert _get(connection, "/status/borger-dk/feed.atom") == FEED.body
        time.sleep(KEEP_ALIVE_SECONDS / 3)
    # An answer of the app's that takes longer than the timeout is not cut short.
    assert _get(connection, "/slow") == b"the app: /slow"
    assert _get(connection, "/status/borger-dk") == PAGE.body


def _connection(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.connect()
    return connection


def _get(connection: http.client.HTTPConnection, path: str) -> bytes:
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 200
    return response.read()
