"""API tokens: random, stored only as a digest, found in one query, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import ApiToken
from stabil.accounts.service import (
    authenticate_token,
    create_token,
    deactivate_user,
    list_tokens,
    revoke_token,
)
from tests.accounts.queries import statements
from tests.cast import Cast


def test_a_token_is_random_and_only_its_digest_is_kept(cast: Cast, session: Session) -> None:
    row, plaintext = create_token(session, cast.operator.user, "monitoring")
    assert plaintext.startswith("stb_")
    assert len(plaintext) == 4 + 43  # 32 random bytes, URL-safe base64
    assert row.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    stored = session.execute(select(ApiToken.__table__)).all()
    assert all(plaintext not in str(value) for line in stored for value in line)
    assert (row.name, row.last_used_at, row.revoked_at) == ("monitoring", None, None)
    _, another = create_token(session, cast.operator.user, "monitoring")
    assert another != plaintext


def test_a_token_authenticates_its_user(cast: Cast, session: Session) -> None:
    for member in (cast.admin, cast.supplier, cast.other_authority):
        assert authenticate_token(session, member.token) is member.user


def test_looking_a_token_up_is_one_query(cast: Cast, session: Session) -> None:
    session.expire_all()
    with statements(session) as sent:
        user = authenticate_token(session, cast.supplier.token)
        assert user is not None
        assert user.organisation is not None
        assert user.organisation.key == "supplier-a"
    assert len(sent) == 1, sent


def test_unknown_and_malformed_tokens_fail(cast: Cast, session: Session) -> None:
    token = cast.viewer.token
    for wrong in ("", token[:-1], token + "x", token.upper(), token.removeprefix("stb_")):
        assert authenticate_token(session, wrong) is None, wrong


def test_overlong_tokens_fail_without_a_query(session: Session) -> None:
    with statements(session) as sent:
        assert authenticate_token(session, "stb_" + "x" * 10_000) is None
    assert sent == []


def test_a_revoked_token_fails(cast: Cast, session: Session) -> None:
    token = list_tokens(session, cast.authority.user)[0]
    assert revoke_token(session, token)
    assert token.revoked_at is not None
    assert not revoke_token(session, token)  # revoking twice changes nothing
    assert authenticate_token(session, cast.authority.token) is None
    assert authenticate_token(session, cast.other_authority.token) is cast.other_authority.user


def test_an_inactive_users_tokens_fail(cast: Cast, session: Session) -> None:
    deactivate_user(session, cast.supplier.user)
    assert authenticate_token(session, cast.supplier.token) is None


def test_use_is_noted_to_the_minute(cast: Cast, session: Session) -> None:
    token = list_tokens(session, cast.viewer.user)[0]
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        authenticate_token(session, cast.viewer.token)
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        authenticate_token(session, cast.viewer.token)
    assert token.last_used_at == start  # not a write on every request
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        authenticate_token(session, cast.viewer.token)
    assert token.last_used_at == start + dt.timedelta(minutes=1)


def test_tokens_are_listed_per_user(cast: Cast, session: Session) -> None:
    create_token(session, cast.admin.user, "second")
    assert [t.name for t in list_tokens(session, cast.admin.user)] == ["cast", "second"]
    assert len(list_tokens(session)) == 8
