"""The worker delivers the outbox over real SMTP, into the local mailbox, and to webhooks."""

from __future__ import annotations

import datetime as dt
import json
import mailbox
import smtplib
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import update
from sqlalchemy.orm import Session

from stabil.outbox.delivery import backoff
from stabil.outbox.mailbox import list_mail, mailbox_path, read_mail
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.service import enqueue_webhook
from stabil.outbox.smtp import SmtpMailer, smtp_class
from stabil.outbox.webhooks import signature, verify
from tests.outbox.delivery_helpers import (
    DANISH_BODY,
    Clock,
    item,
    queue_mail,
    settings,
    smtp_settings,
    worker,
)
from tests.outbox.servers import MailServer, free_port, smtp_server, tls_contexts, webhook_server


def test_an_email_goes_over_smtp_with_its_headers_and_danish_text(
    session: Session, tmp_path: Path
) -> None:
    mail_id = queue_mail(session, recipient="vagt@borger.example")
    with smtp_server() as server:
        stabil = worker(session, smtp_settings(tmp_path, server.port))
        progress = stabil.run_once()
    assert progress.notifications == 1
    [message] = server.received
    stored = item(session, mail_id)
    assert message["Message-ID"] == stored.message_id
    assert message["From"] == "stabil@borger.example"
    assert message["To"] == "vagt@borger.example"
    assert message["Subject"] == "Brud på reaktionstid for BDK-2026-0001"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"].datetime == stored.created_at.replace(microsecond=0)
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().rstrip("\n") == DANISH_BODY
    assert (stored.state, stored.attempts, stored.last_error) == (DeliveryState.sent, 1, None)
    assert stored.sent_at is not None
    assert stored.claimed_by == stabil.id


def test_one_connection_carries_a_batch(session: Session, tmp_path: Path) -> None:
    for n in range(3):
        queue_mail(session, recipient=f"vagt{n}@borger.example")
    with smtp_server() as server:
        assert worker(session, smtp_settings(tmp_path, server.port)).deliver() == 3
    assert sorted(str(m["To"]) for m in server.received) == [
        "vagt0@borger.example",
        "vagt1@borger.example",
        "vagt2@borger.example",
    ]


def test_smtp_down_is_retried_with_backoff_and_the_message_kept(
    session: Session, tmp_path: Path
) -> None:
    mail_id = queue_mail(session)
    port = free_port()  # nothing listens there
    clock = Clock(item(session, mail_id).deliver_after)
    assert worker(session, smtp_settings(tmp_path, port), clock).run_once().notifications == 1
    failed = item(session, mail_id)
    assert (failed.state, failed.attempts) == (DeliveryState.pending, 1)
    assert failed.last_error is not None
    assert "ConnectionRefusedError" in failed.last_error
    assert failed.deliver_after == clock.now + dt.timedelta(seconds=30)
    assert failed.claimed_until is None

    clock.advance(seconds=29)
    assert worker(session, smtp_settings(tmp_path, port), clock).run_once().notifications == 0
    clock.advance(seconds=1)
    with smtp_server(port=port) as server:
        worker(session, smtp_settings(tmp_path, port), clock).run_once()
    assert server.message_ids == [failed.message_id]
    sent = item(session, mail_id)
    assert (sent.state, sent.attempts, sent.last_error) == (DeliveryState.sent, 2, None)


def test_a_message_that_keeps_failing_is_parked_never_dropped(
    session: Session, tmp_path: Path
) -> None:
    mail_id = queue_mail(session)
    clock = Clock(item(session, mail_id).deliver_after)
    config = smtp_settings(tmp_path, free_port(), outbox_max_attempts=3)
    for attempt in (1, 2, 3):
        assert worker(session, config, clock).run_once().notifications == 1
        assert item(session, mail_id).attempts == attempt
        clock.now = item(session, mail_id).deliver_after
    parked = item(session, mail_id)
    assert parked.state == DeliveryState.parked
    assert worker(session, config, clock).run_once().notifications == 0


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 50)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]


