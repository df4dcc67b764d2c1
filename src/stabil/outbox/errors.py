"""Why a notification was not delivered."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """One attempt to deliver failed; `permanent` when retrying cannot help (an SMTP 5xx)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent
