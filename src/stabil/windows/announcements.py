"""Telling a service window's stakeholders: its announcement, a reminder, its start and end.

Announcing a window posts an operational message of type `service_window` (R12.2, R10.3);
from then on that message follows the window: rescheduling updates it, the reminder and the
start update it, the end and a cancellation resolve it. Everything told goes through the
message entity, so the recipients, the outbox with its dedupe keys and the webhooks are the
messages' own. The worker's jobs for the reminder, the start and the end are planned here too,
keyed by the window, so that each is done once and moves when the window moves.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.declaration import Declaration
from stabil.declaration.communication import MessageType
from stabil.status.models import Message
from stabil.status.service import (
    MessageUpdate,
    NewMessage,
    post_message,
    resolve_message,
    update_message,
)
from stabil.status.states import MessageState
from stabil.windows.models import ServiceWindow
from stabil.worker.jobs import Plan, cancel_pending

REMINDER = "window_reminder"
START = "window_start"
END = "window_end"


def announced(
    session: Session,
    actor: User,
    window: ServiceWindow,
    declaration: Declaration,
    now: dt.datetime,
) -> None:
    """Post the window's message, or update it when the window was announced before and has
    moved; then plan its reminder, start and end."""
    if not tells(declaration) or window.planned_end <= now:
        return  # a window entered after it was over is history: nobody needs telling
    da, en = when(window, declaration)
    if window.message is None:
        new = NewMessage(
            service=window.service.key,
            type=MessageType.service_window,
            affected=affected(window, declaration),
            title=window.title,
            body=_joined(window.body, f"Tidspunkt: {da}."),
            body_en=_joined(window.body_en, f"Time: {en}."),
            horizon_at=window.planned_end,
        )
        window.message = post_message(session, actor, new, now=now)
    else:
        _update(
            session,
            actor,
            window,
            f"Servicevinduet er flyttet. Nyt tidspunkt: {da}.",
            f"The service window has moved. New time: {en}.",
            now,
        )
    plan_jobs(session, window, declaration)


def reminded(
    session: Session, window: ServiceWindow, declaration: Declaration, now: dt.datetime
) -> None:
    """The reminder before the start, told by the system when it comes due."""
    da, en = when(window, declaration)
    _update(
        session,
        None,
        window,
        f"Påmindelse: servicevinduet ligger {da}.",
        f"Reminder: the service window is on {en}.",
        now,
    )


def started(
    session: Session,
    actor: User | None,
    window: ServiceWindow,
    declaration: Declaration,
    now: dt.datetime,
) -> None:
    assert window.actual_start is not None
    zone = declaration.time.zone
    begun = f"{window.actual_start.astimezone(zone):%H:%M}"
    ends = f"{window.planned_end.astimezone(zone):%H:%M}"
    _update(
        session,
        actor,
        window,
        f"Servicevinduet er begyndt kl. {begun}. Efter planen slutter det kl. {ends}.",
        f"The service window began at {begun}. It is planned to end at {ends}.",
        now,
    )


def completed(
    session: Session,
    actor: User | None,
    window: ServiceWindow,
    declaration: Declaration,
    now: dt.datetime,
) -> None:
    """The end resolves the message: the service is back, so `restored` recipients hear too."""
    assert window.actual_end is not None
    ended = f"{window.actual_end.astimezone(declaration.time.zone):%H:%M}"
    name_da, name_en = declaration.metadata.name.da, declaration.metadata.name.get("en")
    _resolve(
        session,
        actor,
        window,
        f"Servicevinduet sluttede kl. {ended}, og {name_da} kører normalt igen.",
        f"The service window ended at {ended}, and {name_en} is running normally again.",
        restored=True,
        now=now,
    )


def cancelled(
    session: Session,
    actor: User,
    window: ServiceWindow,
    declaration: Declaration,
    *,
    was_running: bool,
    now: dt.datetime,
) -> None:
    """A cancelled window's message is resolved; its jobs are dropped."""
    cancel_pending(session, subject_of(window))
    da, en = when(window, declaration)
    if was_running:
        stopped = f"{now.astimezone(declaration.time.zone):%H:%M}"
        texts = (
            f"Servicevinduet blev afbrudt kl. {stopped}.",
            f"The service window was stopped at {stopped}.",
        )
    else:
        texts = (f"Servicevinduet {da} er aflyst.", f"The service window on {en} is cancelled.")
    _resolve(session, actor, window, *texts, restored=was_running, now=now)


