"""Any of Stabil's HTML documents as a PDF: a report, a meeting pack. WeasyPrint lays out the
same HTML a browser shows, on A4 pages numbered "Side 3 af 7" (or "Page 3 of 7" when the
document's `<html lang>` is English).

Nothing is fetched while printing: a document carries its styles and SVG charts inline, and
anything else it names (an image from elsewhere) is left out rather than downloaded. The
font is Debian's DejaVu Sans (fonts-dejavu-core), found through fontconfig: it has every
Danish letter. WeasyPrint needs Pango (libpango-1.0-0, libpangoft2-1.0-0); the Makefile
says how to install them where they are missing.
"""

from __future__ import annotations

import re

PAGE_OF = {"da": ("Side", "af"), "en": ("Page", "of")}
FONT = '"DejaVu Sans", sans-serif'
_LANG = re.compile(r'<html[^>]*\blang="([a-zA-Z-]+)"')


def pdf_of(html: str, *, language: str | None = None) -> bytes:
    """The PDF of a whole HTML document; `language` (da, en) names its pages, by default the
    document's own `lang`, Danish when it has none."""
    # WeasyPrint takes one to three seconds to import: only printing pays it, not every
    # command and app start (tests/layering lists the libraries imported late).
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = FontConfiguration()
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    page = CSS(string=page_css(language or document_language(html)), font_config=fonts)
    result = document.write_pdf(stylesheets=[page], font_config=fonts)
    assert isinstance(result, bytes)  # without a target WeasyPrint returns the bytes
    return result


def document_language(html: str) -> str:
    found = _LANG.search(html)
    language = found[1].split("-")[0].lower() if found else "da"
    return language if language in PAGE_OF else "en"


def page_css(language: str) -> str:
    """A4 with margins for a binder's holes and the page's number at its foot."""
    page, of = PAGE_OF.get(language, PAGE_OF["en"])
    return f"""
    @page {{
      size: A4;
      margin: 18mm 16mm 20mm 20mm;
      @bottom-right {{
        content: "{page} " counter(page) " {of} " counter(pages);
        font-family: {FONT};
        font-size: 8pt;
        color: #454545;
      }}
    }}
    html {{ font-family: {FONT}; font-size: 9.5pt; }}
    a {{ color: inherit; text-decoration: none; }}
    """
