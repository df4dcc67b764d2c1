"""Who may do what with operational messages.

Every user reads messages: they are public information. Admins and operators post and change
them. Of a message, a reader sees only the linked incidents it may see (the desk's rule) and
only the addresses it may see (accounts.privacy).
"""

from __future__ import annotations

from stabil.accounts.models import Role, User
from stabil.errors import Forbidden
from stabil.status.models import Message
from stabil.status.states import MessageAction, MessageState, allowed_actions

WRITERS = frozenset({Role.admin, Role.operator})


def may_write(user: User) -> bool:
    """Whether `user` may post and change messages; the guard and the presenter ask."""
    return user.role in WRITERS


def check_can_write(user: User) -> None:
    if not may_write(user):
        raise Forbidden("only admins and operators may post or change operational messages")


def actions_for(user: User | None, message: Message) -> list[MessageAction]:
    """What `user` may do with `message` now; nobody (None: a webhook's receiver) acts on it."""
    if user is None or not may_write(user):
        return []
    return list(allowed_actions(MessageState(message.state)))
