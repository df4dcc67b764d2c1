"""Sending e-mail over SMTP as the settings say: plain, STARTTLS or TLS, with or without login.

One connection serves a whole batch. A failure of the connection itself (refused, timed out,
dropped, TLS or login failed) is remembered for the rest of the batch, so a server that is down
costs one timeout per batch, not one per message.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from typing import Literal

from stabil.outbox.errors import DeliveryFailed
from stabil.settings import Settings

Security = Literal["none", "starttls", "tls"]
TIMEOUT_SECONDS = 20.0
SendMail = Callable[[EmailMessage], None]


def smtp_class(security: Security) -> type[smtplib.SMTP]:
    """SMTP over TLS from the first byte needs SMTP_SSL; plain and STARTTLS start as SMTP."""
    return smtplib.SMTP_SSL if security == "tls" else smtplib.SMTP


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: Security = "none",
        user: str | None = None,
        password: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.user, self.password = user, password
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        assert settings.smtp_host is not None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=password,
        )

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port} ({self.security})"

    @contextmanager
    def connection(self) -> Iterator[SendMail]:
        """A function that sends one message; it connects on first use and stays connected."""
        connection = _Connection(self)
        try:
            yield connection.send
        finally:
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        cls = smtp_class(self.security)
        if cls is smtplib.SMTP_SSL:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.ssl_context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.starttls(context=self.ssl_context)
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


class _Connection:
    def __init__(self, mailer: SmtpMailer) -> None:
        self.mailer = mailer
        self.smtp: smtplib.SMTP | None = None
        self.broken: DeliveryFailed | None = None

    def send(self, message: EmailMessage) -> None:
        if self.broken is not None:
            raise self.broken
        try:
            if self.smtp is None:
                self.smtp = self.mailer._connect()
            self.smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
            raise _refusal(error) from error
        except smtplib.SMTPSenderRefused as error:
            # The connection still works; the server may accept the sender later.
            raise DeliveryFailed(_describe(error)) from error
        except (OSError, smtplib.SMTPException) as error:
            self.broken = DeliveryFailed(_describe(error))
            raise self.broken from error

    def close(self) -> None:
        if self.smtp is not None:
            with suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp.close()


def _refusal(error: smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError) -> DeliveryFailed:
    """A 5xx refusal of the recipient or the message is final; a 4xx one may pass later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        replies = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return DeliveryFailed(
            f"recipient refused: {replies}", permanent=all(code >= 500 for code in codes)
        )
    return DeliveryFailed(
        f"message refused: {error.smtp_code} {_text(error.smtp_error)}",
        permanent=error.smtp_code >= 500,
    )


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
