"""What admins see of the outbox and do with it: list notifications, retry a parked one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from stabil.errors import Conflict, NotFound
from stabil.outbox.models import DeliveryState, OutboxItem


@dataclass(frozen=True, slots=True)
class OutboxFilter:
    state: str | None = None
    channel: str | None = None
    subject_key: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        wanted = {
            OutboxItem.state: self.state,
            OutboxItem.channel: self.channel,
            OutboxItem.subject_key: self.subject_key,
        }
        return [column == value for column, value in wanted.items() if value is not None]


WAITING = (DeliveryState.pending, DeliveryState.parked)


def state_counts(
    session: Session, states: tuple[DeliveryState, ...] = WAITING
) -> dict[DeliveryState, int]:
    """How many notifications are in each of `states`, in one statement.

    By default those still to be delivered: few, and counted along the state's index, where
    the sent ones grow without end.
    """
    rows = session.execute(
        select(OutboxItem.state, func.count())
        .where(OutboxItem.state.in_([state.value for state in states]))
        .group_by(OutboxItem.state)
    ).all()
    counts = dict.fromkeys(states, 0)
    for state, count in rows:
        counts[DeliveryState(state)] = count
    return counts


def list_outbox(
    session: Session, wanted: OutboxFilter, *, limit: int, offset: int
) -> tuple[list[OutboxItem], int]:
    """A page of notifications, the latest written first, and how many match in all."""
    conditions = wanted.conditions()
    total = session.scalar(select(func.count()).select_from(OutboxItem).where(*conditions))
    items = session.scalars(
        select(OutboxItem)
        .where(*conditions)
        .order_by(OutboxItem.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(items), total or 0


def get_item(session: Session, item_id: int) -> OutboxItem:
    item = session.get(OutboxItem, item_id)
    if item is None:
        raise NotFound("no notification has id {id}", id=item_id)
    return item


def retry(session: Session, item_id: int, now: dt.datetime) -> OutboxItem:
    """Put a parked notification back in the queue, due now; its attempts are kept."""
    changed = session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.state == DeliveryState.parked.value)
        .values(
            state=DeliveryState.pending.value,
            deliver_after=now,
            claimed_until=None,
            claimed_by=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    item = get_item(session, item_id)
    if not changed:
        raise Conflict(
            "notification {id} is {state}; only a parked one can be retried",
            id=item_id,
            state=item.state,
        )
    session.refresh(item)
    return item
