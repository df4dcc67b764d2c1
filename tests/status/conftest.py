"""Operational status tests run with the shipped declarations and a third that mails contacts.

`mailing-webservice` is the example declaration under another key, whose `unavailable` messages
also go to a contact's functional mailbox: the shipped ones tell subscribers only.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.catalog.service import load_declaration_text
from stabil.outbox.models import OutboxItem
from tests.cast import Member, headers
from tests.conftest import BORGER_DK, EXAMPLE


def mailing_declaration() -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("service: example-webservice", "service: mailing-webservice", 1)
    text = text.replace("incident_prefix: EWS", "incident_prefix: MWS", 1)
    return text.replace(
        "{type: unavailable, name: {da: Utilgængelig, en: Unavailable}, notify: [subscribers]}",
        "{type: unavailable, name: {da: Utilgængelig, en: Unavailable}, "
        "notify: [service_owner, subscribers]}",
        1,
    )


@pytest.fixture
def services(session: Session) -> None:
    for path in (BORGER_DK, EXAMPLE):
        load_declaration_text(session, path.read_text(encoding="utf-8"), path.name)
    load_declaration_text(session, mailing_declaration(), "mailing-webservice.yaml")
    session.commit()  # ends a savepoint only: a refused request must not undo this setup


def message_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": "borger-dk",
        "type": "unavailable",
        "affected": ["Log-in", "Selvbetjening"],
        "title": "Log-in virker ikke",
        "body": "Borgere kan ikke logge ind på Borger.dk.",
    }
    data.update(changes)
    return data


def post(client: TestClient, member: Member, **changes: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/messages", json=message_body(**changes), headers=headers(member)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def incident(client: TestClient, member: Member, service: str = "borger-dk") -> str:
    response = client.post(
        "/api/v1/incidents",
        json={
            "service": service,
            "title": "Log-in fejler",
            "impact": {"users_affected_percent": 40},
        },
        headers=headers(member),
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def outbox(session: Session, **where: Any) -> list[OutboxItem]:
    statement = select(OutboxItem).filter_by(**where).order_by(OutboxItem.id)
    return list(session.scalars(statement))


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
