"""API tokens: random strings of which only a digest is stored."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "stb_"  # makes a leaked token recognisable to secret scanners and people
TOKEN_BYTES = 32  # 256 bits of randomness


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 digest under which a token is stored and looked up.

    A slow hash (argon2) protects guessable secrets; a token carries 256 random bits, so a
    fast hash is as safe, and it keeps every authenticated request cheap. Being
    deterministic, it also lets one indexed query find the token.
    """
    return hashlib.sha256(token.encode()).hexdigest()