def plan_jobs(session: Session, window: ServiceWindow, declaration: Declaration) -> None:
    """The reminder, start and end of an announced window, at the times they are due.

    A reminder's key names the start it reminds of: a window moved after its reminder was
    sent gets one for its new time, and a worker running a job twice sends nothing twice.
    A window announced inside the reminder period gets no reminder: the announcement is one.
    """
    assert window.announced_at is not None
    assert declaration.service_windows is not None
    subject = subject_of(window)
    cancel_pending(session, subject)
    plan = Plan()
    hours = declaration.service_windows.reminder_hours
    remind_at = window.planned_start - dt.timedelta(hours=hours)
    if hours and window.announced_at < remind_at:
        key = f"{subject}:reminder:{window.planned_start.astimezone(dt.UTC).isoformat()}"
        plan.schedule(
            kind=REMINDER,
            subject_key=subject,
            dedupe_key=key,
            run_at=remind_at,
            payload={"window": window.id},
        )
    for kind, name, at in (
        (START, "start", window.planned_start),
        (END, "end", window.planned_end),
    ):
        plan.schedule(
            kind=kind,
            subject_key=subject,
            dedupe_key=f"{subject}:{name}",
            run_at=at,
            payload={"window": window.id},
        )
    plan.write(session)


def subject_of(window: ServiceWindow) -> str:
    return f"window:{window.id}"


def tells(declaration: Declaration) -> bool:
    """Whether the declaration has a status channel with service window messages."""
    return MessageType.service_window in declaration.message_types()


def affected(window: ServiceWindow, declaration: Declaration) -> list[str]:
    """The parts the window names, or the whole service when it names none."""
    return list(window.affected) or [declaration.metadata.name.da]


def when(window: ServiceWindow, declaration: Declaration) -> tuple[str, str]:
    """The window's planned times in local time, in Danish and in English."""
    zone = declaration.time.zone
    start, end = window.planned_start.astimezone(zone), window.planned_end.astimezone(zone)
    day_da = format_date(start, "EEEE 'den' d. MMMM y", locale="da")
    day_en = format_date(start, "EEEE d MMMM y", locale="en_GB")
    if start.date() == end.date():
        return (
            f"{day_da} kl. {start:%H:%M}–{end:%H:%M}",
            f"{day_en}, {start:%H:%M}–{end:%H:%M} ({zone.key} time)",
        )
    end_da = format_date(end, "EEEE 'den' d. MMMM y", locale="da")
    end_en = format_date(end, "EEEE d MMMM y", locale="en_GB")
    return (
        f"fra {day_da} kl. {start:%H:%M} til {end_da} kl. {end:%H:%M}",
        f"from {day_en}, {start:%H:%M} to {end_en}, {end:%H:%M} ({zone.key} time)",
    )


def _update(
    session: Session,
    actor: User | None,
    window: ServiceWindow,
    body: str,
    body_en: str,
    now: dt.datetime,
) -> None:
    message = _open_message(window)
    if message is None:
        return
    changes = {"horizon_at": window.planned_end} if message.horizon_at != window.planned_end else {}
    update = MessageUpdate(body=body, body_en=body_en, changes=changes)
    update_message(session, actor, message, update, now=now)


def _resolve(
    session: Session,
    actor: User | None,
    window: ServiceWindow,
    body: str,
    body_en: str,
    *,
    restored: bool,
    now: dt.datetime,
) -> None:
    message = _open_message(window)
    if message is None:
        return
    resolve_message(session, actor, message, body=body, body_en=body_en, restored=restored, now=now)


def _open_message(window: ServiceWindow) -> Message | None:
    """The window's message while it is news; none for a window never announced."""
    message = window.message
    if message is None or message.state != MessageState.open.value:
        return None
    return message


def _joined(*paragraphs: str | None) -> str:
    return "\n\n".join(item.strip() for item in paragraphs if item and item.strip())
