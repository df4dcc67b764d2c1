"""A message to many subscribers (R10.2): one outbox item each, written in a few statements,
delivered over reused SMTP connections, none lost, none twice, and a refusal parking only
its own mail. 1,000 here (ten batches), to stay quick; bench/fanout.py measures 10,000."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.models import Service
from stabil.db.types import now_utc
from stabil.declaration.communication import MessageType
from stabil.outbox.delivery import BATCH_SIZE
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.smtp import SendMail, SmtpMailer
from stabil.status.service import NewMessage, post_message
from stabil.subscriptions.models import Subscriber
from stabil.subscriptions.tokens import new_secret_token
from tests.accounts.queries import statements
from tests.cast import Cast
from tests.outbox.delivery_helpers import smtp_settings, worker
from tests.outbox.servers import MailServer, smtp_server

pytestmark = pytest.mark.usefixtures("services")
MANY = 1_000
REFUSED = "drift00007@kommune.example"


def many_subscribers(session: Session) -> list[str]:
    service_id = session.scalars(select(Service.id).where(Service.key == "borger-dk")).one()
    now = now_utc()
    addresses = [f"drift{number:05d}@kommune.example" for number in range(MANY)]
    rows = [
        {
            "service_id": service_id,
            "email": address,
            "confirmed": True,
            "unsubscribe_token": new_secret_token(),
            "created_at": now,
            "confirmed_at": now,
            "parts": [],
            "types": [],
            "language": "da",
        }
        for address in addresses
    ]
    session.execute(insert(Subscriber), rows)
    session.commit()
    return addresses


class CountedConnections:
    """A real SMTP mailer that counts the connections it opens."""

    def __init__(self, inner: SmtpMailer) -> None:
        self.inner, self.opened = inner, 0

    def describe(self) -> str:
        return self.inner.describe()

    @contextmanager
    def connection(self) -> Iterator[SendMail]:
        self.opened += 1
        with self.inner.connection() as send:
            yield send


def header(raw: bytes, name: bytes) -> str:
    [value] = re.findall(rb"^" + name + rb": (.+)$", raw.split(b"\n\n", 1)[0], re.MULTILINE)
    return value.decode()


def post(session: Session, operator: User) -> None:
    new = NewMessage(
        service="borger-dk",
        type=MessageType.unavailable,
        affected=["Log-in med MitID"],
        title="Log-in virker ikke",
        body="Borgere kan ikke logge ind på Borger.dk.",
    )
    post_message(session, operator, new, now=now_utc() - dt.timedelta(seconds=1))
    session.commit()


def test_a_message_to_1000_subscribers_reaches_each_once(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    addresses = many_subscribers(session)
    with statements(session) as sent:
        post(session, cast.operator.user)
    # The mails are one statement, however many there are; the rest is the message's own.
    assert sum("INSERT INTO outbox" in statement for statement in sent) == 1
    assert len(sent) < 30

    server = MailServer(refuse={REFUSED: "550 5.1.1 No such mailbox"})
    with smtp_server(server):
        mailer = CountedConnections(SmtpMailer("127.0.0.1", server.port))
        delivery = worker(session, smtp_settings(tmp_path, server.port), mailer=mailer)
        assert delivery.run_once().notifications == MANY
    assert mailer.opened == MANY // BATCH_SIZE  # one connection a batch, not one a mail

    # Read from the raw headers: parsing 1,000 mails would take longer than sending them.
    received = Counter(header(raw, b"To") for raw in server.raw)
    assert set(received) == set(addresses) - {REFUSED}  # none lost
    assert max(received.values()) == 1  # none twice
    assert len({header(raw, b"Message-ID") for raw in server.raw}) == MANY - 1
    session.expire_all()
    outcomes = Counter(session.scalars(select(OutboxItem.state)))
    assert outcomes == {DeliveryState.sent.value: MANY - 1, DeliveryState.parked.value: 1}
    parked = session.scalars(
        select(OutboxItem).where(OutboxItem.state == DeliveryState.parked.value)
    ).one()
    assert parked.recipient == REFUSED  # the refusal parks its own mail alone
    assert "550 5.1.1 No such mailbox" in (parked.last_error or "")
