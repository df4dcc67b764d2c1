"""Refusals that any domain may raise; the web layer answers each with its status code.

Every message says what is wrong and, where it can, what would be right.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """An operation refused for a reason the caller can act on; never a server error."""

    status_code = 400

    def payload(self) -> dict[str, Any]:
        return {"detail": str(self)}

    def headers(self) -> dict[str, str]:
        return {}


class NotFound(Refusal):
    """No such thing, or one the caller may not see: the two answer alike."""

    status_code = 404


class Forbidden(Refusal):
    """The caller may see it, but its role may not do this."""

    status_code = 403


class Conflict(Refusal):
    status_code = 409


class TransitionNotAllowed(Conflict):
    """The record's state does not allow the step; `allowed_transitions` is what the caller
    may do instead, the same list the record shows that caller."""

    def __init__(self, message: str, allowed_transitions: list[str]) -> None:
        super().__init__(message)
        self.allowed_transitions = allowed_transitions

    def payload(self) -> dict[str, Any]:
        return {"detail": str(self), "allowed_transitions": self.allowed_transitions}


class Invalid(Refusal):
    """Input that is well-formed but wrong for this record or declaration."""

    status_code = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.problem = message

    def payload(self) -> dict[str, Any]:
        return {
            "detail": "invalid request",
            "errors": [{"field": self.field, "problem": self.problem}],
        }


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
