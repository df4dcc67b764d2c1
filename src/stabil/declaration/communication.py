"""Telling people: message types, the status channel, contacts and meetings (R10, R16, R17)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import EmailStr, Field, field_validator

from stabil.declaration.base import Key, Sourced, Text

# Eight digits in a row, possibly grouped (`4072 8919`, `+45 70101881`): a Danish phone number.
_PHONE = re.compile(r"(?:\+\d{2}\s?)?(?:\d[\s-]?){7}\d")


class MessageType(StrEnum):
    """Kinds of operational message (R10.3, R9.5, R9.6)."""

    unavailable = "unavailable"
    partially_unavailable = "partially_unavailable"
    slow = "slow"
    service_window = "service_window"
    release = "release"
    major_update = "major_update"
    restored = "restored"


class MessageTypeRule(Sourced):
    type: MessageType
    name: Text
    notify: list[Key] = Field(default_factory=list, description="Contacts told of each message.")


class StatusChannel(Sourced):
    name: Text
    public: bool = True


class Subscriptions(Sourced):
    """Who may subscribe to the status channel and how they are told (R10.2)."""

    who: Text
    notify_on_every_message: bool = True
    channels: list[str] = Field(default_factory=lambda: ["email"])


class Communication(Sourced):
    status_channel: StatusChannel
    subscriptions: Subscriptions | None = None
    message_types: Annotated[list[MessageTypeRule], Field(min_length=1)]


class Channel(StrEnum):
    phone = "phone"
    mail = "mail"
    web = "web"


class Contact(Sourced):
    """A role or functional mailbox, never a person (R16.5)."""

    key: Key
    name: Text
    role: Text = Field(description="The function, e.g. 'Head of office, operations'.")
    mailbox: EmailStr | None = Field(default=None, description="A functional address.")
    hours: Key | None = Field(default=None, description="Calendar in which it is reachable.")
    channels: list[Channel] = Field(default_factory=list)
    members: list[Text] = Field(default_factory=list, description="Roles, for a list of people.")
    subscribers: bool = Field(
        default=False, description="The recipients are the status channel's subscribers."
    )

    @field_validator("name", "role")
    @classmethod
    def _no_phone_number(cls, value: Text) -> Text:
        for text in (value.da, value.en or ""):
            if _PHONE.search(text):
                raise ValueError(
                    f"{text!r} holds a phone number (contacts are roles and functional "
                    "mailboxes only, R16.5; keep numbers in the service's own directory)"
                )
        return value


class Meeting(Sourced):
    """A recurring forum between the parties (R17)."""

    key: Key
    name: Text
    participants: list[Text] = Field(default_factory=list)
    per_year: Annotated[int, Field(gt=0, le=52)]
    duration_minutes: Annotated[int, Field(gt=0, le=1440)]
    host: Text
    agenda: list[Text] = Field(default_factory=list)
    minutes: Text | None = None


class ContactPolicy(Sourced):
    """Contacts are roles and functional mailboxes, never people (R16.5)."""

    roles_only: bool = True
