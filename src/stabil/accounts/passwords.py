"""Password hashing with argon2id; the hasher is swappable in this one place.

Production uses argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes),
which take a noticeable fraction of a second by design. Tests swap in cheap parameters with
`use_hasher`, so that creating a hundred users stays fast.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

GENERATED_PASSWORD_BYTES = 18  # 24 URL-safe characters, 144 bits

PRODUCTION_HASHER = PasswordHasher()
_hasher = PRODUCTION_HASHER
_decoy: str | None = None


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash with `hasher` from now on; returns the previous one, to put back later."""
    global _hasher, _decoy
    previous, _hasher, _decoy = _hasher, hasher, None
    return previous


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_against_decoy(password: str) -> None:
    """Spend the time of one verification for an account that does not exist.

    Prevents timing attacks: without it, an unknown address answers faster than a wrong
    password and so reveals which addresses have accounts.
    """
    global _decoy
    if _decoy is None:
        _decoy = _hasher.hash(generate_password())
    password_matches(_decoy, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the current hasher's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
