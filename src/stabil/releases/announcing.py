"""What a release tells its users on the status channel: one operational message of type
`release` (R10.3), posted when it is announced, updated when it changes, resolved when it is
out or cancelled. The status domain's outbox work sends each of these once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.catalog.service import declaration_of
from stabil.declaration import Declaration
from stabil.declaration.communication import MessageType
from stabil.errors import Invalid
from stabil.releases.models import Release
from stabil.status.models import Message
from stabil.status.service import (
    MessageUpdate,
    NewMessage,
    post_message,
    resolve_message,
    update_message,
)
from stabil.status.states import MessageState


def check_can_announce(declaration: Declaration) -> None:
    """A release is announced on the status channel, which must carry release messages."""
    if MessageType.release not in declaration.message_types():
        raise Invalid(
            "announce",
            "the status channel of {service} carries no release messages (its declaration "
            "has no message type release), so its releases cannot be announced there",
            service=declaration.key,
        )


def tell_announced(session: Session, actor: User, release: Release, *, now: dt.datetime) -> None:
    """Post the release's message, with its notes as the text."""
    body, body_en = texts(release)
    _post(session, actor, release, body, body_en, now)


def tell_changed(
    session: Session, actor: User, release: Release, *, moved: bool, now: dt.datetime
) -> None:
    """An update of the release's message; a new message if that one is no longer open."""
    body, body_en = texts(release)
    if moved:
        lead = (
            f"Version {release.version} er flyttet til {danish_date(release.planned_date)}.",
            f"Release {release.version} is moved to {release.planned_date.isoformat()}.",
        )
        body, body_en = f"{lead[0]}\n\n{body}", f"{lead[1]}\n\n{body_en}"
    message = release.message
    if message is None or message.state != MessageState.open:
        _post(session, actor, release, body, body_en, now)
        return
    title, title_en = titles(release)
    update = MessageUpdate(
        body=body, body_en=body_en, changes={"title": title, "title_en": title_en}
    )
    update_message(session, actor, message, update, now=now)


def tell_over(
    session: Session, actor: User, release: Release, *, cancelled: bool, now: dt.datetime
) -> None:
    """Resolve the release's open message: the release is out, or it will not come."""
    message = release.message
    if message is None or message.state != MessageState.open:
        return
    day, version = release.planned_date, release.version
    if cancelled:
        body = f"Version {version}, planlagt til {danish_date(day)}, er aflyst."
        body_en = f"Release {version}, planned for {day.isoformat()}, is cancelled."
    else:
        body, body_en = f"Version {version} er udgivet.", f"Release {version} is out."
    resolve_message(session, actor, message, body=body, body_en=body_en, now=now)


def titles(release: Release) -> tuple[str, str]:
    day = release.planned_date
    return (
        f"Version {release.version} den {danish_date(day)}",
        f"Release {release.version} on {day.isoformat()}",
    )


def texts(release: Release) -> tuple[str, str]:
    """The message's text in Danish and English: the notes, what kind of release it is, and
    after a shorter notice the help the agency owes (R11.1)."""
    danish = [release.notes.strip() or f"Version {release.version} udgives."]
    english = [(release.notes_en or "").strip() or f"Release {release.version} comes out."]
    if release.interface_change:
        danish.append("Versionen ændrer grænsefladen til de fælles infrastrukturkomponenter.")
        english.append("The release changes the interface to the common components.")
    if not release.notice_met and release.help_obligation:
        danish.append(release.help_obligation["da"])
        english.append(release.help_obligation.get("en") or release.help_obligation["da"])
    return "\n\n".join(danish), "\n\n".join(english)


def danish_date(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def _post(
    session: Session,
    actor: User,
    release: Release,
    body: str,
    body_en: str,
    now: dt.datetime,
) -> None:
    title, title_en = titles(release)
    declaration = declaration_of(release.declaration_version)
    message: Message = post_message(
        session,
        actor,
        NewMessage(
            service=release.service.key,
            type=MessageType.release,
            affected=[declaration.metadata.name.da],
            title=title,
            title_en=title_en,
            body=body,
            body_en=body_en,
        ),
        now=now,
    )
    release.message = message
    release.message_id = message.id
