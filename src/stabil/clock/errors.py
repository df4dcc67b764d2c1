"""The one error the clock raises for anything a caller can get wrong."""

from __future__ import annotations


class ClockError(ValueError):
    """A query the clock cannot answer: a naive instant, an unknown name, a year out of range.

    Its message is one line that says what is wrong and, where it can, what would be right.
    """
