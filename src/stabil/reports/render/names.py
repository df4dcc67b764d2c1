"""The words a report uses for the declaration's keys, in the reader's language: service
periods, timers, states. A key the declaration names otherwise is shown as it is."""

from __future__ import annotations

from collections.abc import Callable

from stabil.rendering import translations
from stabil.texts import N_

PERIODS = {
    "primary": N_("Primary service time"),
    "secondary": N_("Secondary service time"),
    "business": N_("Business hours"),
    "always": N_("All hours"),
}
TIMERS = {
    "reaction": N_("Reaction"),
    "resolution": N_("Resolution"),
    "handover": N_("Handover"),
}
MEASUREMENT_PERIODS = {
    "week": N_("week"),
    "month": N_("month"),
    "quarter": N_("quarter"),
    "year": N_("year"),
}
REVIEW_STATES = {
    "submitted": N_("submitted"),
    "draft": N_("draft"),
    "missing": N_("missing"),
}
ORIENTATION_KINDS = {"first": N_("first message"), "update": N_("update")}


def gettext(language: str) -> Callable[[str], str]:
    catalogue = translations(language)
    return lambda message: catalogue.gettext(message)


def namer(language: str) -> Callable[[dict[str, str], str], str]:
    """`name(PERIODS, "primary")`: the word in `language`, else the key with spaces."""
    text = gettext(language)
    return lambda table, key: text(table[key]) if key in table else key.replace("_", " ")
