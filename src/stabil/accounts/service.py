"""Organisations, users and tokens: every change is one function; none of them commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import ApiToken, Organisation, User
from stabil.accounts.passwords import (
    generate_password,
    hash_password,
    needs_rehash,
    password_matches,
    verify_against_decoy,
)
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
# Recording every use would make every request a write; a minute is precise enough to tell
# a token in use from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class AdminCredentials:
    """The first admin's credentials, to show once: only their hashes are stored."""

    email: str
    password: str
    token: str


def add_organisation(session: Session, key: str, name: str, kind: str) -> Organisation:
    check_key(key)
    if find_organisation(session, key) is not None:
        raise AccountInvalid(f"an organisation with key {key!r} exists already")
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
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create a user, acting for the organisation with key `organisation` if one is given.

    Returns the user and, when no password was given, the generated one (to show once).
    """
    address = normalise_email(email)
    parsed_role = parse_role(role)
    if find_user(session, address) is not None:
        raise AccountInvalid(f"a user with email {address} exists already")
    generated = None
    if password is None:
        password = generated = generate_password()
    user = User(
        email=address,
        display_name=check_name(display_name, "a display name") if display_name else None,
        role=parsed_role,
        organisation=_organisation_for(session, parsed_role, organisation),
        password_hash=hash_password(check_password(password)),
    )
    session.add(user)
    session.flush()
    return user, generated


def _organisation_for(session: Session, role: Role, key: str | None) -> Organisation | None:
    if key is None:
        if role.needs_organisation:
            raise AccountInvalid(f"a user with role {role} needs an organisation")
        return None
    organisation = find_organisation(session, key)
    if organisation is None:
        known = ", ".join(o.key for o in list_organisations(session)) or "none yet"
        raise AccountInvalid(f"no organisation has key {key!r} (known: {known})")
    if role.organisation_kind not in (None, organisation.kind):
        raise AccountInvalid(
            f"a user with role {role} acts for an organisation of kind "
            f"{role.organisation_kind}, but {key} is of kind {organisation.kind}"
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


def verify_password(session: Session, email: str, password: str) -> User | None:
    """The active user with this address and password, else None.

    A hash made with older parameters is replaced by one with the current parameters.
    """
    user = find_user(session, email)
    if user is None or not user.active:
        verify_against_decoy(password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself, which only this call sees."""
    plaintext = new_token()
    token = ApiToken(
        user=user, name=check_name(name, "a token's name"), digest=token_digest(plaintext)
    )
    session.add(token)
    session.flush()
    return token, plaintext


def authenticate_token(session: Session, plaintext: str) -> User | None:
    """The active user owning this unrevoked token, else None; notes when it was used."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > TOKEN_MAX_LENGTH:
        return None
    found = session.execute(
        select(ApiToken, User)
        .join(ApiToken.user)
        .where(
            ApiToken.digest == token_digest(plaintext),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).one_or_none()
    if found is None:
        return None
    token, user = found
    now = now_utc()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return user


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


def ensure_admin(session: Session, email: str = DEFAULT_ADMIN_EMAIL) -> AdminCredentials | None:
    """Create the first admin, with a password and a token, unless any admin exists.

    Safe to run on every start: once an admin exists (active or not) it changes nothing.
    """
    if first_admin(session) is not None:
        return None
    user, password = add_user(session, email, Role.admin)
    assert password is not None  # none was given, so one was generated
    _token, plaintext = create_token(session, user, "init-admin")
    return AdminCredentials(email=user.email, password=password, token=plaintext)
