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
    """Account input that cannot be accepted; the message says why.

    The accounts sit below the kernel's refusals (stabil.errors), but this one is shaped like
    `Invalid`: it names the `field` it is about and keeps its message as a template with
    named values, so that a page shows it at that field in the reader's language while the
    command line prints the English message as it reads.
    """

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.field = field
        self.template = message
        self.params = params


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
        raise AccountInvalid(
            "email",
            "{address!r} is not a valid email address: {reason}",
            address=address,
            reason=str(error),
        ) from None


def parse_role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        known = ", ".join(Role)
        raise AccountInvalid(
            "role", "unknown role {role!r} (known: {known})", role=raw, known=known
        ) from None


def parse_kind(raw: str) -> OrganisationKind:
    try:
        return OrganisationKind(raw)
    except ValueError:
        known = ", ".join(OrganisationKind)
        raise AccountInvalid(
            "kind", "unknown organisation kind {kind!r} (known: {known})", kind=raw, known=known
        ) from None


def check_key(key: str) -> str:
    if len(key) > KEY_MAX or not KEY_PATTERN.fullmatch(key):
        raise AccountInvalid(
            "key",
            "{key!r} is not a valid organisation key: use lower-case letters, digits and "
            "single hyphens, at most {longest} characters (e.g. 'supplier-a')",
            key=key,
            longest=KEY_MAX,
        )
    return key


def check_name(name: str, what: str, field: str = "name", longest: int = NAME_MAX) -> str:
    """`name` without the spaces around it; `what` says in the message what it names."""
    name = name.strip()
    if not name or len(name) > longest:
        raise AccountInvalid(
            field,
            "{what} must have 1 to {longest} characters, got {count}",
            what=what,
            longest=longest,
            count=len(name),
        )
    if "\x00" in name:  # PostgreSQL cannot store it
        raise AccountInvalid(field, "{what} contains a NUL character (remove it)", what=what)
    return name


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountInvalid(
            "password",
            "a password must have {shortest} to {longest} characters, got {count}",
            shortest=PASSWORD_MIN,
            longest=PASSWORD_MAX,
            count=len(password),
        )
    return password
