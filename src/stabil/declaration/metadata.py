"""Who and what a declaration is about, and its version history (R1)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from stabil.declaration.base import Key, Model, Sourced, Text


class Party(Sourced):
    name: Text
    description: Text | None = None


class HistoryEntry(Model):
    date: dt.date
    version: Annotated[str, Field(min_length=1)]
    change: Text
    author: Annotated[str, Field(min_length=1, description="Initials or a role, not a name.")]


class History(Sourced):
    """The change history, and whom the owner tells about a change (R1.3)."""

    entries: Annotated[list[HistoryEntry], Field(min_length=1)]
    notify: list[Key] = Field(default_factory=list, description="Contacts told of a new version.")


class Metadata(Model):
    service: Key = Field(description="The key of the service this declaration governs.")
    incident_prefix: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{1,9}$")] = Field(
        description="Prefix of human incident keys, e.g. BDK gives BDK-2026-0042."
    )
    name: Text
    description: Text | None = None
    agency: Party = Field(description="The authority responsible for the service.")
    supplier: Party | None = Field(default=None, description="The party that operates it.")
    users: Party | None = Field(default=None, description="Who uses the service.")
    version: Annotated[str, Field(min_length=1)]
    effective: dt.date
    example: bool = Field(
        default=False, description="True for an invented example, not a real agreement."
    )
    history: History