def test_a_refused_recipient_is_parked_at_once_and_others_still_go(
    session: Session, tmp_path: Path
) -> None:
    refused = queue_mail(session, recipient="findes.ikke@borger.example")
    later = queue_mail(session, recipient="vagt@borger.example")
    server = MailServer(refuse={"findes.ikke@borger.example": "550 5.1.1 No such user"})
    with smtp_server(server):
        worker(session, smtp_settings(tmp_path, server.port)).run_once()
    parked = item(session, refused)
    assert (parked.state, parked.attempts) == (DeliveryState.parked, 1)
    assert (
        parked.last_error == "recipient refused: findes.ikke@borger.example: 550 5.1.1 No such user"
    )
    assert item(session, later).state == DeliveryState.sent
    assert [str(m["To"]) for m in server.received] == ["vagt@borger.example"]


def test_a_temporary_refusal_is_retried(session: Session, tmp_path: Path) -> None:
    mail_id = queue_mail(session, recipient="fuld@borger.example")
    server = MailServer(refuse={"fuld@borger.example": "452 4.2.2 Mailbox full"})
    with smtp_server(server):
        worker(session, smtp_settings(tmp_path, server.port)).run_once()
    retried = item(session, mail_id)
    assert (retried.state, retried.attempts) == (DeliveryState.pending, 1)
    assert retried.last_error is not None
    assert "452" in retried.last_error


def test_a_message_that_cannot_be_written_is_parked_at_once(
    session: Session, tmp_path: Path
) -> None:
    # Queuing keeps subjects on one line; a row written another way must still not be sent.
    mail_id = queue_mail(session, subject="Brud")
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == mail_id)
        .values(subject="Brud\nBcc: alle@example.org")
    )
    worker(session, settings(tmp_path)).run_once()
    parked = item(session, mail_id)
    assert (parked.state, parked.attempts) == (DeliveryState.parked, 1)
    assert parked.last_error is not None
    assert parked.last_error.startswith("invalid message:")
    assert not (tmp_path / "mailbox").exists()


def test_settings_choose_the_smtplib_class_and_credentials(tmp_path: Path) -> None:
    assert smtp_class("none") is smtplib.SMTP
    assert smtp_class("starttls") is smtplib.SMTP
    assert smtp_class("tls") is smtplib.SMTP_SSL
    mailer = SmtpMailer.from_settings(
        settings(
            tmp_path,
            smtp_host="mail.example.org",
            smtp_port=465,
            smtp_security="tls",
            smtp_user="stabil",
            smtp_password=SecretStr("hemmelig"),
        )
    )
    assert (mailer.host, mailer.port, mailer.security) == ("mail.example.org", 465, "tls")
    assert (mailer.user, mailer.password) == ("stabil", "hemmelig")
    assert mailer.describe() == "SMTP mail.example.org:465 (tls)"


def test_smtp_over_tls_with_a_certificate_the_client_trusts(
    session: Session, tmp_path: Path
) -> None:
    server_tls, client_tls = tls_contexts(tmp_path)
    mail_id = queue_mail(session)
    with smtp_server(ssl_context=server_tls) as server:
        mailer = SmtpMailer("127.0.0.1", server.port, security="tls", ssl_context=client_tls)
        worker(session, smtp_settings(tmp_path, server.port), mailer=mailer).run_once()
    assert server.message_ids == [item(session, mail_id).message_id]


def test_starttls_and_login_when_the_server_demands_them(session: Session, tmp_path: Path) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(*args: object) -> AuthResult:
        data = args[-1]
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"u", b"pw")
        return AuthResult(success=ok)

    server_tls, client_tls = tls_contexts(tmp_path)
    first, second = queue_mail(session), queue_mail(session)
    with smtp_server(
        authenticator=authenticate,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
    ) as server:
        config = smtp_settings(tmp_path, server.port)
        plain = SmtpMailer("127.0.0.1", server.port, security="none")
        worker(session, config, mailer=plain).deliver()
        refused = item(session, first)
        assert refused.state == DeliveryState.pending
        assert refused.last_error is not None
        assert "530" in refused.last_error  # must issue STARTTLS first
        for mail_id in (first, second):
            item(session, mail_id).deliver_after = refused.created_at
        session.commit()
        secure = SmtpMailer(
            "127.0.0.1",
            server.port,
            security="starttls",
            user="u",
            password="pw",
            ssl_context=client_tls,
        )
        clock = Clock(refused.deliver_after + dt.timedelta(minutes=5))
        worker(session, config, clock, mailer=secure).deliver()
    assert sorted(server.message_ids) == sorted(
        item(session, i).message_id for i in (first, second)
    )


