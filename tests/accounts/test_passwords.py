"""Passwords are hashed with argon2id, verified, and re-hashed when the parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher

from stabil.accounts import passwords
from stabil.accounts.passwords import (
    PRODUCTION_HASHER,
    generate_password,
    hash_password,
    needs_rehash,
    password_matches,
    use_hasher,
)
from tests.cast import CHEAP_HASHER, cheap_hashing


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert password_matches(stored, "correct horse battery staple")
    assert not password_matches(stored, "correct horse battery stapler")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("the same password") != hash_password("the same password")


def test_a_broken_hash_matches_nothing() -> None:
    assert not password_matches("not-a-hash", "anything at all")
    assert needs_rehash("not-a-hash")


def test_production_hashes_with_argon2_defaults_and_the_cast_swaps_them() -> None:
    use_hasher(PRODUCTION_HASHER)  # the autouse fixture puts the cheap one back afterwards
    with cheap_hashing():
        assert "$m=8,t=1,p=1$" in hash_password("a long enough password")
    assert "$m=65536,t=3,p=4$" in hash_password("a long enough password")


def test_hashes_from_other_parameters_need_rehashing() -> None:
    cheap = hash_password("a long enough password")
    previous = use_hasher(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    try:
        assert needs_rehash(cheap)
        assert password_matches(cheap, "a long enough password")  # still verifies meanwhile
        assert not needs_rehash(hash_password("a long enough password"))
    finally:
        use_hasher(previous)


def test_the_decoy_is_made_with_the_current_hasher() -> None:
    passwords.verify_against_decoy("whatever")
    decoy = passwords._decoy
    assert decoy is not None
    assert "m=8,t=1,p=1" in decoy
    use_hasher(CHEAP_HASHER)
    assert passwords._decoy is None  # a swap forgets it, so it never mixes parameters


def test_generated_passwords_are_long_and_random() -> None:
    generated = {generate_password() for _ in range(50)}
    assert len(generated) == 50
    assert all(len(password) == 24 for password in generated)
