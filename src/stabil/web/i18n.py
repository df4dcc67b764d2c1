"""Languages of the user interface: which one a visitor reads (Danish first, English second).

The catalogues themselves are stabil.rendering's, shared with the public site's files.
"""

from __future__ import annotations

from babel.support import Translations
from fastapi import Request

from stabil.rendering import DEFAULT_LANGUAGE, LANGUAGES, PACKAGE_DIR, catalogue_files, translations

__all__ = [
    "LANGUAGES",
    "PACKAGE_DIR",
    "catalogue_files",
    "choose_language",
    "gettext_for",
    "translations",
]


def choose_language(request: Request) -> str:
    """`?lang=` wins, then the `lang` cookie, then Danish."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def gettext_for(request: Request) -> Translations:
    """The catalogue of the visitor's language, for texts a page builds in Python."""
    return translations(choose_language(request))
