"""A message reaches a subscriber only when it chose the message's type and a part the
message is about (R10.2); a message about no part, or a subscriber who chose none, is all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.outbox.models import OutboxItem
from stabil.subscriptions.service import Listener, add_subscriber
from tests.cast import Cast, headers

pytestmark = pytest.mark.usefixtures("services")

CHOICES = {
    "all@example.org": ([], []),
    "login@example.org": (["login"], []),
    "login-restored@example.org": (["login"], ["restored"]),
    "import-slow@example.org": (["article_import"], ["slow"]),
    "unavailable@example.org": ([], ["unavailable"]),
}


@pytest.fixture
def chosen(services: None, session: Session) -> None:
    for address, (parts, types) in CHOICES.items():
        row = add_subscriber(session, "borger-dk", address)
        row.parts, row.types = parts, types
    session.commit()


def mailed(client: TestClient, cast: Cast, session: Session, **message: object) -> list[str]:
    """Whom posting (and, with `resolve`, resolving) the message mails, by address."""
    resolve = message.pop("resolve", False)
    body = {"service": "borger-dk", "title": "Driftsforstyrrelse", "body": "Vi undersøger det."}
    answer = client.post(
        "/api/v1/messages", json={**body, **message}, headers=headers(cast.operator)
    )
    assert answer.status_code == 201, answer.text
    if resolve:
        resolved = client.post(
            f"/api/v1/messages/{answer.json()['id']}/resolve", headers=headers(cast.operator)
        )
        assert resolved.status_code == 200, resolved.text
    session.expire_all()
    kind = "resolved" if resolve else "posted"
    items = session.scalars(
        select(OutboxItem).where(
            OutboxItem.subject_key == str(answer.json()["id"]), OutboxItem.channel == "email"
        )
    )
    return sorted(
        {item.recipient for item in items if kind == "posted" or "(løst)" in item.subject}
    )


@pytest.mark.usefixtures("chosen")
@pytest.mark.parametrize(
    ("message", "recipients"),
    [
        (
            {"type": "unavailable", "affected": ["Log-in med MitID"]},
            ["all@example.org", "login@example.org", "unavailable@example.org"],
        ),
        (
            {"type": "slow", "affected": ["Artikelimport fra myndighederne"]},
            ["all@example.org", "import-slow@example.org"],
        ),
        (
            {"type": "unavailable", "affected": ["Hele portalen"]},  # no part: all of it
            ["all@example.org", "login@example.org", "unavailable@example.org"],
        ),
        (
            {"type": "slow", "affected": ["front_page"]},
            ["all@example.org"],
        ),
        (
            # The resolution is also a `restored` message (R9.6).
            {"type": "unavailable", "affected": ["login"], "resolve": True},
            [
                "all@example.org",
                "login-restored@example.org",
                "login@example.org",
                "unavailable@example.org",
            ],
        ),
    ],
)
def test_subscribers_hear_of_the_types_and_parts_they_chose(
    client: TestClient,
    cast: Cast,
    session: Session,
    message: dict[str, object],
    recipients: list[str],
) -> None:
    assert mailed(client, cast, session, **message) == recipients


@pytest.mark.parametrize(
    ("parts", "types", "of_login", "of_the_whole"),
    [
        ([], [], True, True),
        (["login"], [], True, True),
        (["front_page"], [], False, True),
        ([], ["slow"], False, False),
        (["front_page"], ["restored"], False, True),
        (["login", "front_page"], ["unavailable", "slow"], True, True),
    ],
)
def test_a_listener_hears_of_what_it_chose(
    parts: list[str], types: list[str], of_login: bool, of_the_whole: bool
) -> None:
    listener = Listener("a@example.org", "secret", parts, types)
    assert listener.hears_of(["unavailable"], ["login"]) is of_login
    assert listener.hears_of(["unavailable", "restored"], []) is of_the_whole
