"""Self-service subscription (R10.2): sign up, confirm by the mailed link, choose, leave.

Double opt-in: a sign-up keeps the address pending and mails it a link to confirm; nothing
else is ever sent to a pending address (the notifications read confirmed subscribers only).
Every sign-up that passes the checks gets the same answer, whether the address was unknown,
pending or subscribed, so the page tells no one who subscribes: an unknown or pending
address is sent the confirmation link, a subscribed one its manage link.

At most one such mail goes to an address per `RATE_WINDOW`: the row's `mailed_at` is claimed
by a conditional UPDATE, so the limit holds across processes and concurrent requests. A
pending address whose link has expired is deleted at the next sign-up: an address that never
confirmed is not kept. The functions take a session and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stabil.catalog.models import Service
from stabil.catalog.service import declaration_of, version_named
from stabil.declaration import Declaration
from stabil.errors import Gone, NotFound
from stabil.outbox.service import enqueue_email
from stabil.subscriptions.choices import (
    FormInvalid,
    check_address,
    check_chosen,
    check_language,
    check_service,
)
from stabil.subscriptions.mails import confirmation_mail, manage_mail
from stabil.subscriptions.models import Subscriber
from stabil.subscriptions.tokens import (
    CONFIRM_LIFETIME,
    confirmation_token,
    new_nonce,
    new_secret_token,
    read_confirmation,
)

RATE_WINDOW = dt.timedelta(minutes=15)
TOKEN_MAX = 200  # longer than any link this app makes


@dataclass(frozen=True, slots=True)
class SignUpForm:
    """What the status page's form sent, as sent."""

    email: str
    parts: Sequence[str] = ()
    types: Sequence[str] = ()
    language: str = "da"


def subscribable(
    session: Session, service_key: str, now: dt.datetime
) -> tuple[Service, Declaration]:
    """A service that takes subscribers, and its declaration in force; else refused."""
    stored = version_named(session, service_key, now.date())
    declaration = declaration_of(stored)
    check_service(declaration)
    return stored.service, declaration


def sign_up(
    session: Session, service_key: str, form: SignUpForm, *, key: bytes, now: dt.datetime
) -> Declaration:
    """Check the form, then mail the address what it needs, at most once per window; the
    service's declaration, for the answer."""
    service, declaration = subscribable(session, service_key, now)
    address, email_problems = check_address(form.email)
    chosen, choice_problems = check_chosen(declaration, form.parts, form.types)
    language, language_problems = check_language(form.language)
    problems = [*email_problems, *choice_problems, *language_problems]
    if problems:
        raise FormInvalid(problems)
    forget_expired(session, now)
    row = session.scalar(
        select(Subscriber).where(Subscriber.service_id == service.id, Subscriber.email == address)
    )
    if row is None:
        row = _add_pending(session, service, address, now)
        if row is None:  # a concurrent sign-up added it: that one mails
            return declaration
    elif not _claim_mail(session, row, now):
        if not row.confirmed:
            _choose(row, chosen.parts, chosen.types, language)
        return declaration
    if row.confirmed:
        subject, body = manage_mail(declaration, address, row.unsubscribe_token, language)
    else:
        _choose(row, chosen.parts, chosen.types, language)
        expires = now + CONFIRM_LIFETIME
        assert row.confirm_token is not None
        token = confirmation_token(key, row.id, row.confirm_token, expires)
        subject, body = confirmation_mail(declaration, address, token, expires, language)
    _mail(session, row, subject, body)
    return declaration


