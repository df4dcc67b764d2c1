"""The machine-readable status of a service: Stabil's documented JSON and the Statuspage shape.

Rendered from the `ServiceStatus` of a publication, never from the database, so that the same
snapshot always gives the same bytes (and the same ETag, wherever the files are served from).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from stabil.declaration.communication import MessageType
from stabil.public import statuspage
from stabil.public.schemas import (
    SCHEMA_VERSION,
    DayOut,
    HistoryOut,
    Links,
    LocalText,
    LocalUrl,
    MessageOut,
    PartOut,
    PeriodOut,
    StatusDocument,
    UpdateOut,
    UptimeOut,
    WindowOut,
)
from stabil.public.site import JSON, PublicFile, language_prefix
from stabil.public.snapshot import (
    PartHistory,
    PartStatus,
    PeriodUptime,
    PublicMessage,
    PublicWindow,
    ServiceStatus,
    Texts,
)
from stabil.status.states import EntryKind, MessageState
from stabil.windows.states import WindowState

LANGUAGES = ("da", "en")


def json_files(status: ServiceStatus, base_url: str) -> list[PublicFile]:
    """`status/{service}.json`, and the Statuspage API v2 files in Danish and in English."""
    base = base_url.rstrip("/")
    document = status_document(status, base)
    body = document.model_dump_json().encode()  # in the schema's field order, always
    files = [PublicFile(f"status/{status.key}.json", body, JSON)]
    for language in LANGUAGES:
        folder = f"{language_prefix(language)}/status/{status.key}/api/v2".lstrip("/")
        for name, body in statuspage.documents(status, base, language).items():
            files.append(PublicFile(f"{folder}/{name}", body, JSON))
    return files


def status_document(status: ServiceStatus, base: str) -> StatusDocument:
    zone = ZoneInfo(status.zone)
    urls = Urls(base, status.key)
    return StatusDocument(
        schema_version=SCHEMA_VERSION,
        service=status.key,
        name=_text(status.name),
        zone=status.zone,
        declaration_version=status.declaration_version,
        generated_at=status.generated_at.astimezone(zone),
        state=status.state,
        links=Links(
            page=urls.both(""),
            feed=urls.both("/feed.atom"),
            calendar=f"{base}/status/{status.key}/windows.ics",
            statuspage=urls.both("/api/v2/"),
        ),
        parts=[_part(part, urls, zone) for part in status.parts],
        active=[_message(message, urls, zone) for message in status.active],
        windows=[_window(window, zone) for window in status.windows],
        uptime=UptimeOut(month=status.uptime_month, periods=[_period(p) for p in status.uptime]),
        history=[_history(part) for part in status.history],
    )


class Urls:
    """Addresses under one service's pages, in both languages."""

    def __init__(self, base: str, service: str) -> None:
        self.base, self.service = base, service

    def of(self, language: str, suffix: str) -> str:
        return f"{self.base}{language_prefix(language)}/status/{self.service}{suffix}"

    def both(self, suffix: str) -> LocalUrl:
        return LocalUrl(da=self.of("da", suffix), en=self.of("en", suffix))


def _text(texts: Texts) -> LocalText:
    return LocalText(da=texts.da, en=texts.en)


def _local(instant: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    return None if instant is None else instant.astimezone(zone)


def _part(part: PartStatus, urls: Urls, zone: ZoneInfo) -> PartOut:
    return PartOut(
        key=part.key,
        name=_text(part.name),
        state=part.state,
        since=_local(part.since, zone),
        counts=part.counts,
        feed=urls.both(f"/parts/{part.key}/feed.atom"),
    )


def _message(message: PublicMessage, urls: Urls, zone: ZoneInfo) -> MessageOut:
    return MessageOut(
        id=message.id,
        url=urls.both(f"/messages/{message.id}"),
        type=MessageType(message.type),
        type_name=_text(message.type_name),
        state=MessageState(message.state),
        title=_text(message.title),
        affected=list(message.affected),
        parts=list(message.parts),
        affected_users=message.affected_users,
        cause=message.cause,
        horizon=message.horizon,
        horizon_at=_local(message.horizon_at, zone),
        posted_at=message.posted_at.astimezone(zone),
        updated_at=message.updated_at.astimezone(zone),
        resolved_at=_local(message.resolved_at, zone),
        updates=[
            UpdateOut(
                id=update.id,
                kind=EntryKind(update.kind),
                at=update.at.astimezone(zone),
                type=MessageType(update.type),
                body=_text(update.body),
            )
            for update in message.updates
        ],
    )


def _window(window: PublicWindow, zone: ZoneInfo) -> WindowOut:
    return WindowOut(
        id=window.id,
        kind=window.kind,
        kind_name=_text(window.kind_name),
        title=_text(window.title),
        description=None if window.description is None else _text(window.description),
        state=WindowState(window.state),
        start=window.start.astimezone(zone),
        end=window.end.astimezone(zone),
        updated_at=window.updated_at.astimezone(zone),
    )


def _period(period: PeriodUptime) -> PeriodOut:
    return PeriodOut(
        period=period.period,
        name=_text(period.name),
        uptime_percent=period.uptime_percent,
        target_percent=period.target_percent,
        met=period.met,
        downtime_seconds=period.downtime_seconds,
        budget_seconds=period.budget_seconds,
        budget_left_seconds=period.budget_left_seconds,
    )


def _history(part: PartHistory) -> HistoryOut:
    return HistoryOut(
        key=part.key,
        name=_text(part.name),
        uptime_percent=part.uptime_percent,
        days=[
            DayOut(
                day=day.day,
                state=day.state,
                downtime_seconds=day.downtime_seconds,
                degraded_seconds=day.degraded_seconds,
            )
            for day in part.days
        ],
    )
