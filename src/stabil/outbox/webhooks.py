"""Webhooks: a JSON POST per notification, signed with HMAC-SHA256 over "timestamp.body".

The receiver recomputes the signature with the shared secret and compares in constant time;
the timestamp is signed too, so an old request cannot be replayed later (see `verify`, and
docs/api.md for a receiver in a few lines).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from stabil.outbox.errors import DeliveryFailed

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
REPLAY_TOLERANCE_SECONDS = 300


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    url: str
    headers: dict[str, str]
    body: bytes


PostWebhook = Callable[[WebhookRequest], None]


def signature(key: str, timestamp: str, body: bytes) -> str:
    """The value of X-Stabil-Signature: `sha256=` and the hex HMAC of "timestamp.body"."""
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_request(
    *, url: str, event: str, delivery_id: int, payload: dict[str, Any], key: str, unix_time: int
) -> WebhookRequest:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(unix_time)
    headers = {
        "Content-Type": "application/json",
        "X-Stabil-Event": event,
        "X-Stabil-Delivery": str(delivery_id),
        "X-Stabil-Timestamp": timestamp,
        "X-Stabil-Signature": signature(key, timestamp, body),
    }
    return WebhookRequest(url=url, headers=headers, body=body)


def verify(
    key: str,
    headers: Mapping[str, str],
    body: bytes,
    unix_time: int,
    tolerance: int = REPLAY_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: a fresh timestamp and the signature over it and the body."""
    timestamp = headers.get("X-Stabil-Timestamp", "")
    if not timestamp.isdigit() or abs(unix_time - int(timestamp)) > tolerance:
        return False
    expected = signature(key, timestamp, body)
    # compare_digest: a plain == would tell an attacker by its timing how much matched.
    return hmac.compare_digest(expected.encode(), headers.get("X-Stabil-Signature", "").encode())


class HttpPoster:
    """Posts over one HTTP client, made on first use and kept: making one loads the CAs."""

    def __init__(self, timeout: httpx.Timeout = TIMEOUT) -> None:
        self.timeout = timeout
        self._client: httpx.Client | None = None

    @contextmanager
    def connection(self) -> Iterator[PostWebhook]:
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, follow_redirects=False)
        client = self._client
        yield lambda request: _post(client, request)


def _post(client: httpx.Client, request: WebhookRequest) -> None:
    try:
        response = client.post(request.url, content=request.body, headers=request.headers)
    except httpx.InvalidURL as error:
        raise DeliveryFailed(f"invalid URL: {error}", permanent=True) from error
    except httpx.UnsupportedProtocol as error:
        raise DeliveryFailed(f"invalid URL: {error}", permanent=True) from error
    except httpx.HTTPError as error:
        raise DeliveryFailed(f"{type(error).__name__}: {error}") from error
    if not response.is_success:
        raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}")