def _add_pending(
    session: Session, service: Service, address: str, now: dt.datetime
) -> Subscriber | None:
    row = Subscriber(
        service_id=service.id,
        email=address,
        confirmed=False,
        confirm_token=new_nonce(),
        unsubscribe_token=new_secret_token(),
        created_at=now,
        mailed_at=now,
    )
    try:
        # A savepoint: a concurrent duplicate fails here alone, not the caller's transaction.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _claim_mail(session: Session, row: Subscriber, now: dt.datetime) -> bool:
    """Whether this request may mail the address: none did within the window."""
    claimed = session.execute(
        update(Subscriber)
        .where(
            Subscriber.id == row.id,
            or_(Subscriber.mailed_at.is_(None), Subscriber.mailed_at <= now - RATE_WINDOW),
        )
        .values(mailed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(row, ["mailed_at"])
    return True


def _choose(row: Subscriber, parts: list[str], types: list[str], language: str) -> None:
    # Only a pending address: what a confirmed subscriber chose, only its own link changes.
    row.parts, row.types, row.language = parts, types, language


def _mail(session: Session, row: Subscriber, subject: str, body: str) -> None:
    enqueue_email(
        session,
        recipient=row.email,
        subject=subject,
        body=body,
        subject_kind="subscription",
        subject_key=str(row.id),
    )


def forget_expired(session: Session, now: dt.datetime) -> int:
    """Delete pending addresses whose last link has expired; how many."""
    result = session.execute(
        delete(Subscriber)
        .where(~Subscriber.confirmed, Subscriber.mailed_at < now - CONFIRM_LIFETIME)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def to_confirm(
    session: Session, token: str, *, key: bytes, now: dt.datetime, for_update: bool = False
) -> Subscriber:
    """The pending subscriber a confirmation link belongs to; refused when it is forged
    (404), expired or used (410)."""
    found = read_confirmation(key, token) if len(token) <= TOKEN_MAX else None
    if found is None:
        raise NotFound(
            "This confirmation link is not valid. Copy the whole link from the mail, or "
            "subscribe again on the status page."
        )
    if found.expired(now):
        raise Gone(
            "This confirmation link has expired. Subscribe again on the status page to get "
            "a new one."
        )
    row = session.get(Subscriber, found.subscriber_id, with_for_update=for_update)
    if row is None or row.confirmed or row.confirm_token != found.nonce:
        raise Gone(
            "This confirmation link has been used already. If you subscribe, the mails you "
            "get have a link to change or end the subscription."
        )
    return row


def confirm(session: Session, token: str, *, key: bytes, now: dt.datetime) -> Subscriber:
    """The address answered: from now on it gets the messages it chose."""
    row = to_confirm(session, token, key=key, now=now, for_update=True)
    row.confirmed, row.confirmed_at, row.confirm_token = True, now, None
    return row


def to_manage(session: Session, secret: str) -> Subscriber:
    """The confirmed subscriber whose secret a manage link carries; else 404."""
    row = None
    if len(secret) <= TOKEN_MAX and "\x00" not in secret:  # PostgreSQL refuses NUL
        row = session.scalar(select(Subscriber).where(Subscriber.unsubscribe_token == secret))
    if row is None or not row.confirmed:
        raise NotFound(
            "This link belongs to no subscription. Perhaps you have unsubscribed already; "
            "you can subscribe again on the status page."
        )
    return row


def declaration_for(session: Session, row: Subscriber, now: dt.datetime) -> Declaration:
    """The declaration in force of the subscriber's service, whether or not it still takes
    subscribers: one who subscribed can always see the subscription and leave it."""
    return declaration_of(version_named(session, row.service.key, now.date()))


def change_choices(
    session: Session,
    secret: str,
    parts: Sequence[str],
    types: Sequence[str],
    *,
    now: dt.datetime,
) -> Subscriber:
    """Hear of other parts or types from now on; a refused change changes nothing."""
    row = to_manage(session, secret)
    chosen, problems = check_chosen(declaration_for(session, row, now), parts, types)
    if problems:
        raise FormInvalid(problems)
    row.parts, row.types = chosen.parts, chosen.types
    return row


def leave(session: Session, secret: str) -> Subscriber:
    """End the subscription: the row is deleted, nothing of the address is kept."""
    row = to_manage(session, secret)
    session.delete(row)
    return row
