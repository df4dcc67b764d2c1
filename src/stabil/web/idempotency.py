"""Safe retries: a request repeated with the same Idempotency-Key is answered, not redone.

A client that retries after a timeout must not report an incident or publish (and mail) a
message twice. The first answer is stored, under the client's key within a namespace per
domain, and replayed to every retry with the same key, route and body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.desk.errors import Conflict
from stabil.desk.models import IdempotencyRecord

Out = TypeVar("Out", bound=BaseModel)
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=150,  # the stored key adds a namespace of a few characters
        description="Retries with the same key and body do nothing new and get the first answer.",
    ),
]


def once(
    session: Session,
    user: User,
    key: str | None,
    *,
    namespace: str,
    route: str,
    body: BaseModel,
    response: Response,
    model: type[Out],
    act: Callable[[], Out],
) -> Out:
    """`act()` for a new key; for a key seen before, its first answer.

    The record goes in before `act()` runs: a concurrent retry with the same key waits on
    it, then replays the answer, so two requests with one key never both act.
    """
    if key is None:
        return act()
    stored_key = f"{namespace}:{key}"
    digest = hashlib.sha256(f"{route}\n{body.model_dump_json()}".encode()).hexdigest()
    replay = _replay(session, user, stored_key, digest, model)
    if replay is not None:
        response.headers["Idempotent-Replayed"] = "true"
        return replay
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
        response.headers["Idempotent-Replayed"] = "true"
        return replay
    result = act()
    record.response = result.model_dump(mode="json")
    return result


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
