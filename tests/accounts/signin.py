"""Signing in within one session, as tests want it: the three steps of stabil.accounts.signin."""

from __future__ import annotations

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.signin import check_password, complete_sign_in, find_candidate


def signs_in(session: Session, email: str, password: str) -> User | None:
    """The user that `email` and `password` sign in, else None."""
    verdict = check_password(find_candidate(session, email), password)
    return None if verdict is None else complete_sign_in(session, verdict)
