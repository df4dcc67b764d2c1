"""A 200 MB body with an invalid token does not grow a real `stabil serve` process's memory.

Before the limit, FastAPI read such a body whole before it checked the token (159 -> 728 MB).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.outbox.servers import free_port
from tests.worker.processes import StabilProcess, fresh_sqlite

BIG = 200 * 1024 * 1024
PIECE = 64 * 1024
ALLOWED_GROWTH = 30 * 1024 * 1024


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[StabilProcess, int]]:
    url, engine = fresh_sqlite(tmp_path)
    engine.dispose()
    port = free_port()
    env = {"STABIL_DATABASE_URL": url, "STABIL_VAR_DIR": str(tmp_path)}
    process = StabilProcess(["serve", "--no-worker", "--port", str(port)], env)
    try:
        process.wait_for_line("Uvicorn running")
        yield process, port
    finally:
        assert process.stop() == 0, process.output


def resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def request_head(port: int, framing: str) -> bytes:
    lines = [
        "POST /api/v1/incidents HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Authorization: Bearer stb_not-a-token",
        "Content-Type: application/json",
        framing,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def send_until_refused(connection: socket.socket, piece: bytes) -> int:
    """Send `piece` until BIG bytes went, or the server closed; how many bytes went."""
    sent = 0
    try:
        while sent < BIG:
            connection.sendall(piece)
            sent += len(piece)
    except OSError:  # the server closed the connection: what it should do
        pass
    return sent


def read_answer(connection: socket.socket, into: bytearray) -> None:
    """Read one answer (head and Content-Length body), or what came before the connection ended."""
    try:
        while not answer_complete(into) and (chunk := connection.recv(65536)):
            into.extend(chunk)
    except OSError:
        pass


def answer_complete(data: bytearray) -> bool:
    head, separator, body = bytes(data).partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.lower().split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return len(body) >= int(line.partition(b":")[2])
    return True


def big_declared_body(port: int) -> tuple[bytes, int]:
    """Declares 200 MB: the answer comes before any of the body is sent."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request_head(port, f"Content-Length: {BIG}"))
        answer = bytearray()
        read_answer(connection, answer)
        return bytes(answer), send_until_refused(connection, b" " * PIECE)


def big_chunked_body(port: int) -> tuple[bytes, int]:
    """200 MB in chunks, no length declared; the answer is read while sending."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request_head(port, "Transfer-Encoding: chunked"))
        answer = bytearray()
        reader = threading.Thread(target=read_answer, args=(connection, answer))
        reader.start()
        chunk = f"{PIECE:x}\r\n".encode() + b" " * PIECE + b"\r\n"
        sent = send_until_refused(connection, chunk)
        reader.join(15)
        assert not reader.is_alive(), "no answer, and the connection still open, after 15 s"
        return bytes(answer), sent


def refusals(port: int) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics").text  # from 127.0.0.1: allowed
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = {"method": "POST", "route": "/api/v1/incidents", "status": "413"}
            if sample.name == "stabil_http_requests_total" and sample.labels == labels:
                return sample.value
    return 0


def test_a_huge_body_with_an_invalid_token_is_refused_without_memory(
    server: tuple[StabilProcess, int],
) -> None:
    process, port = server
    pid = process.process.pid
    warm_up = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/incidents",
        json={"service": "borger-dk", "title": "x"},
        headers={"Authorization": "Bearer stb_not-a-token"},
    )
    assert warm_up.status_code == 401
    before = resident_bytes(pid)

    answer, sent = big_declared_body(port)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert b'"detail":"the request body is too large: at most 1048576 bytes' in answer
    assert sent < BIG, "the server read the whole declared body"

    answer, sent = big_chunked_body(port)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert answer.endswith(b'at most 1048576 bytes are accepted"}'), answer
    assert sent < BIG, "the server read the whole chunked body"

    growth = resident_bytes(pid) - before
    assert growth < ALLOWED_GROWTH, f"the server grew by {growth / 2**20:.1f} MB"
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
    assert refusals(port) == 2
