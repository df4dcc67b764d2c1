"""The confirmation link's signature, and the key it is signed with."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from pydantic import SecretStr

from stabil.settings import Settings
from stabil.subscriptions.tokens import (
    Confirmation,
    confirmation_token,
    new_nonce,
    read_confirmation,
    signing_key,
)

KEY = b"k" * 32
EXPIRES = dt.datetime(2026, 12, 3, 14, 5, tzinfo=dt.UTC)


def test_a_token_reads_back_what_it_was_made_of() -> None:
    nonce = new_nonce()
    token = confirmation_token(KEY, 42, nonce, EXPIRES)
    assert token.startswith(f"42.{nonce}.{int(EXPIRES.timestamp())}.")
    assert len(token) < 100
    found = read_confirmation(KEY, token)
    assert found == Confirmation(42, nonce, EXPIRES)
    assert not found.expired(EXPIRES - dt.timedelta(seconds=1))
    assert found.expired(EXPIRES)


def test_any_change_or_another_key_makes_it_forged() -> None:
    token = confirmation_token(KEY, 42, new_nonce(), EXPIRES)
    subscriber, nonce, expiry, mac = token.split(".")
    for forged in [
        f"43.{nonce}.{expiry}.{mac}",
        f"{subscriber}.{nonce[:-1]}{'A' if nonce[-1] != 'A' else 'B'}.{expiry}.{mac}",
        f"{subscriber}.{nonce}.{int(expiry) + 1}.{mac}",
        f"{subscriber}.{nonce}.{expiry}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",
        f"{subscriber}.{nonce}.{expiry}",
        f"0{subscriber}.{nonce}.{expiry}.{mac}",
        token + ".",
        "",
    ]:
        assert read_confirmation(KEY, forged) is None, forged
    assert read_confirmation(b"another key", token) is None


def test_the_key_of_the_settings_wins(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, secret_key=SecretStr("from-the-environment"))
    assert signing_key(settings) == b"from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_without_one_a_key_is_made_once_and_kept_for_the_owner(tmp_path: Path) -> None:
    made = signing_key(Settings(var_dir=tmp_path / "var"))
    kept = tmp_path / "var" / "secret_key"
    assert len(made) >= 32
    assert kept.read_bytes().strip() == made
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert signing_key(Settings(var_dir=tmp_path / "var")) == made
    assert list(kept.parent.iterdir()) == [kept]  # no draft left behind
