"""Organisations, users and tokens: every change is one function; none of them commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from stabil.accounts.models import ApiToken, Organisation, User
from stabil.accounts.passwords import generate_password, hash_password
from stabil.accounts.roles import Role
from stabil.accounts.tokens import TOKEN_PREFIX, new_token, token_digest
from stabil.accounts.validation import (
    AccountInvalid,
    check_key,
    check_name,
    check_password,
    normalise_email,
    parse_kind,
    parse_role,
)
from stabil.db.types import now_utc

DEFAULT_ADMIN_EMAIL = "admin@localhost"
TOKEN_MAX_LENGTH = 100  # far above a real token; longer input is refused before hashing
TOKEN_NAME_MAX = 100  # the column's length
# Recording every use would make every request a write; a minute is precise enough to tell
# a token in use from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class NewPassword:
    """A password hashed ahead of the transaction that stores it: hashing is slow by design,
    and a transaction (on SQLite, the one write lock) must not wait for it."""

    hash: str
    generated: str | None  # the password, when it was made up here and must be shown once


def new_password(password: str | None = None) -> NewPassword:
    """`password` checked and hashed, or a generated one when None."""
    if password is None:
        generated = generate_password()
        return NewPassword(hash_password(generated), generated)
    return NewPassword(hash_password(check_password(password)), None)


@dataclass(frozen=True, slots=True)
class AdminCredentials:
    """The first admin's credentials, to show once: only their hashes are stored."""

    email: str
    password: str
    token: str


def add_organisation(session: Session, key: str, name: str, kind: str) -> Organisation:
    check_key(key)
    if find_organisation(session, key) is not None:
        raise AccountInvalid("key", "an organisation with key {key!r} exists already", key=key)
    organisation = Organisation(
        key=key, name=check_name(name, "an organisation's name"), kind=parse_kind(kind)
    )
    session.add(organisation)
    session.flush()
    return organisation


def find_organisation(session: Session, key: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.key == key))


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.key)))


def add_user(
    session: Session,
    email: str,
    role: str,
    organisation: str | None = None,
    display_name: str | None = None,
    password: NewPassword | None = None,
) -> tuple[User, str | None]:
    """Create a user, acting for the organisation with key `organisation` if one is given.

    Returns the user and, when the password was generated, that password (to show once).
    Without `password` one is generated and hashed here, inside the caller's transaction;
    callers that share the database with others make it first with `new_password()`.
    """
    address = normalise_email(email)
    parsed_role = parse_role(role)
    if find_user(session, address) is not None:
        raise AccountInvalid("email", "a user with email {email} exists already", email=address)
    password = password or new_password()
    user = User(
        email=address,
        display_name=check_name(display_name, "a display name") if display_name else None,
        role=parsed_role,
        organisation=_organisation_for(session, parsed_role, organisation),
        password_hash=password.hash,
    )
    session.add(user)
    session.flush()
    return user, password.generated


def _organisation_for(session: Session, role: Role, key: str | None) -> Organisation | None:
    if key is None:
        if role.needs_organisation:
            raise AccountInvalid(
                "organisation", "a user with role {role} needs an organisation", role=role.value
            )
        return None
    organisation = find_organisation(session, key)
    if organisation is None:
        known = ", ".join(o.key for o in list_organisations(session)) or "none yet"
        raise AccountInvalid(
            "organisation", "no organisation has key {key!r} (known: {known})", key=key, known=known
        )
    if role.organisation_kind not in (None, organisation.kind):
        raise AccountInvalid(
            "organisation",
            "a user with role {role} acts for an organisation of kind {wanted}, but {key} is "
            "of kind {kind}",
            role=role.value,
            wanted=str(role.organisation_kind),
            key=key,
            kind=organisation.kind.value,
        )
    return organisation


def find_user(session: Session, email: str) -> User | None:
    """The user with this address, in any letter case; None for no or an invalid address."""
    try:
        address = normalise_email(email)
    except AccountInvalid:
        return None
    return session.scalar(select(User).where(User.email == address))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def deactivate_user(session: Session, user: User) -> bool:
    """Stop the user from signing in or using tokens; False when already inactive."""
    if not user.active:
        return False
    user.active = False
    session.flush()
    return True


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself, which only this call sees."""
    plaintext = new_token()
    token = ApiToken(
        user=user,
        name=check_name(name, "a token's name", longest=TOKEN_NAME_MAX),
        digest=token_digest(plaintext),
    )
    session.add(token)
    session.flush()
    return token, plaintext


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """The user a token belongs to, and whether its use is worth recording now."""

    user: User
    token_id: int
    use_unrecorded: bool


def token_holder(session: Session, plaintext: str) -> TokenHolder | None:
    """The active owner of this unrevoked token, else None. Reads only: a request that only
    reads must not become a writer because its token was used (see `record_token_use`)."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > TOKEN_MAX_LENGTH:
        return None
    found = session.execute(
        select(ApiToken.id, ApiToken.last_used_at, User)
        .join(ApiToken.user)
        .where(
            ApiToken.digest == token_digest(plaintext),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).one_or_none()
    if found is None:
        return None
    token_id, last_used_at, user = found
    stale = last_used_at is None or now_utc() - last_used_at >= LAST_USED_RESOLUTION
    return TokenHolder(user=user, token_id=token_id, use_unrecorded=stale)


def authenticate_token(session: Session, plaintext: str) -> User | None:
    """The active user owning this unrevoked token, else None."""
    holder = token_holder(session, plaintext)
    return None if holder is None else holder.user


def record_token_use(session: Session, token_id: int, now: dt.datetime) -> None:
    """Note that the token was used at `now`, unless a use within the resolution was noted."""
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= now - LAST_USED_RESOLUTION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def find_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def list_tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    query = select(ApiToken).join(ApiToken.user).order_by(User.email, ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def revoke_token(session: Session, token: ApiToken) -> bool:
    """Make the token useless from now on; False when it was revoked before."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now_utc()
    session.flush()
    return True


def first_admin(session: Session) -> User | None:
    return session.scalar(select(User).where(User.role == Role.admin).order_by(User.id).limit(1))


def ensure_admin(
    session: Session, email: str = DEFAULT_ADMIN_EMAIL, password: NewPassword | None = None
) -> AdminCredentials | None:
    """Create the first admin, with a password and a token, unless any admin exists.

    Safe to run on every start: once an admin exists (active or not) it changes nothing.
    `password` must be a generated one (`new_password()`): it is shown once.
    """
    if first_admin(session) is not None:
        return None
    user, generated = add_user(session, email, Role.admin, password=password)
    assert generated is not None, "the first admin's password is generated"
    _token, plaintext = create_token(session, user, "init-admin")
    return AdminCredentials(email=user.email, password=generated, token=plaintext)


def token_for(session: Session, email: str, name: str) -> tuple[ApiToken, str]:
    """A new token (see `create_token`) for the active user with address `email`."""
    user = find_user(session, email)
    if user is None:
        raise AccountInvalid("email", "no user has email {email!r}", email=email.strip())
    if not user.active:
        raise AccountInvalid(
            "email", "{email} is inactive; its tokens would not work", email=user.email
        )
    return create_token(session, user, name)
