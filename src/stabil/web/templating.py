"""Rendering HTML pages with Jinja2 in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from stabil.declaration.summary import number_text
from stabil.web.i18n import LANGUAGES, choose_language, translations

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


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
            "languages": LANGUAGES,
            "_": catalogue.gettext,
            "ngettext": catalogue.ngettext,
            "number": lambda value: number_text(value, language),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", language, max_age=365 * 24 * 3600, samesite="lax")
    return response
