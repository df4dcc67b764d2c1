"""Who may do what with operational messages.

Every user reads messages: they are public information. Admins and operators post and change
them. Of a message, a reader sees only the linked incidents it may see (the desk's rule) and
only the addresses it may see (accounts.privacy).
"""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.accounts.roles import WORK
from stabil.errors import Forbidden, Phrase
from stabil.status.models import Message
from stabil.status.states import MACHINE, MessageAction, MessageState


def check_can_write(user: User | None) -> None:
    """Only the desk posts and changes messages, whatever the change; and the system (None),
    which tells of a service window's reminder, start and end when they come (R12.2)."""
    if user is not None and user.role not in WORK:
        raise Forbidden("only admins and operators may post or change operational messages")


def check_step(user: User | None, message: Message, action: MessageAction) -> MessageState:
    """The state `action` takes `message` to, if `user` may take it now; else 409 or 403."""
    name = Phrase("message {id}", id=message.id)
    return MACHINE.step(MessageState(message.state), action, user, name=name)


def transitions_for(user: User | None, message: Message) -> list[MessageAction]:
    """What `user` may do with `message` now; nobody (None: a webhook's receiver) acts on it."""
    return MACHINE.allowed(MessageState(message.state), user)
