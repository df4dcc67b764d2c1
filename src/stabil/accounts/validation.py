"""Checks of account input, each failing with a message that says what would be right."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from stabil.accounts.roles import OrganisationKind, Role

KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY_MAX = 64
NAME_MAX = 200
PASSWORD_MIN = 12
PASSWORD_MAX = 1024  # argon2 takes any length; this only bounds the work one request can ask for


class AccountInvalid(ValueError):
    """Account input that cannot be accepted; the message says why."""


def normalise_email(raw: str) -> str:
    """The address in the form it is stored and looked up in: checked, then lower-cased."""
    local, at, domain = raw.strip().rpartition("@")
    if at and domain.lower() == "localhost":
        # email-validator refuses the special-use name "localhost", but a single-machine
        # install has no other domain for its first admin; the local part is still checked.
        return f"{_validated(f'{local}@example.com').split('@')[0]}@localhost".lower()
    return _validated(raw.strip()).lower()


def _validated(address: str) -> str:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AccountInvalid(f"{address!r} is not a valid email address: {error}") from None


def parse_role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        known = ", ".join(Role)
        raise AccountInvalid(f"unknown role {raw!r} (known: {known})") from None


def parse_kind(raw: str) -> OrganisationKind:
    try:
        return OrganisationKind(raw)
    except ValueError:
        known = ", ".join(OrganisationKind)
        raise AccountInvalid(f"unknown organisation kind {raw!r} (known: {known})") from None


def check_key(key: str) -> str:
    if len(key) > KEY_MAX or not KEY_PATTERN.fullmatch(key):
        raise AccountInvalid(
            f"{key!r} is not a valid organisation key: use lower-case letters, digits and "
            f"single hyphens, at most {KEY_MAX} characters (e.g. 'supplier-a')"
        )
    return key


def check_name(name: str, what: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise AccountInvalid(f"{what} must have 1 to {NAME_MAX} characters, got {len(name)}")
    return name


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountInvalid(
            f"a password must have {PASSWORD_MIN} to {PASSWORD_MAX} characters, got {len(password)}"
        )
    return password
