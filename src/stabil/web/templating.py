"""Rendering HTML pages with Jinja2 in the visitor's language.

Templates live with their domain: `stabil/<domain>/templates/x.html` is named `<domain>/x.html`;
the shared layout and components are the web layer's own (`base.html`, `components.html`).
Times are shown in the local time of a declaration's zone, never in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from stabil.declaration.summary import number_text
from stabil.web.i18n import LANGUAGES, PACKAGE_DIR, choose_language, translations

DEFAULT_ZONE = "Europe/Copenhagen"  # when a page shows no service's declaration


def _loader() -> BaseLoader:
    domains = {
        folder.parent.name: FileSystemLoader(folder)
        for folder in sorted(PACKAGE_DIR.glob("*/templates"))
        if folder.parent.name != "web"
    }
    return ChoiceLoader(
        [FileSystemLoader(Path(__file__).parent / "templates"), PrefixLoader(domains)]
    )


templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.loader = _loader()


def _locale(context: Context) -> str:
    # British English: 24-hour clock and day before month, as Danish readers expect.
    return "en_GB" if context.get("lang") == "en" else "da"


def _zone(context: Context, zone: str | None) -> ZoneInfo:
    return ZoneInfo(zone or context.get("zone") or DEFAULT_ZONE)


@pass_context
def local_datetime(context: Context, value: dt.datetime | None, zone: str | None = None) -> str:
    """`1. dec. 2026 14.05` in Danish, `1 Dec 2026, 14:05` in English, in the zone's time."""
    if value is None:
        return ""
    local = value.astimezone(_zone(context, zone))
    language = _locale(context)
    date = format_date(local, "medium", locale=language)
    return f"{date} {format_time(local, 'short', locale=language)}"


@pass_context
def local_time(context: Context, value: dt.datetime | None, zone: str | None = None) -> str:
    if value is None:
        return ""
    return format_time(value.astimezone(_zone(context, zone)), "short", locale=_locale(context))


@pass_context
def iso_local(context: Context, value: dt.datetime | None, zone: str | None = None) -> str:
    """For `<time datetime=…>`: the same instant with the zone's offset."""
    return "" if value is None else value.astimezone(_zone(context, zone)).isoformat()


@pass_context
def long_datetime(context: Context, value: dt.datetime | None, zone: str | None = None) -> str:
    if value is None:
        return ""
    local = value.astimezone(_zone(context, zone))
    return format_datetime(local, "full", tzinfo=local.tzinfo, locale=_locale(context))


@pass_context
def duration(context: Context, seconds: float | int | None, *, in_days: bool = True) -> str:
    """An exact span: `1 d 2 t 5 min`, `45 sek.` in Danish; `1 d 2 h 5 min`, `45 s` in English."""
    if seconds is None:
        return ""
    danish = context.get("lang", "da") == "da"
    sign = "−" if seconds < 0 else ""
    rest = int(abs(seconds))
    days, rest = divmod(rest, 86_400) if in_days else (0, rest)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} {'t' if danish else 'h'}")
    if minutes or (not parts and not secs):
        parts.append(f"{minutes} min")
    if secs and not days and not hours:
        parts.append(f"{secs} {'sek.' if danish else 's'}")
    return sign + " ".join(parts)


@pass_context
def named(context: Context, value: str) -> str:
    """A state's, step's or kind's name as a reader reads it: the catalogue's word, else the
    name with spaces (`handed_over` reads "handed over" in English)."""
    return str(context["_"](value)).replace("_", " ")


@pass_context
def service_duration(context: Context, seconds: float | int | None) -> str:
    """A span of service time, in hours and minutes: `32 t`, never `1 d 8 t`. A day of service
    time is no 24 hours (Borger.dk's primary day has 8), so days would mislead."""
    return duration(context, seconds, in_days=False)


templates.env.filters.update(
    named=named,
    local=local_datetime,
    local_time=local_time,
    iso_local=iso_local,
    long_local=long_datetime,
    duration=duration,
    service_duration=service_duration,
)


def _gettext(catalogue: Translations) -> Callable[..., str]:
    """`_("%(span)s left", span=…)`: translated first, then filled in."""

    def gettext(message: str, **values: object) -> str:
        text = catalogue.gettext(message)
        return text % values if values else text

    return gettext


def _ngettext(catalogue: Translations) -> Callable[..., str]:
    """`ngettext("%(num)d minute", "%(num)d minutes", n)`: `num` is `n` unless given."""

    def ngettext(singular: str, plural: str, count: int, **values: object) -> str:
        return catalogue.ngettext(singular, plural, count) % {"num": count, **values}

    return ngettext


def _markup_gettext(catalogue: Translations) -> Callable[..., str]:
    """As `_gettext`, and a value that is markup already (a name marked with its language,
    a formatted time) stays markup: the rest of the text is escaped around it."""
    plain = _gettext(catalogue)

    def gettext(message: str, **values: object) -> str:
        if not any(isinstance(value, Markup) for value in values.values()):
            return plain(message, **values)
        return Markup(escape(catalogue.gettext(message))) % values

    return gettext


def render_page(template: str, context: dict[str, Any], language: str) -> str:
    """A page rendered without a request, as the public site publishes its files: the same
    filters and catalogue as `render`, and nothing that differs between two renderings."""
    catalogue = translations(language)
    return templates.env.get_template(template).render(
        {
            **context,
            "lang": language,
            "languages": LANGUAGES,
            "_": _markup_gettext(catalogue),
            "ngettext": _ngettext(catalogue),
            "number": lambda value: number_text(value, language),
        }
    )


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    language = choose_language(request)
    catalogue = translations(language)
    response = templates.TemplateResponse(
        request,
        template,
        {
            **context,
            "lang": language,
            "design_system": getattr(request.app.state, "design_system", False),
            "htmx": getattr(request.app.state, "htmx", False),
            "languages": LANGUAGES,
            "_": _gettext(catalogue),
            "ngettext": _ngettext(catalogue),
            "number": lambda value: number_text(value, language),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", language, max_age=365 * 24 * 3600, samesite="lax")
    return response
