"""Refusals that any domain may raise; the web layer answers each with its status code."""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """An operation refused for a reason the caller can act on; never a server error."""

    status_code = 400

    def payload(self) -> dict[str, Any]:
        return {"detail": str(self)}
