"""Languages of the user interface: Danish first, English second (gettext catalogues via Babel)."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
_LOCALE_DIR = Path(__file__).parent / "locale"


def choose_language(request: Request) -> str:
    """`?lang=` wins, then the `lang` cookie, then Danish."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


@cache
def translations(language: str) -> Translations:
    """Catalogue for `language`; message ids are English, so English needs no catalogue."""
    po_file = _LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return Translations()
    with po_file.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    compiled = BytesIO()  # compiled in memory: the .po file is the only artefact kept
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(fp=compiled)
