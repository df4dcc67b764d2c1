"""The times users were told about an incident: what orientation deadlines (R14.4) read."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from stabil.declaration.communication import MessageType
from stabil.desk.messages import Post, posts_about, posts_about_incidents
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.status.service import (
    MessageUpdate,
    NewMessage,
    post_message,
    resolve_message,
    update_message,
)
from stabil.subscriptions.service import add_subscriber, subscriber_emails
from tests.cast import Cast

T0 = dt.datetime(2026, 4, 14, 8, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("services")


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def new(
    type_: MessageType = MessageType.unavailable, incidents: tuple[str, ...] = ()
) -> NewMessage:
    return NewMessage(
        service="borger-dk",
        type=type_,
        affected=["Log-in"],
        title="Log-in",
        body="Nede",
        incidents=incidents,
    )


def test_posting_updates_and_resolution_are_the_times(session: Session, cast: Cast) -> None:
    operator = cast.operator.user
    impact = Impact(users_affected_percent=40)
    first = open_incident(session, operator, NewIncident("borger-dk", "A", "", impact), at(0))
    second = open_incident(session, operator, NewIncident("borger-dk", "B", "", impact), at(0))
    about_first = post_message(session, operator, new(incidents=(first.key,)), at(5))
    unlinked = post_message(session, operator, new(MessageType.slow), at(10))
    update_message(session, operator, unlinked, MessageUpdate("Mere"), at(15))
    # Linked later: the message's earlier posting was about the incident too.
    update_message(
        session,
        operator,
        unlinked,
        MessageUpdate(
            "Det er samme fejl", changes={"type": "major_update"}, incidents=[first.key, second.key]
        ),
        at(70),
    )
    update_message(session, operator, about_first, MessageUpdate("Stadig nede"), at(65))
    resolve_message(session, operator, about_first, now=at(130))
    assert posts_about(session, first) == [
        Post(at(5), MessageType.unavailable),
        Post(at(10), MessageType.slow),
        Post(at(15), MessageType.slow),
        Post(at(65), MessageType.unavailable),
        Post(at(70), MessageType.major_update),
        Post(at(130), MessageType.unavailable),
    ]
    instant, kind = posts_about(session, second)[0]
    assert (instant, kind) == (at(10), "slow")
    assert all(item.at.tzinfo is not None for item in posts_about(session, first))
    many = posts_about_incidents(session, [first.id, second.id, 999_999])
    assert [len(many[first.id]), len(many[second.id])] == [6, 3]
    assert 999_999 not in many
    assert posts_about_incidents(session, []) == {}


def test_an_incident_without_messages_has_no_times(session: Session, cast: Cast) -> None:
    incident = open_incident(session, cast.operator.user, NewIncident("borger-dk", "A", ""), at(0))
    post_message(session, cast.operator.user, new(), at(5))
    assert posts_about(session, incident) == []


def test_subscriber_emails_are_the_confirmed_addresses(session: Session) -> None:
    add_subscriber(session, "borger-dk", "B@Example.org")
    add_subscriber(session, "borger-dk", "a@example.org")
    pending = add_subscriber(session, "borger-dk", "c@example.org")
    pending.confirmed = False  # as a self-service sign-up will be before confirming
    add_subscriber(session, "example-webservice", "d@example.org")
    session.flush()
    service_id = pending.service_id
    assert subscriber_emails(session, service_id) == ["a@example.org", "b@example.org"]
