"""Real servers on 127.0.0.1 for delivery tests: SMTP (aiosmtpd) and HTTP for webhooks.

Nothing is mocked: the worker speaks SMTP and HTTP to these, over sockets.
"""

from __future__ import annotations

import asyncio
import email.policy
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# A held message waits at most this long: a test that never releases it fails, not hangs.
HOLD_SECONDS = 60


@dataclass
class MailServer:
    """Records every message; refuses some recipients; can hold one message mid-delivery."""

    refuse: dict[str, str] = field(default_factory=dict)  # address: SMTP reply
    hold_message_number: int | None = None  # the n-th message (from 1) waits for `release`
    raw: list[bytes] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def received(self) -> list[EmailMessage]:
        """The messages, parsed now: parsing while receiving would slow the server down."""
        parser = BytesParser(policy=email.policy.default)
        return [parser.parsebytes(text) for text in self.raw]  # type: ignore[misc]

    @property
    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.received]


class _Handler:
    """aiosmtpd's hooks; kept apart, as aiosmtpd inspects every attribute of its handler."""

    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(  # noqa: N802  (aiosmtpd's hook names)
        self, smtp: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.server.refuse:
            return self.server.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, smtp: SMTP, session: Session, envelope: Envelope
    ) -> str:
        assert isinstance(envelope.content, bytes)
        self.server.raw.append(
            envelope.content.replace(b"\r\n", b"\n")
        )  # as a mail client keeps it
        if len(self.server.raw) == self.server.hold_message_number:
            # The message is in: the client now waits for our answer, as a real one might.
            self.server.arrived.set()
            deadline = asyncio.get_running_loop().time() + HOLD_SECONDS
            while not self.server.release.is_set():
                if asyncio.get_running_loop().time() > deadline:
                    return f"451 Held for {HOLD_SECONDS} s and never released by the test"
                await asyncio.sleep(0.01)
        return "250 Message accepted"


@contextmanager
def smtp_server(
    server: MailServer | None = None, *, port: int | None = None, **controller: Any
) -> Iterator[MailServer]:
    """Run `server` on 127.0.0.1 (on `port`, or a free one) until the block ends."""
    server = server or MailServer()
    for _ in range(5):
        server.port = port or free_port()
        running = Controller(_Handler(server), hostname="127.0.0.1", port=server.port, **controller)
        try:
            running.start()
        except (OSError, RuntimeError):  # the free port was taken meanwhile
            if port:
                raise
            continue
        break
    try:
        yield server
    finally:
        server.release.set()
        running.stop()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-nodes",
            "-days",
            "1",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def tls_contexts(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server, client) contexts; the client trusts only the server's self-signed certificate."""
    cert, key = self_signed_certificate(directory)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


@dataclass
class Hook:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookServer:
    """Answers each POST with the next status of `statuses` (then 200) and records it."""

    statuses: list[int] = field(default_factory=list)
    received: list[Hook] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/stabil"


@contextmanager
def webhook_server(statuses: list[int] | None = None) -> Iterator[WebhookServer]:
    hooks = WebhookServer(statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hooks.received.append(Hook(self.path, dict(self.headers.items()), body))
            status = hooks.statuses.pop(0) if hooks.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hooks.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hooks
    finally:
        server.shutdown()
        server.server_close()
