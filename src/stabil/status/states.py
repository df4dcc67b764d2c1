"""A message's states and what each allows: it is open while there is news, then resolved."""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK
from stabil.records.machine import Machine, Step


class MessageState(StrEnum):
    open = "open"
    resolved = "resolved"  # the situation is over; the resolution was announced
    closed = "closed"  # archived: no longer current news anywhere


class MessageAction(StrEnum):
    update = "update"
    resolve = "resolve"
    close = "close"


class EntryKind(StrEnum):
    """What an entry of the timeline told: the first posting, an update, the resolution."""

    posted = "posted"
    updated = "updated"
    resolved = "resolved"


# The desk (admins, operators) posts and changes messages; an update leaves a message open.
MACHINE = Machine[MessageState, MessageAction](
    [
        Step(MessageState.open, MessageAction.update, MessageState.open, WORK),
        Step(MessageState.open, MessageAction.resolve, MessageState.resolved, WORK),
        Step(MessageState.resolved, MessageAction.close, MessageState.closed, WORK),
    ],
)
