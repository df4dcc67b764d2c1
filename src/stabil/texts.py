"""Marking texts for the user interface's catalogues where they are written, not translated.

`N_("in time")` is the text itself; the page that shows it translates it in the reader's
language. The translation test finds every marked text and checks the Danish catalogue.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the gettext convention's name)
    return message
