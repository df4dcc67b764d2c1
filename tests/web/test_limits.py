"""Request bodies over the limit are answered 413 before they are read or a token is checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from stabil.web.app import create_app
from stabil.web.deps import get_session
from stabil.web.limits import BodyLimit, BodyTooLarge
from tests.cast import Cast, headers
from tests.conftest import forget_configuration

LIMIT = 1024 * 1024
INVALID = {"Authorization": "Bearer stb_not-a-token", "Content-Type": "application/json"}


def in_pieces(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body without Content-Length: httpx sends a generator chunked."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    return in_pieces(b" " * total, size)


def assert_too_large(response_status: int, detail: str) -> None:
    assert response_status == 413
    assert detail == f"the request body is too large: at most {LIMIT} bytes are accepted"


def test_a_declared_length_over_the_limit_is_refused_before_the_token(client: TestClient) -> None:
    response = client.post("/api/v1/incidents", content=b"x" * (LIMIT + 1), headers=INVALID)
    assert_too_large(response.status_code, response.json()["detail"])
    assert response.headers["connection"] == "close"


def test_a_chunked_body_over_the_limit_is_refused_as_it_is_read(client: TestClient) -> None:
    response = client.post("/api/v1/incidents", content=chunks(3 * LIMIT), headers=INVALID)
    assert "content-length" not in response.request.headers
    assert_too_large(response.status_code, response.json()["detail"])


def test_a_form_over_the_limit_is_refused(client: TestClient) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = client.post("/login", content=chunks(2 * LIMIT), headers=form)
    assert_too_large(response.status_code, response.json()["detail"])


def test_a_body_at_the_limit_is_read_as_usual(client: TestClient, cast: Cast) -> None:
    padded = b'{"service": "nope", "title": "x"}'.ljust(LIMIT)
    for content in (padded, in_pieces(padded)):
        response = client.post("/api/v1/incidents", content=content, headers=INVALID)
        assert response.status_code == 401  # read, parsed or not, then the token was checked
    response = client.post(
        "/api/v1/incidents",
        content=padded,
        headers={**headers(cast.operator), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text  # no such service


def test_the_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch, session: Session) -> None:
    monkeypatch.setenv("STABIL_MAX_BODY_BYTES", "2048")
    forget_configuration()
    try:
        app = create_app()
    finally:
        monkeypatch.delenv("STABIL_MAX_BODY_BYTES")
        forget_configuration()
    app.dependency_overrides[get_session] = lambda: session
    client = TestClient(app, raise_server_exceptions=False)
    refused = client.post("/api/v1/incidents", content=b"x" * 2049, headers=INVALID)
    assert refused.status_code == 413
    assert "at most 2048 bytes" in refused.json()["detail"]
    read = client.post("/api/v1/incidents", content=b"{}".ljust(2048), headers=INVALID)
    assert read.status_code == 401


async def read_whole_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body


async def buffering_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads the whole body before answering, as a middleware that buffers it would."""
    body = await read_whole_body(receive)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


def test_what_an_inner_middleware_reads_is_counted_too() -> None:
    client = TestClient(BodyLimit(buffering_app, max_bytes=100))
    assert client.post("/", content=chunks(100, size=30)).text == "100"
    refused = client.post("/", content=chunks(101, size=30))
    assert refused.status_code == 413
    assert refused.json() == {
        "detail": "the request body is too large: at most 100 bytes are accepted"
    }


async def answers_then_reads(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await read_whole_body(receive)
    await send({"type": "http.response.body", "body": b"done"})


def test_once_the_answer_has_begun_the_error_goes_up() -> None:
    # A 413 can no longer be sent: the server ends the connection instead.
    client = TestClient(BodyLimit(answers_then_reads, max_bytes=10))
    with pytest.raises(BodyTooLarge):
        client.post("/", content=chunks(11, size=5))


def test_the_limit_wraps_every_other_added_middleware() -> None:
    # add_middleware puts the last added outermost: a middleware added after the limit would
    # read (and buffer) bodies the limit never counted.
    assert create_app().user_middleware[0].cls is BodyLimit
