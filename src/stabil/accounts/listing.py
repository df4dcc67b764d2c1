"""The accounts a page at a time, for the administration pages, and how many there are.

Each page is two statements whatever the number of rows: its count and its slice, with what
each row shows loaded in the same statement (a user's organisation, a token's holder).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from stabil.accounts.models import ApiToken, Organisation, User


@dataclass(frozen=True, slots=True)
class AccountCounts:
    users: int  # active ones
    organisations: int
    tokens: int  # that work: unrevoked, of active users


def account_counts(session: Session) -> AccountCounts:
    """The three counts in one statement."""
    users = select(func.count()).select_from(User).where(User.active.is_(True))
    organisations = select(func.count()).select_from(Organisation)
    tokens = (
        select(func.count())
        .select_from(ApiToken)
        .join(ApiToken.user)
        .where(ApiToken.revoked_at.is_(None), User.active.is_(True))
    )
    row = session.execute(
        select(users.scalar_subquery(), organisations.scalar_subquery(), tokens.scalar_subquery())
    ).one()
    return AccountCounts(users=row[0], organisations=row[1], tokens=row[2])


def user_page(session: Session, *, limit: int, offset: int) -> tuple[list[User], int]:
    """Users by address, with their organisations; and how many there are in all."""
    total = session.scalar(select(func.count()).select_from(User)) or 0
    users = session.scalars(select(User).order_by(User.email).limit(limit).offset(offset))
    return list(users), total


def organisation_page(
    session: Session, *, limit: int, offset: int
) -> tuple[list[Organisation], int]:
    total = session.scalar(select(func.count()).select_from(Organisation)) or 0
    organisations = session.scalars(
        select(Organisation).order_by(Organisation.key).limit(limit).offset(offset)
    )
    return list(organisations), total


def token_page(session: Session, *, limit: int, offset: int) -> tuple[list[ApiToken], int]:
    """Tokens, the newest first, each with its holder; and how many there are in all."""
    total = session.scalar(select(func.count()).select_from(ApiToken)) or 0
    tokens = session.scalars(
        select(ApiToken)
        .join(ApiToken.user)
        .options(contains_eager(ApiToken.user))
        .order_by(ApiToken.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(tokens), total


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)
