"""Signing in: failed attempts are limited (429 with Retry-After), never for good, and the
password is checked while the request holds no database connection."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from stabil.accounts.models import User
from stabil.accounts.passwords import use_hasher
from stabil.db.engine import get_engine
from stabil.web.signin_limits import ACCOUNT, ADDRESS, PAIR, WINDOW_SECONDS, Attempt, SignInLimits
from tests.cast import Cast
from tests.web.conftest import RealApp


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(limits: SignInLimits, account: str, address: str, times: int) -> None:
    for _ in range(times):
        attempt = limits.attempt(account, address)
        assert isinstance(attempt, Attempt)


def test_a_pair_of_account_and_address_waits_after_its_failures() -> None:
    clock = FakeClock()
    limits = SignInLimits(clock=clock)
    fail(limits, "ops@digst.example", "10.0.0.1", PAIR.failures)
    assert limits.attempt("ops@digst.example", "10.0.0.1") == WINDOW_SECONDS
    assert isinstance(limits.attempt("ops@digst.example", "10.0.0.2"), Attempt)  # elsewhere
    assert isinstance(limits.attempt("other@digst.example", "10.0.0.1"), Attempt)
    clock.now += 60
    assert limits.attempt("ops@digst.example", "10.0.0.1") == WINDOW_SECONDS - 60
    clock.now += WINDOW_SECONDS - 60
    assert isinstance(limits.attempt("ops@digst.example", "10.0.0.1"), Attempt)  # never for good


def test_an_address_trying_many_accounts_waits() -> None:
    limits = SignInLimits(clock=FakeClock())
    for number in range(ADDRESS.failures):
        fail(limits, f"user{number}@digst.example", "10.0.0.9", 1)
    assert limits.attempt("new@digst.example", "10.0.0.9") == WINDOW_SECONDS
    assert isinstance(limits.attempt("new@digst.example", "10.0.0.10"), Attempt)


def test_an_account_tried_from_many_addresses_waits() -> None:
    limits = SignInLimits(clock=FakeClock())
    for number in range(ACCOUNT.failures):
        fail(limits, "ops@digst.example", f"10.1.{number // 250}.{number % 250}", 1)
    assert limits.attempt("ops@digst.example", "10.9.9.9") == WINDOW_SECONDS


def test_a_success_forgives_and_a_withdrawn_attempt_counts_for_nothing() -> None:
    limits = SignInLimits(clock=FakeClock())
    fail(limits, "ops@digst.example", "10.0.0.1", PAIR.failures - 1)
    attempt = limits.attempt("ops@digst.example", "10.0.0.1")
    assert isinstance(attempt, Attempt)
    attempt.succeeded()
    fail(limits, "ops@digst.example", "10.0.0.1", PAIR.failures)  # a fresh start
    busy = SignInLimits(clock=FakeClock())
    for _ in range(PAIR.failures * 2):
        attempt = busy.attempt("ops@digst.example", "10.0.0.1")
        assert isinstance(attempt, Attempt)
        attempt.withdraw()


def csrf_of(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert found
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str) -> int:
    form = {"email": email, "password": password, "csrf": csrf_of(client), "next": "/"}
    return client.post("/login", data=form, follow_redirects=False).status_code


def test_forty_wrong_passwords_then_the_right_one_waits_then_works(
    client: TestClient, cast: Cast
) -> None:
    clock = FakeClock()
    client.app.state.sign_in_limits = SignInLimits(clock=clock)  # type: ignore[attr-defined]
    email = cast.operator.user.email
    statuses = [sign_in(client, email, "not the password") for _ in range(40)]
    assert statuses == [400] * PAIR.failures + [429] * (40 - PAIR.failures)
    form = {"email": email, "password": cast.operator.password, "csrf": csrf_of(client)}
    refused = client.post("/login", data=form, follow_redirects=False)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(WINDOW_SECONDS)
    assert "For mange mislykkede forsøg på at logge ind. Prøv igen om 15 minutter." in refused.text
    clock.now += WINDOW_SECONDS
    assert sign_in(client, email, cast.operator.password) == 303


def test_the_limit_speaks_english_too(client: TestClient, cast: Cast) -> None:
    client.app.state.sign_in_limits = SignInLimits(clock=FakeClock())  # type: ignore[attr-defined]
    client.cookies.set("lang", "en")
    for _ in range(PAIR.failures):
        sign_in(client, cast.viewer.user.email, "wrong")
    form = {"email": cast.viewer.user.email, "password": "wrong", "csrf": csrf_of(client)}
    text = client.post("/login", data=form).text
    assert "Too many failed sign-ins. Try again in 15 minutes." in text


class WatchingHasher(PasswordHasher):
    """A cheap hasher, with other parameters than the cast's (so their hashes are renewed),
    that notes how many database connections are out whenever it works."""

    def __init__(self) -> None:
        super().__init__(time_cost=2, memory_cost=16, parallelism=1)
        self.connections_out: list[int] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.connections_out.append(get_engine().pool.checkedout())  # type: ignore[attr-defined]
        return super().verify(hash, password)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.connections_out.append(get_engine().pool.checkedout())  # type: ignore[attr-defined]
        return super().hash(password, salt=salt)


@pytest.mark.parametrize("password_is_right", [True, False])
def test_the_password_is_checked_outside_any_transaction(
    real: RealApp, password_is_right: bool
) -> None:
    watching = WatchingHasher()
    previous = use_hasher(watching)
    try:
        member = real.cast.operator
        password = member.password if password_is_right else "not the password"
        status = sign_in(real.client, member.user.email, password)
    finally:
        use_hasher(previous)
    assert status == (303 if password_is_right else 400)
    # Verified, and for the right password hashed anew: each with no connection out.
    assert watching.connections_out == ([0, 0] if password_is_right else [0])
    with real.engine.connect() as connection:
        stored = connection.scalar(select(User.password_hash).where(User.id == member.user.id))
    assert stored is not None
    renewed = "$m=16,t=2,p=1$" in stored  # stored in the short write after the check
    assert renewed == password_is_right
