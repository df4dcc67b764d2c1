"""The Idempotency-Key header of the API's writes, and their answers to a retry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.idempotency import service

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
    """`act()` once per key (stabil.idempotency.service.once); a replay says so in a header."""
    result, replayed = service.once(
        session, user, key, namespace=namespace, route=route, body=body, model=model, act=act
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return result
