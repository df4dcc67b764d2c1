"""Real targets on 127.0.0.1 for probes: an HTTP server whose behaviour a test sets per path,
that can go down (its port refusing connections) and come back on the same port."""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HANG_SECONDS = 5.0
REDIRECTS = {
    "/loop": (302, "/loop"),
    "/away": (301, "http://example.invalid/"),  # another host: never probed
    "/hop": (302, "/"),
}  # a hanging answer ends by itself, so that no thread outlives a test long


class Handler(BaseHTTPRequestHandler):
    server: Target  # type: ignore[assignment]

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/hang":
            self.server.released.wait(HANG_SECONDS)
        elif path == "/reset":
            # SO_LINGER 0: closing sends a RST instead of a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif path == "/garbage":
            self.wfile.write(b"\x00\x01 this is no HTTP at all \xff\r\n\r\n")
        elif path in REDIRECTS:
            status, location = REDIRECTS[path]
            self._answer(status, b"", {"Location": location})
        else:
            if path == "/slow":
                time.sleep(0.15)
            self._answer(self.server.status, self.server.body)

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class Target(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)
        self.status = 200
        self.body = b"<html><body>Velkommen til Borger.dk, version 42</body></html>"
        self.released = threading.Event()

    @property
    def port(self) -> int:
        port: int = self.server_address[1]
        return port


@contextlib.contextmanager
def serving(port: int = 0, context: ssl.SSLContext | None = None) -> Iterator[Target]:
    server = Target(port, context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


class Switchable:
    """A target that goes down (nothing listens on its port) and comes back on the port."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self.server: Target | None = None
        self.port = 0

    def up(self) -> Target:
        self.server = self._stack.enter_context(serving(self.port))
        self.port = self.server.port
        return self.server

    def down(self) -> None:
        self._stack.close()
        self._stack = contextlib.ExitStack()
        self.server = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def self_signed(directory: Path, days: int) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate for 127.0.0.1 valid for `days`: the server's context and a client's
    that trusts it."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", str(days),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client
