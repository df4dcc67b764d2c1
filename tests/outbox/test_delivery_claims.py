"""Claims: a claimed notification is another worker's only after its lease; stopping gives back."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.orm import Session

from stabil.outbox.delivery import Claimed, claim_due, record_failure, record_sent, release
from stabil.outbox.errors import DeliveryFailed
from stabil.outbox.models import DeliveryState
from stabil.outbox.smtp import SendMail, SmtpMailer
from tests.outbox.delivery_helpers import Clock, item, queue_mail, settings, worker
from tests.outbox.servers import smtp_server

LEASE = dt.timedelta(minutes=5)


def claim(session: Session, now: dt.datetime, worker_id: str) -> list[Claimed]:
    return claim_due(session, now, worker_id=worker_id, lease=LEASE, limit=10)


def test_a_claimed_notification_waits_for_the_end_of_its_lease(session: Session) -> None:
    mail_id = queue_mail(session)
    now = item(session, mail_id).deliver_after
    [claimed] = claim(session, now, "a")
    assert (claimed.id, claimed.attempts) == (mail_id, 1)
    held = item(session, mail_id)
    assert (held.claimed_by, held.claimed_until) == ("a", now + LEASE)
    assert claim(session, now + LEASE - dt.timedelta(seconds=1), "b") == []
    [again] = claim(session, now + LEASE + dt.timedelta(seconds=1), "b")
    assert (again.id, again.attempts, again.message_id) == (mail_id, 2, claimed.message_id)
    assert item(session, mail_id).claimed_by == "b"


def test_a_notification_not_yet_due_is_not_claimed(session: Session) -> None:
    mail_id = queue_mail(session)
    due = item(session, mail_id).deliver_after
    assert claim(session, due - dt.timedelta(microseconds=1), "a") == []


def test_only_the_claim_holder_records_a_failure_but_a_send_always_counts(
    session: Session,
) -> None:
    mail_id = queue_mail(session)
    now = item(session, mail_id).deliver_after
    [claimed] = claim(session, now, "a")
    late = now + LEASE + dt.timedelta(seconds=1)
    claim(session, late, "b")
    failure = DeliveryFailed("timed out")
    record_failure(session, claimed, failure, late, worker_id="a", max_attempts=10)
    assert item(session, mail_id).last_error is None  # "a" no longer holds it
    record_sent(session, mail_id, late)
    assert item(session, mail_id).state == DeliveryState.sent
    record_failure(session, claimed, failure, late, worker_id="b", max_attempts=10)
    assert item(session, mail_id).state == DeliveryState.sent


def test_released_notifications_are_due_again_with_their_attempt_undone(
    session: Session,
) -> None:
    mail_id = queue_mail(session)
    now = item(session, mail_id).deliver_after
    claim(session, now, "a")
    release(session, [mail_id], worker_id="a")
    released = item(session, mail_id)
    assert (released.attempts, released.claimed_until) == (0, None)
    assert len(claim(session, now, "b")) == 1


class StopAfterFirstSend:
    """A real mailer that raises the stop flag once it has sent one message."""

    def __init__(self, inner: SmtpMailer, stop: threading.Event) -> None:
        self.inner, self.stop = inner, stop

    def describe(self) -> str:
        return self.inner.describe()

    @contextmanager
    def connection(self) -> Iterator[SendMail]:
        with self.inner.connection() as send:

            def send_then_stop(message: EmailMessage) -> None:
                send(message)
                self.stop.set()

            yield send_then_stop


class SlowMailbox:
    """Keeps nothing, but each message takes 31 s of the clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def describe(self) -> str:
        return "slow"

    @contextmanager
    def connection(self) -> Iterator[SendMail]:
        yield lambda _message: self.clock.advance(seconds=31)


def test_a_stopping_worker_finishes_the_message_in_hand_and_gives_back_the_rest(
    session: Session, tmp_path: Path
) -> None:
    ids = [queue_mail(session, recipient=f"vagt{n}@borger.example") for n in range(3)]
    stop = threading.Event()
    with smtp_server() as server:
        mailer = StopAfterFirstSend(SmtpMailer("127.0.0.1", server.port), stop)
        stabil = worker(session, settings(tmp_path), mailer=mailer)
        assert stabil.delivery.deliver_batch(stop) == 1
    states = [(item(session, i).state, item(session, i).attempts) for i in ids]
    assert states == [
        (DeliveryState.sent, 1),
        (DeliveryState.pending, 0),
        (DeliveryState.pending, 0),
    ]
    assert item(session, ids[1]).claimed_until is None
    assert len(server.received) == 1


def test_no_send_starts_after_half_the_lease(session: Session, tmp_path: Path) -> None:
    ids = [queue_mail(session) for _ in range(2)]
    clock = Clock(item(session, ids[1]).deliver_after)
    config = settings(tmp_path, outbox_lease_seconds=60)
    stabil = worker(session, config, clock, mailer=SlowMailbox(clock))
    assert stabil.delivery.deliver_batch(threading.Event()) == 1
    assert [item(session, i).state for i in ids] == [DeliveryState.sent, DeliveryState.pending]
    assert item(session, ids[1]).claimed_until is None
