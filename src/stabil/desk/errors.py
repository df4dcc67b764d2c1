"""Why a desk operation was refused, each with the HTTP status the API answers."""

from __future__ import annotations

from typing import Any

from stabil.errors import Refusal


class DeskError(Refusal):
    """Base of the desk's refusals; the message says what is wrong and what would be right."""


class NotFound(DeskError):
    status_code = 404


class Forbidden(DeskError):
    status_code = 403


class Conflict(DeskError):
    status_code = 409


class TransitionNotAllowed(Conflict):
    def __init__(self, message: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed

    def payload(self) -> dict[str, Any]:
        return {"detail": str(self), "allowed": self.allowed}


class Invalid(DeskError):
    """Input that is well-formed but wrong for this incident or declaration."""

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
