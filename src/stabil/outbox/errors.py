"""Why a notification was not delivered, and why an outbox request was refused."""

from __future__ import annotations

from stabil.errors import Refusal


class DeliveryFailed(Exception):
    """One attempt to deliver failed; `permanent` when retrying cannot help (an SMTP 5xx)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class NotFound(Refusal):
    status_code = 404


class Conflict(Refusal):
    status_code = 409
