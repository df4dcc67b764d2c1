"""The public site's HTML pages, rendered to files from a snapshot (R10.1, R9.3, R12.2).

For each language: the service's page, its archive (an index and a page per month that has
messages) and a page per message; `index_files` gives the list of every service. Nothing
here reads the database or the clock: the same snapshot gives the same bytes, which the
store compares and the server tags. Danish pages live at `/status/…`, English at
`/en/status/…`; a Danish text shown on an English page (one the desk wrote only in Danish)
is marked `lang="da"`, so that a screen reader reads it in Danish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from markupsafe import Markup, escape

from stabil.outbox.links import app_url
from stabil.public.site import HTML, PublicFile, language_prefix, page_path
from stabil.public.snapshot import PublicMessage, ServiceStatus, Texts
from stabil.web.i18n import LANGUAGES
from stabil.web.templating import render_page

RECENT = dt.timedelta(days=7)  # a resolved message stays on the service's page this long (R9.6)
_LOCALES = {"da": "da", "en": "en_GB"}


@dataclass(frozen=True, slots=True)
class Month:
    key: str  # YYYY-MM, local
    name: str  # "marts 2026", "March 2026"
    messages: list[PublicMessage]  # newest first


def page_files(status: ServiceStatus) -> list[PublicFile]:
    """Every page of one service, in both languages."""
    return [item for language in LANGUAGES for item in _pages(status, language)]


def _pages(status: ServiceStatus, language: str) -> list[PublicFile]:
    def page(path: str, template: str, **context: Any) -> PublicFile:
        shared = {"status": status, "generated_at": status.generated_at, "zone": status.zone}
        return _file(language, f"/status/{status.key}{path}", template, {**shared, **context})

    months = months_of(status, language)
    files = [
        page("", "public/service.html", **_service(status)),
        page("/archive", "public/archive.html", months=months),
    ]
    for month in months:
        files.append(page(f"/archive/{month.key}", "public/month.html", month=month))
        files += [
            page(f"/messages/{item.id}", "public/message.html", message=item, month=month)
            for item in month.messages
        ]
    return files


def index_files(statuses: list[ServiceStatus]) -> list[PublicFile]:
    """The list of every service and its state, `/status`, in both languages."""
    ordered = sorted(statuses, key=lambda item: item.key)
    newest = max((item.generated_at for item in ordered), default=None)
    return [
        _file(
            language,
            "/status",
            "public/index.html",
            {"statuses": ordered, "generated_at": newest, "zone": _zone(ordered)},
        )
        for language in LANGUAGES
    ]


def months_of(status: ServiceStatus, language: str) -> list[Month]:
    """The local months that have messages, newest first, each with its messages."""
    zone = ZoneInfo(status.zone)
    grouped: dict[str, list[PublicMessage]] = {}
    for message in status.messages:
        grouped.setdefault(f"{message.posted_at.astimezone(zone):%Y-%m}", []).append(message)
    return [
        Month(key, month_name(key, language), items)
        for key, items in sorted(grouped.items(), reverse=True)
    ]


def month_name(key: str, language: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return format_date(dt.date(year, month, 1), "LLLL y", locale=_LOCALES[language])


def percent_text(value: float, language: str) -> str:
    """Two decimals, cut rather than rounded: 99.996 % is not yet 100 %."""
    cut = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return format_decimal(cut, language)


def format_decimal(value: Decimal, language: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if language == "da" else text


def _service(status: ServiceStatus) -> dict[str, Any]:
    since = status.generated_at - RECENT
    recent = [
        item
        for item in status.messages
        if not item.active and item.resolved_at is not None and item.resolved_at >= since
    ]
    # The form posts to the app itself, so that a copy of the page served elsewhere still
    # subscribes (R10.2).
    return {"recent": recent, "subscribe_url": app_url(f"/status/{status.key}/subscribe")}


def _file(language: str, path: str, template: str, context: dict[str, Any]) -> PublicFile:
    other = "en" if language == "da" else "da"
    helpers = _helpers(language)
    body = render_page(
        template,
        {
            **context,
            **helpers,
            "prefix": language_prefix(language),
            "here": language_prefix(language) + path,
            "other": language_prefix(other) + path,
            "other_lang": other,
        },
        language,
    )
    return PublicFile(page_path(language_prefix(language) + path), body.encode(), HTML)


def _helpers(language: str) -> dict[str, Callable[..., Any]]:
    def text(value: Texts) -> str:
        return value.get(language)

    def said(value: Texts) -> Markup:
        """The text in the page's language; Danish standing in for it is marked as such."""
        if language != "da" and not value.en:
            return danish(value.da)
        return escape(value.get(language))

    def danish(value: str) -> Markup:
        """A text the desk writes in Danish only (who is affected, the cause, the horizon)."""
        if language == "da":
            return escape(value)
        return Markup('<span lang="da">{}</span>').format(value)

    return {
        "text": text,
        "said": said,
        "danish": danish,
        "percent": lambda value: percent_text(value, language),
        "month_name": lambda key: month_name(key, language),
        "long_day": lambda day: format_date(day, "long", locale=_LOCALES[language]),
    }


def _zone(statuses: list[ServiceStatus]) -> str | None:
    return statuses[0].zone if statuses else None
