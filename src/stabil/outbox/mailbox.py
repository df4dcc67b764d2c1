"""The local mailbox: where mail goes when no SMTP server is set, and what admins read of it.

A Maildir under the var directory: one file per message, written atomically (tmp/, then new/),
so a reader never sees half a message and a worker killed while writing leaves none.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import mailbox
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from stabil.outbox.errors import DeliveryFailed

SendMail = Callable[[EmailMessage], None]
_KEY_TIME = re.compile(r"^(\d+)\.M(\d+)P")


def mailbox_path(var_dir: Path) -> Path:
    return var_dir / "mailbox"


class MaildirMailer:
    """Keeps each message in the local Maildir instead of sending it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return f"the local mailbox {self.path}"

    @contextmanager
    def connection(self) -> Iterator[SendMail]:
        def keep(message: EmailMessage) -> None:
            try:
                _writable(self.path).add(message)
            except OSError as error:
                raise DeliveryFailed(f"{type(error).__name__}: {error}") from error

        yield keep


_FOLDERS = ("tmp", "new", "cur")


def _writable(path: Path) -> mailbox.Maildir:
    """The Maildir at `path`, with every folder it needs made first.

    The var directory need not exist: it is made with the SQLite database, and a deployment
    whose database lives elsewhere has none until the first mail is kept.
    """
    for folder in _FOLDERS:
        (path / folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    return mailbox.Maildir(path, create=False)


def _readable(path: Path) -> mailbox.Maildir | None:
    """The Maildir at `path`, or None while nothing was kept (it is made on the first mail)."""
    if not all((path / folder).is_dir() for folder in _FOLDERS):
        return None
    return mailbox.Maildir(path, create=False)


@dataclass(frozen=True, slots=True)
class MailSummary:
    key: str
    date: dt.datetime | None
    to: str
    subject: str
    message_id: str


@dataclass(frozen=True, slots=True)
class Mail:
    summary: MailSummary
    sender: str
    body: str


def list_mail(path: Path, *, limit: int, offset: int = 0) -> tuple[list[MailSummary], int]:
    """A page of the mailbox, the latest kept first, and how many it holds in all."""
    box = _readable(path)
    if box is None:
        return [], 0
    keys = sorted(box.keys(), key=_delivery_order, reverse=True)
    return [_summary(key, _read(box, key)) for key in keys[offset : offset + limit]], len(keys)


def read_mail(path: Path, key: str) -> Mail | None:
    """One message with its text, or None when the mailbox holds no message under `key`."""
    box = _readable(path)
    if box is None:
        return None
    try:
        message = _read(box, key)
    except KeyError:
        return None
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content() if isinstance(part, EmailMessage) else ""
    return Mail(summary=_summary(key, message), sender=str(message["From"] or ""), body=body)


def _read(box: mailbox.Maildir, key: str) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(box.get_bytes(key))
    assert isinstance(message, EmailMessage)
    return message


def _summary(key: str, message: EmailMessage) -> MailSummary:
    return MailSummary(
        key=key,
        date=_date(message),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        message_id=str(message["Message-ID"] or ""),
    )


def _date(message: EmailMessage) -> dt.datetime | None:
    try:
        return parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        return None


def _delivery_order(key: str) -> tuple[int, int, str]:
    """Maildir names begin with the second and microsecond the message was kept."""
    match = _KEY_TIME.match(key)
    if match is None:
        return (0, 0, key)
    return (int(match[1]), int(match[2]), key)
