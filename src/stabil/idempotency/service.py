"""Safe retries: a request repeated with the same Idempotency-Key is answered, not redone.

A client that retries after a timeout must not report an incident or publish (and mail) a
message twice. The first answer is stored, under the client's key within a namespace per
domain, and replayed to every retry with the same key, route and body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.errors import Conflict
from stabil.idempotency.models import IdempotencyRecord

Out = TypeVar("Out", bound=BaseModel)


def once(
    session: Session,
    user: User,
    key: str | None,
    *,
    namespace: str,
    route: str,
    body: BaseModel,
    model: type[Out],
    act: Callable[[], Out],
) -> tuple[Out, bool]:
    """`act()` for a new key; for a key seen before, its first answer. Also whether the
    answer is a replay.

    The record goes in before `act()` runs: a concurrent retry with the same key waits on
    it, then replays the answer, so two requests with one key never both act.
    """
    if key is None:
        return act(), False
    stored_key = f"{namespace}:{key}"
    digest = hashlib.sha256(f"{route}\n{body.model_dump_json()}".encode()).hexdigest()
    replay = _replay(session, user, stored_key, digest, model)
    if replay is not None:
        return replay, True
    record = IdempotencyRecord(
        user_id=user.id, key=stored_key, request_hash=digest, status_code=201, response={}
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        replay = _replay(session, user, stored_key, digest, model)
        if replay is None:
            raise Conflict("a request with this Idempotency-Key is still in progress") from None
        return replay, True
    result = act()
    record.response = result.model_dump(mode="json")
    return result, False


def _replay(session: Session, user: User, key: str, digest: str, model: type[Out]) -> Out | None:
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != digest:
        raise Conflict("this Idempotency-Key was used with another route or body (use a new key)")
    return model.model_validate(record.response)
