"""The message service on its own: a refused change leaves the message as it was in memory."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from stabil.declaration.communication import MessageType
from stabil.errors import Invalid
from stabil.status.service import MessageUpdate, NewMessage, post_message, update_message
from tests.cast import Cast

T0 = dt.datetime(2026, 4, 14, 8, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("services")


def test_a_refused_update_mutates_nothing(session: Session, cast: Cast) -> None:
    operator = cast.operator.user
    new = NewMessage(
        service="example-webservice",
        type=MessageType.slow,
        affected=["API"],
        title="Langsom",
        body="Svartider over 5 s",
    )
    message = post_message(session, operator, new, T0)
    refused = [
        MessageUpdate("Mere", changes={"title": "Ny", "type": "release"}),  # not declared here
        MessageUpdate("Mere", changes={"title": "Ny", "affected": [" "]}),
        MessageUpdate("Mere", changes={"title": "Ny"}, incidents=["EWS-2026-0404"]),
        MessageUpdate("Mere", changes={"title": "Ny", "colour": "red"}),
    ]
    for update in refused:
        with pytest.raises(Invalid):
            update_message(session, operator, message, update, T0)
    assert (message.title, message.type, message.affected) == ("Langsom", "slow", ["API"])
    assert (message.revision, len(message.entries)) == (1, 1)
