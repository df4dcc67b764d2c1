"""The history's mail, delivered by the worker's own delivery into the local mailbox, never
over SMTP: it is addressed to the declaration's contacts, which are real mailboxes. Done
before `stabil serve` starts, so that the server does not begin with a backlog."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from stabil.db.engine import unit_of_work
from stabil.db.types import now_utc
from stabil.outbox.mailbox import MaildirMailer, mailbox_path
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.settings import Settings
from stabil.worker.runner import Worker


def due_mail() -> int:
    """How many notifications are due for delivery now."""
    with unit_of_work(writes=False) as session:
        due = select(func.count()).where(
            OutboxItem.state == DeliveryState.pending.value, OutboxItem.deliver_after <= now_utc()
        )
        return session.scalar(due) or 0


def deliver_history(settings: Settings, advance: Callable[[int], None]) -> tuple[int, Path]:
    """Deliver every notification due now, telling `advance` of each batch; how many were
    tried, and the mailbox they went to."""
    path = mailbox_path(settings.var_dir)
    delivery = Worker(settings=settings, mailer=MaildirMailer(path)).delivery
    never = threading.Event()
    total = 0
    while tried := delivery.deliver_batch(never):
        total += tried
        advance(tried)
    return total, path
