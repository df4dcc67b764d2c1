"""Rendering a request's HTML page with Jinja2 in the visitor's language (see stabil.rendering)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from stabil.declaration.summary import number_text
from stabil.rendering import (
    DEFAULT_ZONE,
    LANGUAGES,
    environment,
    gettext_in,
    ngettext_in,
    translations,
)
from stabil.web.i18n import choose_language

__all__ = ["DEFAULT_ZONE", "render", "templates"]

templates = Jinja2Templates(env=environment)


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    *,
    language: str | None = None,
) -> HTMLResponse:
    """`template` in `language`, by default the visitor's (`choose_language`)."""
    language = language or choose_language(request)
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
            "_": gettext_in(catalogue),
            "ngettext": ngettext_in(catalogue),
            "number": lambda value: number_text(value, language),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", language, max_age=365 * 24 * 3600, samesite="lax")
    return response