def test_without_an_smtp_host_mail_goes_to_the_local_mailbox(
    session: Session, tmp_path: Path
) -> None:
    mail_id = queue_mail(session, recipient="vagt@borger.example")
    stabil = worker(session, settings(tmp_path))
    assert stabil.mailer.describe() == f"the local mailbox {tmp_path / 'mailbox'}"
    stabil.run_once()
    stored = item(session, mail_id)
    assert stored.state == DeliveryState.sent
    box = mailbox.Maildir(mailbox_path(tmp_path), create=False)
    assert [m["Message-ID"] for m in box] == [stored.message_id]
    [summary], total = list_mail(mailbox_path(tmp_path), limit=10)
    assert (total, summary.to, summary.message_id) == (1, "vagt@borger.example", stored.message_id)
    assert summary.subject == "Brud på reaktionstid for BDK-2026-0001"
    mail = read_mail(mailbox_path(tmp_path), summary.key)
    assert mail is not None
    assert mail.body.rstrip("\n") == DANISH_BODY
    assert read_mail(mailbox_path(tmp_path), "no-such-key") is None


def test_a_webhook_is_signed_and_retried_until_it_is_taken(
    session: Session, tmp_path: Path
) -> None:
    with webhook_server(statuses=[500]) as hooks:
        hook_id = enqueue_webhook(
            session,
            url=hooks.url,
            secret="delt-hemmelighed",
            event="incident.escalated",
            payload={"incident": "BDK-2026-0001", "tekst": "Brud på reaktionstid"},
            subject_kind="incident",
            subject_key="BDK-2026-0001",
        )
        assert hook_id is not None
        session.commit()
        clock = Clock(item(session, hook_id).deliver_after)
        worker(session, settings(tmp_path), clock).run_once()
        failed = item(session, hook_id)
        assert (failed.state, failed.attempts) == (DeliveryState.pending, 1)
        assert failed.last_error is not None
        assert failed.last_error.startswith("HTTP 500")
        clock.now = failed.deliver_after
        worker(session, settings(tmp_path), clock).run_once()
    assert item(session, hook_id).state == DeliveryState.sent
    assert len(hooks.received) == 2
    hook = hooks.received[-1]
    assert hook.path == "/hooks/stabil"
    assert hook.headers["Content-Type"] == "application/json"
    assert hook.headers["X-Stabil-Event"] == "incident.escalated"
    assert hook.headers["X-Stabil-Delivery"] == str(hook_id)
    assert hook.headers["X-Stabil-Timestamp"] == str(int(clock.now.timestamp()))
    assert json.loads(hook.body) == {"incident": "BDK-2026-0001", "tekst": "Brud på reaktionstid"}
    timestamp = hook.headers["X-Stabil-Timestamp"]
    assert hook.headers["X-Stabil-Signature"] == signature("delt-hemmelighed", timestamp, hook.body)
    now = int(clock.now.timestamp())
    assert verify("delt-hemmelighed", hook.headers, hook.body, now)
    assert not verify("en-anden-nøgle", hook.headers, hook.body, now)
    assert not verify("delt-hemmelighed", hook.headers, hook.body + b" ", now)
    assert not verify("delt-hemmelighed", hook.headers, hook.body, now + 301)


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/hook"])
def test_a_webhook_to_an_invalid_url_is_parked(session: Session, tmp_path: Path, url: str) -> None:
    hook_id = enqueue_webhook(
        session,
        url=url,
        secret="s",
        event="e",
        payload={},
        subject_kind="incident",
        subject_key="BDK-2026-0001",
    )
    assert hook_id is not None
    session.commit()
    worker(session, settings(tmp_path)).run_once()
    parked = item(session, hook_id)
    assert parked.state == DeliveryState.parked
    assert parked.last_error is not None
    assert parked.last_error.startswith("invalid URL")
