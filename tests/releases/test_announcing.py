"""Announcing a release posts one operational message of type `release` (R10.3, R11.1); its
changes are updates of that message, and each reaches every recipient once, by the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.outbox.models import OutboxItem
from stabil.status.models import Message
from stabil.subscriptions.service import add_subscriber
from tests.cast import Cast, headers
from tests.releases.conftest import API, CPH, NOW, count, register

__all__ = ["NOW"]  # the `frozen` fixture reads it from this module
pytestmark = pytest.mark.usefixtures("frozen", "services")
SUBSCRIBERS = ("drift@aarhus.example", "it@odense.example")


@pytest.fixture
def subscribed(services: None, session: Session, cast: Cast) -> None:
    for address in SUBSCRIBERS:
        add_subscriber(session, "borger-dk", address, actor=cast.admin.user)
    session.commit()


def mails(session: Session, message_id: int) -> list[OutboxItem]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxItem)
            .where(OutboxItem.subject_kind == "message", OutboxItem.subject_key == str(message_id))
            .order_by(OutboxItem.id)
        )
    )


def message(client: TestClient, cast: Cast, message_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/messages/{message_id}", headers=headers(cast.viewer))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


@pytest.mark.usefixtures("subscribed")
def test_announcing_posts_one_release_message_mailed_once_to_each_subscriber(
    client: TestClient, cast: Cast, session: Session
) -> None:
    release = register(client, cast.operator)
    assert (release["message_id"], count(session, Message), count(session, OutboxItem)) == (
        None,
        0,
        0,
    )
    url = f"{API}/{release['id']}"
    announced = client.post(url + "/announce", headers=headers(cast.operator)).json()
    message_id = announced["message_id"]
    assert message_id is not None
    posted = message(client, cast, message_id)
    assert (posted["type"], posted["state"]) == ("release", "open")
    assert (posted["title"], posted["title_en"]) == (
        "Version 2.0 den 15.09.2026",
        "Release 2.0 on 2026-09-15",
    )
    assert posted["affected"] == ["Borger.dk"]
    assert posted["timeline"][0]["body"].startswith("Ny log-in-grænseflade.")
    sent = mails(session, message_id)
    assert sorted(item.recipient for item in sent) == list(SUBSCRIBERS)
    assert {item.subject for item in sent} == {
        "[Borger.dk] Driftsstatus: Version 2.0 den 15.09.2026"
    }
    # Announced twice: refused, and nobody hears of it again.
    again = client.post(url + "/announce", headers=headers(cast.operator))
    assert again.status_code == 409
    assert again.json()["allowed_transitions"] == ["release", "cancel"]
    assert count(session, Message) == 1
    assert len(mails(session, message_id)) == 2


@pytest.mark.usefixtures("subscribed")
def test_rescheduling_is_an_update_of_the_message_and_a_new_announcement(
    client: TestClient, cast: Cast, session: Session, frozen: time_machine.Coordinates
) -> None:
    release = register(client, cast.operator, planned_date="2026-10-01", announce=True)
    message_id = release["message_id"]
    frozen.move_to(dt.datetime(2026, 4, 2, 9, tzinfo=CPH))
    same = client.patch(
        f"{API}/{release['id']}", json={"planned_date": "2026-10-01"}, headers=headers(cast.admin)
    )
    assert same.status_code == 200  # the same date: nothing to announce anew
    assert same.json()["revision"] == release["revision"]
    # Moved, it is announced anew: notice counts from now, so 2 October is the earliest.
    moved = client.patch(
        f"{API}/{release['id']}", json={"planned_date": "2026-10-02"}, headers=headers(cast.admin)
    )
    assert moved.status_code == 200, moved.text
    changed = moved.json()
    assert (changed["announced_at"], changed["notice"]["earliest_date"]) == (
        "2026-04-02T07:00:00Z",
        "2026-10-02",
    )
    assert changed["message_id"] == message_id
    updated = message(client, cast, message_id)
    assert updated["title"] == "Version 2.0 den 02.10.2026"
    assert [entry["kind"] for entry in updated["timeline"]] == ["posted", "updated"]
    assert updated["timeline"][1]["body"].startswith("Version 2.0 er flyttet til 02.10.2026.")
    subjects = [item.subject for item in mails(session, message_id)]
    assert subjects.count("[Borger.dk] Driftsstatus: Version 2.0 den 02.10.2026 (opdateret)") == 2
    too_soon = client.patch(
        f"{API}/{release['id']}", json={"planned_date": "2026-10-01"}, headers=headers(cast.admin)
    )
    assert too_soon.status_code == 422
    assert "2026-10-02 or later" in too_soon.json()["errors"][0]["problem"]
    assert len(mails(session, message_id)) == 4  # the refusal told nobody


@pytest.mark.usefixtures("subscribed")
def test_new_notes_are_told_but_keep_the_notice(
    client: TestClient, cast: Cast, session: Session, frozen: time_machine.Coordinates
) -> None:
    release = register(client, cast.operator, announce=True)
    frozen.move_to(dt.datetime(2026, 4, 2, 9, tzinfo=CPH))
    edited = client.patch(
        f"{API}/{release['id']}",
        json={"notes": "Ny log-in-grænseflade med MitID.", "notes_en": "A new log-in."},
        headers=headers(cast.operator),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["announced_at"] == release["announced_at"]
    assert edited.json()["notice_met"] is True
    entry = message(client, cast, release["message_id"])["timeline"][1]
    assert entry["body"].startswith("Ny log-in-grænseflade med MitID.")
    assert entry["body_en"].startswith("A new log-in.")
    assert len(mails(session, release["message_id"])) == 4


@pytest.mark.usefixtures("subscribed")
def test_cancelling_an_announced_release_resolves_its_message(
    client: TestClient, cast: Cast, session: Session
) -> None:
    release = register(client, cast.operator, announce=True)
    cancelled = client.post(
        f"{API}/{release['id']}/cancel", json={"reason": "Udskudt"}, headers=headers(cast.operator)
    )
    assert cancelled.status_code == 200, cancelled.text
    resolved = message(client, cast, release["message_id"])
    assert resolved["state"] == "resolved"
    assert resolved["timeline"][-1]["body"] == "Version 2.0, planlagt til 15.09.2026, er aflyst."
    subjects = [item.subject for item in mails(session, release["message_id"])]
    assert subjects.count("[Borger.dk] Driftsstatus: Version 2.0 den 15.09.2026 (løst)") == 2
    assert len(subjects) == 4


def test_releasing_resolves_the_message_and_an_unannounced_release_tells_nobody(
    client: TestClient, cast: Cast, session: Session
) -> None:
    announced = register(client, cast.operator, announce=True)
    out = client.post(f"{API}/{announced['id']}/release", headers=headers(cast.operator))
    assert out.status_code == 200, out.text
    resolved = message(client, cast, announced["message_id"])
    assert (resolved["state"], resolved["timeline"][-1]["body"]) == (
        "resolved",
        "Version 2.0 er udgivet.",
    )
    quiet = register(client, cast.operator, version="2.1", interface_change=False)
    client.post(f"{API}/{quiet['id']}/release", headers=headers(cast.operator))
    assert count(session, Message) == 1


def test_a_shorter_notice_tells_the_duty_to_help_in_the_message(
    client: TestClient, cast: Cast
) -> None:
    release = register(
        client,
        cast.operator,
        planned_date="2026-04-01",
        announce=True,
        shorter_notice_reason="urgent",
    )
    body = message(client, cast, release["message_id"])["timeline"][0]["body"]
    assert "Versionen ændrer grænsefladen" in body
    assert body.endswith("hjælper Digitaliseringsstyrelsen med viden og rådgivning om ændringerne.")


def test_a_message_resolved_by_hand_is_followed_by_a_new_one(
    client: TestClient, cast: Cast, session: Session
) -> None:
    release = register(client, cast.operator, announce=True)
    first = release["message_id"]
    client.post(f"/api/v1/messages/{first}/resolve", json={}, headers=headers(cast.operator))
    moved = client.patch(
        f"{API}/{release['id']}",
        json={"planned_date": "2026-09-16"},
        headers=headers(cast.operator),
    ).json()
    assert moved["message_id"] != first
    assert message(client, cast, moved["message_id"])["state"] == "open"
    assert count(session, Message) == 2
