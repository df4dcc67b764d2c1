"""What the self-service subscription tests share: the form, the mails it causes, the links."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.outbox.models import OutboxItem
from stabil.subscriptions.models import Subscriber

FORM = "/status/borger-dk/subscribe"
ADDRESS = "drift@aarhus.example"
CONFIRM = re.compile(r"http://127\.0\.0\.1:8000(/status/subscriptions/confirm/[^\s]+)")
MANAGE = re.compile(r"http://127\.0\.0\.1:8000(/status/subscriptions/manage/[^\s]+)")


def sign_up(client: TestClient, email: str = ADDRESS, **fields: Any) -> httpx.Response:
    return client.post(FORM, data={"email": email, **fields})


def subscribers(session: Session) -> list[Subscriber]:
    session.expire_all()
    return list(session.scalars(select(Subscriber).order_by(Subscriber.id)))


def sign_up_mails(session: Session) -> list[OutboxItem]:
    """The mails sign-ups asked for (confirmation and manage links), oldest first."""
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxItem)
            .where(OutboxItem.subject_kind == "subscription")
            .order_by(OutboxItem.id)
        )
    )


def outbox_count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(OutboxItem)) or 0


def link(pattern: re.Pattern[str], body: str) -> str:
    """The path of the one link of `pattern` in a mail's body."""
    [path] = pattern.findall(body)
    return str(path)


def confirm_path(session: Session) -> str:
    return link(CONFIRM, sign_up_mails(session)[-1].body)


def text_of(response: httpx.Response) -> str:
    """The page's text with its markup and runs of white space taken out."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())
