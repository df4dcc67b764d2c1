"""The secrets in a subscriber's links, and the key that signs the confirmation link.

Two kinds of link reach a subscriber by mail:

- The confirmation link, `/status/subscriptions/confirm/{id}.{nonce}.{expiry}.{mac}`: an
  HMAC-SHA256 over the subscriber's id, the nonce stored in `confirm_token` and the expiry
  (a Unix time, 48 hours after it was mailed), with the key of `STABIL_SECRET_KEY`. A link
  with a wrong MAC is forged; one past its expiry has expired; one whose nonce the row no
  longer holds (it was confirmed, or the address left) has been used. Nothing is looked up
  before the MAC is checked.
- The manage and unsubscribe links carry `unsubscribe_token` itself: 256 random bits made
  when the subscriber was added, stored with the row and never shown but in the subscriber's
  own mail. It needs no signature, since only the row can say whether it is valid, and it
  must stay valid for as long as the subscription does.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stabil.settings import Settings

CONFIRM_LIFETIME = dt.timedelta(hours=48)
KEY_FILE = "secret_key"
# Bound to its purpose: the same key may sign other links one day, never interchangeably.
PURPOSE = b"stabil subscription confirmation\x00"
MAC_BYTES = 16  # 128 bits: forging one is out of reach, and the link stays short
SHAPE = re.compile(
    r"([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{16,64})\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})"
)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def new_secret_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a genuine confirmation link names, and whether it is still in time."""

    subscriber_id: int
    nonce: str
    expires: dt.datetime

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires


def confirmation_token(key: bytes, subscriber_id: int, nonce: str, expires: dt.datetime) -> str:
    body = f"{subscriber_id}.{nonce}.{int(expires.timestamp())}"
    return f"{body}.{_mac(key, body)}"


def read_confirmation(key: bytes, token: str) -> Confirmation | None:
    """The link's content if `key` signed it, else None (malformed or forged alike)."""
    shape = SHAPE.fullmatch(token)
    if shape is None:
        return None
    subscriber_id, nonce, expiry, mac = shape.groups()
    body = f"{subscriber_id}.{nonce}.{expiry}"
    if not hmac.compare_digest(mac, _mac(key, body)):  # in constant time: no timing oracle
        return None
    expires = dt.datetime.fromtimestamp(int(expiry), dt.UTC)
    return Confirmation(int(subscriber_id), nonce, expires)


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, PURPOSE + body.encode(), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signing_key(settings: Settings) -> bytes:
    """`STABIL_SECRET_KEY`, or the key kept in the var directory (made on first use)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    return _kept_key(settings.var_dir.resolve())


@cache
def _kept_key(var_dir: Path) -> bytes:
    path = var_dir / KEY_FILE
    if path.exists():
        return path.read_bytes().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(32).encode()
    draft = var_dir / f".{KEY_FILE}.{secrets.token_hex(4)}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(made + b"\n")
    try:
        # A hard link appears whole or not at all: of two processes starting at once, one
        # puts its key in place and the other reads that one.
        os.link(draft, path)
    except FileExistsError:
        return path.read_bytes().strip()
    finally:
        draft.unlink()
    return made
