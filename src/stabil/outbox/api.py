"""JSON routes of the outbox, for admins: what was sent, what waits, what is parked."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from stabil.accounts.auth import require_roles
from stabil.accounts.models import User
from stabil.accounts.roles import Role
from stabil.db.types import now_utc
from stabil.outbox.manage import OutboxFilter, get_item, list_outbox, retry
from stabil.outbox.models import Channel, DeliveryState, OutboxItem
from stabil.web.deps import SessionDep
from stabil.web.openapi import CONFLICT
from stabil.web.params import Limit, Offset, RowId

router = APIRouter(prefix="/outbox", tags=["outbox"])
Admin = Annotated[User, Depends(require_roles(Role.admin))]


class OutboxItemOut(BaseModel):
    id: int
    channel: Channel
    recipient: str
    subject: str
    subject_kind: str
    subject_key: str
    state: DeliveryState
    deliver_after: dt.datetime
    attempts: int
    last_error: str | None
    message_id: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


class OutboxPage(BaseModel):
    items: list[OutboxItemOut]
    total: int
    limit: int
    offset: int


def item_out(item: OutboxItem) -> OutboxItemOut:
    # Never the signing key: it is a secret shared with the receiver alone.
    fields: dict[str, Any] = {name: getattr(item, name) for name in OutboxItemOut.model_fields}
    if item.channel != Channel.email:
        fields["message_id"] = None
    return OutboxItemOut(**fields)


@router.get("", summary="List notifications")
def index(
    _admin: Admin,
    session: SessionDep,
    state: DeliveryState | None = None,
    channel: Channel | None = None,
    subject_key: Annotated[str | None, Query(max_length=64, pattern=r"^[^\x00]*$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> OutboxPage:
    wanted = OutboxFilter(
        state=state.value if state else None,
        channel=channel.value if channel else None,
        subject_key=subject_key,
    )
    items, total = list_outbox(session, wanted, limit=limit, offset=offset)
    return OutboxPage(items=[item_out(i) for i in items], total=total, limit=limit, offset=offset)


@router.get("/{item_id}", summary="One notification")
def show(item_id: RowId, _admin: Admin, session: SessionDep) -> OutboxItemOut:
    return item_out(get_item(session, item_id))


@router.post("/{item_id}/retry", summary="Retry a parked notification now", responses=CONFLICT)
def retry_parked(item_id: RowId, _admin: Admin, session: SessionDep) -> OutboxItemOut:
    return item_out(retry(session, item_id, now_utc()))
