"""Browser sessions for the HTML pages: a random token in a cookie, its SHA-256 on the server.

As with API tokens, only the digest is stored, so a copy of the database opens no session.
A session ends at its expiry or when its user signs out or is deactivated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from stabil.accounts.models import User
from stabil.accounts.signin import Verdict, complete_sign_in
from stabil.db.base import Base
from stabil.db.types import now_utc

SESSION_LIFETIME = dt.timedelta(hours=12)
TOKEN_MAX_LENGTH = 100


class BrowserSession(Base):
    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, now: dt.datetime) -> str:
    """A new session for `user`; the token, which only the cookie keeps. Expired ones go."""
    session.execute(delete(BrowserSession).where(BrowserSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    session.add(
        BrowserSession(
            digest=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.flush()
    return token


def open_session(session: Session, verdict: Verdict, now: dt.datetime) -> str | None:
    """A session for the user whose password matched, unless the account changed since."""
    user = complete_sign_in(session, verdict)
    return None if user is None else start_session(session, user, now)


def session_user(session: Session, token: str, now: dt.datetime) -> User | None:
    """The active user of an unexpired session, else None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return session.scalar(
        select(User)
        .join(BrowserSession, BrowserSession.user_id == User.id)
        .where(
            BrowserSession.digest == _digest(token),
            BrowserSession.expires_at > now,
            User.active.is_(True),
        )
    )


def end_session(session: Session, token: str) -> None:
    session.execute(delete(BrowserSession).where(BrowserSession.digest == _digest(token)))


def csrf_token(token: str) -> str:
    """The token forms of this session carry; derived, so nothing more is stored.

    A page on another site can make the browser send the cookie, but cannot read it, so it
    cannot know this value.
    """
    return hmac.new(token.encode(), b"csrf", hashlib.sha256).hexdigest()


def csrf_matches(token: str, submitted: str) -> bool:
    return hmac.compare_digest(csrf_token(token).encode(), submitted.encode())


def change_password(session: Session, verdict: Verdict, new_hash: str, keep: str) -> bool:
    """Store `new_hash` for the user whose current password matched, and end every other
    browser session of theirs (`keep` is the one in use). False if the password was changed
    after it was checked, so that two changes at once cannot both win."""
    user = session.get(User, verdict.user_id)
    if user is None or not user.active or user.password_hash != verdict.checked_hash:
        return False
    user.password_hash = new_hash
    session.execute(
        delete(BrowserSession).where(
            BrowserSession.user_id == user.id, BrowserSession.digest != _digest(keep)
        )
    )
    session.flush()
    return True
