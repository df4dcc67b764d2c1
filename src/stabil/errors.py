"""Refusals that any domain may raise; the web layer answers each with its status code."""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """An operation refused for a reason the caller can act on; never a server error."""

    status_code = 400

    def payload(self) -> dict[str, Any]:
        return {"detail": str(self)}

    def headers(self) -> dict[str, str]:
        return {}


class Unavailable(Refusal):
    """The service cannot take the request now, but may in `retry_after` seconds."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class TooManyRequests(Unavailable):
    status_code = 429
