"""Languages of the user interface: Danish first, English second (gettext catalogues via Babel).

Each domain keeps the Danish texts of its own pages beside them, in
`stabil/<domain>/locale/da/LC_MESSAGES/`: `messages.po` for its pages, `refusals.po` for
its refusals (stabil.errors); the web layer's catalogue holds the shared
ones (layout, sign-in, components). A language's catalogue is all of them merged.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def choose_language(request: Request) -> str:
    """`?lang=` wins, then the `lang` cookie, then Danish."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def catalogue_files(language: str) -> Iterator[Path]:
    """The `.po` files of `language`, the web layer's first, then each domain's by name."""
    yield from sorted(PACKAGE_DIR.glob(f"*/locale/{language}/LC_MESSAGES/*.po"))


@cache
def translations(language: str) -> Translations:
    """Catalogue for `language`; message ids are English, so English needs no catalogue."""
    merged: Translations | None = None
    for po_file in catalogue_files(language):
        compiled = _compiled(po_file, language)
        merged = compiled if merged is None else merged.merge(compiled)
    return merged if merged is not None else Translations()


def _compiled(po_file: Path, language: str) -> Translations:
    with po_file.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    compiled = BytesIO()  # compiled in memory: the .po files are the only artefacts kept
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext_for(request: Request) -> Translations:
    """The catalogue of the visitor's language, for texts a page builds in Python."""
    return translations(choose_language(request))
