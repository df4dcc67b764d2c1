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
ESCALATION_KINDS = {"functional": N_("functional"), "hierarchical": N_("hierarchical")}
ESCALATION_STAGES = {"warning": N_("warning"), "breach": N_("breach")}
BACKLOG_BUCKETS = {
    "count": N_("Open"),
    "under_1_day": N_("under 1 day old"),
    "1_to_7_days": N_("1–7 days old"),
    "7_to_30_days": N_("7–30 days old"),
    "over_30_days": N_("over 30 days old"),
}


def gettext(language: str) -> Callable[[str], str]:
    catalogue = translations(language)
    return lambda message: catalogue.gettext(message)


def namer(language: str) -> Callable[[dict[str, str], str], str]:
    """`name(PERIODS, "primary")`: the word in `language`, else the key with spaces."""
    text = gettext(language)
    return lambda table, key: text(table[key]) if key in table else key.replace("_", " ")
