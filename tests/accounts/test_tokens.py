"""API tokens: random, stored only as a digest, found in one query, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import ApiToken
from stabil.accounts.service import (
    authenticate_token,
    create_token,
    deactivate_user,
    list_tokens,
    record_token_use,
    revoke_token,
    token_holder,
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
    record_token_use(session, token.id, start)
    session.refresh(token)
    assert token.last_used_at == start
    record_token_use(session, token.id, start + dt.timedelta(seconds=59))
    session.refresh(token)
    assert token.last_used_at == start  # a use within the minute changes nothing
    record_token_use(session, token.id, start + dt.timedelta(minutes=1))
    session.refresh(token)
    assert token.last_used_at == start + dt.timedelta(minutes=1)


def test_looking_a_token_up_writes_nothing(cast: Cast, session: Session) -> None:
    session.expire_all()
    with statements(session) as sent:
        holder = token_holder(session, cast.viewer.token)
    assert holder is not None
    assert holder.use_unrecorded  # never used: the caller is to record it, apart
    assert all(statement.lstrip().upper().startswith("SELECT") for statement in sent), sent


def test_tokens_are_listed_per_user(cast: Cast, session: Session) -> None:
    create_token(session, cast.admin.user, "second")
    assert [t.name for t in list_tokens(session, cast.admin.user)] == ["cast", "second"]
    assert len(list_tokens(session)) == 8
