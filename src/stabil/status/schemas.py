"""The JSON shapes of operational messages, subscribers and webhooks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from stabil.declaration.communication import MessageType
from stabil.schemas import Choice, Instant, Key, Printable, ShortText, Strict, Title
from stabil.status.states import EntryKind, MessageAction, MessageState
from stabil.subscriptions.service import WebhookEvent

Part = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Printable
]
Body = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000), Printable
]
Parts = Annotated[list[Part], Field(min_length=1, max_length=50)]
IncidentKeys = Annotated[list[Key], Field(max_length=50)]


class MessageIn(Strict):
    service: Key
    type: Choice[MessageType]
    affected: Parts = Field(description="The affected parts of the service; at least one.")
    title: Title
    title_en: Title | None = None
    body: Body = Field(description="The text in Danish.")
    body_en: Body | None = Field(default=None, description="The text in English, if any.")
    affected_users: ShortText | None = Field(
        default=None, description="Who and how many are affected (R9.3)."
    )
    cause: ShortText | None = None
    horizon: ShortText | None = Field(default=None, description="Expected horizon, in words.")
    horizon_at: Instant | None = Field(default=None, description="Expected horizon, an instant.")
    incidents: IncidentKeys = Field(default_factory=list, description="Keys of incidents.")


class MessageUpdateIn(Strict):
    """New text for the timeline; any fact given changes with it (null clears an optional one)."""

    body: Body
    body_en: Body | None = None
    type: Choice[MessageType] | None = None
    affected: Parts | None = None
    title: Title | None = None
    title_en: Title | None = None
    affected_users: ShortText | None = None
    cause: ShortText | None = None
    horizon: ShortText | None = None
    horizon_at: Instant | None = None
    incidents: IncidentKeys = Field(default_factory=list, description="Incidents to link too.")


class ResolveIn(Strict):
    body: Body | None = Field(default=None, description="Default: 'Løst.'")
    body_en: Body | None = None


class EntryOut(BaseModel):
    seq: int
    kind: EntryKind
    at: dt.datetime
    type: MessageType
    body: str
    body_en: str | None


class MessageOut(BaseModel):
    id: int
    service: str
    type: MessageType
    state: MessageState
    title: str
    title_en: str | None
    body: str
    body_en: str | None
    affected: list[str]
    affected_users: str | None
    cause: str | None
    horizon: str | None
    horizon_at: dt.datetime | None
    incidents: list[str]
    posted_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    timeline: list[EntryOut]
    allowed_transitions: list[MessageAction]
    revision: int


class MessagePage(BaseModel):
    items: list[MessageOut]
    total: int
    limit: int
    offset: int


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254), Printable
]


class SubscriberIn(Strict):
    service: Key
    email: Email


class SubscriberOut(BaseModel):
    id: int
    service: str
    email: str
    confirmed: bool
    created_at: dt.datetime


class ChoiceCount(BaseModel):
    key: str
    name: str = Field(description="In Danish.")
    name_en: str | None
    subscribers: int = Field(
        description="Confirmed subscribers who hear of it; those who "
        "chose none hear of all and count at each."
    )


class SubscriberCountsOut(BaseModel):
    """How many subscribe to a service's messages; never who."""

    service: str
    confirmed: int
    pending: int = Field(description="Signed up, not yet confirmed (deleted after 48 hours).")
    parts: list[ChoiceCount]
    types: list[ChoiceCount]


WebhookUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Printable
]
Secret = Annotated[str, StringConstraints(min_length=16, max_length=200), Printable]


class WebhookIn(Strict):
    service: Key
    url: WebhookUrl = Field(description="An http:// or https:// address.")
    events: list[Choice[WebhookEvent]] | None = Field(
        default=None, min_length=1, max_length=10, description="Default: every event."
    )
    secret: Secret | None = Field(
        default=None, description="Signs each body (HMAC-SHA256); default: generated."
    )


class WebhookOut(BaseModel):
    id: int
    service: str
    url: str
    events: list[WebhookEvent]
    created_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown only now; deliveries are signed with it.")
