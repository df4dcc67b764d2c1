"""Bodies no client should send: wrong shapes, huge or odd values, injection attempts.

Every endpoint that takes a body is fed all of them, plus its own; none may answer 500.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

HOSTILE: list[Any] = [
    None,
    [],
    "text",
    12,
    {"service": None},
    {"service": ["borger-dk"]},
    {"service": {"$gt": ""}},
    {"service": "borger-dk", "title": "x" * 10_000},
    {"service": "borger-dk", "title": "\u0000'; DROP TABLE incidents; --"},
    {"service": "borger-dk\u0000", "title": "x"},
    '{"service": "borger-dk", "title": "\\ud800 lone surrogate"}',
    '{"service": "borger-dk", "service": 1}',
    '{"n": 1e400}',
    '{"n": NaN}',
    "[" * 5000 + "]" * 5000,
    {"body": "\u0000"},
    {"body": "x" * 30_000},
    {"body": ["x"]},
    {"body": "x", "at": "0000-00-00T00:00:00Z"},
    {"body": "x", "horizon_at": "1900-01-01T00:00:00Z"},
    {"body": "x", "horizon_at": "2026-04-14T07:00:00+99:00"},
    {"body": "x", "incidents": "BDK-2026-0001"},
    {"body": "x", "incidents": ["x" * 100]},
    {"body": "x", "incidents": ["\u0000"]},
    {"body": "x", "incidents": [str(n) for n in range(1000)]},
    {"a": {"b": {"c": {"d": {"e": [[[[[]]]]]}}}}},
]


def send_hostile(
    client: TestClient,
    method: str,
    url: str,
    auth: dict[str, str],
    extra: list[Any] = (),  # type: ignore[assignment]
) -> None:
    """Send every hostile body to `url`; each must be answered without a server error."""
    for payload in [*HOSTILE, *extra]:
        raw = payload if isinstance(payload, str) else json.dumps(payload)
        response = client.request(
            method, url, content=raw.encode(), headers={**auth, "Content-Type": "application/json"}
        )
        assert response.status_code in (200, 201, 400, 404, 409, 422), (
            url,
            payload,
            response.status_code,
            response.text,
        )
    broken = client.request(
        method, url, content=b"{not json", headers={**auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
