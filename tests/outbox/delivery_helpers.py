"""What the delivery tests share: a clock to move by hand, a worker on the test's session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.outbox.models import OutboxItem
from stabil.outbox.service import enqueue_email
from stabil.settings import Settings
from stabil.worker.runner import Worker, units_of

DANISH_BODY = (
    "Hændelsen er ikke besvaret inden for fristen.\nMvh. Stabil – Digitaliseringsstyrelsen"
)


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def settings(var_dir: Path, **values: Any) -> Settings:
    return Settings(var_dir=var_dir, mail_from="stabil@borger.example", **values)


def smtp_settings(var_dir: Path, port: int, **values: Any) -> Settings:
    return settings(var_dir, smtp_host="127.0.0.1", smtp_port=port, **values)


def worker(session: Session, config: Settings, clock: Clock | None = None, **kw: Any) -> Worker:
    return Worker(settings=config, units=units_of(session), clock=clock or Clock(now_utc()), **kw)


def queue_mail(session: Session, recipient: str = "drift@borger.example", **values: Any) -> int:
    fields: dict[str, Any] = {
        "subject": "Brud på reaktionstid for BDK-2026-0001",
        "body": DANISH_BODY,
        "subject_kind": "incident",
        "subject_key": "BDK-2026-0001",
        **values,
    }
    new_id = enqueue_email(session, recipient=recipient, **fields)
    assert new_id is not None
    session.commit()
    return new_id


def item(session: Session, item_id: int) -> OutboxItem:
    session.expire_all()
    return session.scalars(select(OutboxItem).where(OutboxItem.id == item_id)).one()
