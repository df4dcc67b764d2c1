"""A message's states and what each allows: it is open while there is news, then resolved."""

from __future__ import annotations

from enum import StrEnum


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


ALLOWED: dict[MessageState, tuple[MessageAction, ...]] = {
    MessageState.open: (MessageAction.update, MessageAction.resolve),
    MessageState.resolved: (MessageAction.close,),
    MessageState.closed: (),
}


def allowed_actions(state: MessageState) -> tuple[MessageAction, ...]:
    return ALLOWED[state]
