"""Signing in with a password, in steps, so that the slow hash runs outside any transaction.

1. `find_candidate` reads the account (a read-only transaction);
2. `check_password` verifies the password against its hash (no database; slow by design);
3. `complete_sign_in` re-reads the account and stores a renewed hash (a short write).

An account deactivated, or a password changed, between the steps is refused at the third.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_matches,
    verify_against_decoy,
)
from stabil.accounts.service import find_user


@dataclass(frozen=True, slots=True)
class Candidate:
    user_id: int
    password_hash: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """A password that matched: whose it was, and its hash with today's parameters if the
    stored one was made with older ones."""

    user_id: int
    checked_hash: str
    renewed_hash: str | None


def find_candidate(session: Session, email: str) -> Candidate | None:
    """The active account with this address, else None."""
    user = find_user(session, email)
    if user is None or not user.active:
        return None
    return Candidate(user.id, user.password_hash)


def check_password(candidate: Candidate | None, password: str) -> Verdict | None:
    """The verdict for a matching password, else None; as slow for no account as for one.

    Spending the time of a verification for an unknown address prevents timing attacks:
    otherwise an unknown address would answer faster and reveal which addresses have accounts.
    """
    if candidate is None:
        verify_against_decoy(password)
        return None
    if not password_matches(candidate.password_hash, password):
        return None
    renewed = hash_password(password) if needs_rehash(candidate.password_hash) else None
    return Verdict(candidate.user_id, candidate.password_hash, renewed)


def complete_sign_in(session: Session, verdict: Verdict) -> User | None:
    """The user, still active, with a renewed hash stored; None if deactivated meanwhile or
    if the password was changed after it was checked."""
    user = session.get(User, verdict.user_id)
    if user is None or not user.active or user.password_hash != verdict.checked_hash:
        return None
    if verdict.renewed_hash is not None:
        user.password_hash = verdict.renewed_hash
        session.flush()
    return user
