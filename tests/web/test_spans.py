"""Spans as the pages write them: wall-clock time in days, hours and minutes; service time in
hours and minutes only, as a day of service time is no 24 hours (R7.3: 8 in primary time)."""

from __future__ import annotations

import pytest

from stabil.web.templating import templates

HOUR = 3_600


def spoken(source: str, seconds: int, lang: str) -> str:
    return templates.env.from_string(source).render(seconds=seconds, lang=lang)


@pytest.mark.parametrize(
    ("seconds", "lang", "wall", "service"),
    [
        (32 * HOUR, "da", "1 d 8 t", "32 t"),  # a P4's 4 working days of reaction
        (32 * HOUR, "en", "1 d 8 h", "32 h"),
        (26 * HOUR + 5 * 60, "da", "1 d 2 t 5 min", "26 t 5 min"),
        (15 * 60, "da", "15 min", "15 min"),
        (45, "da", "45 sek.", "45 sek."),
        (-(90 * 60), "en", "−1 h 30 min", "−1 h 30 min"),
    ],
)
def test_service_time_is_never_counted_in_days(
    seconds: int, lang: str, wall: str, service: str
) -> None:
    assert spoken("{{ seconds | duration }}", seconds, lang) == wall
    assert spoken("{{ seconds | service_duration }}", seconds, lang) == service
