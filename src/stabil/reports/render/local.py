"""How a report writes its times and numbers for people: local time in the declaration's zone
(never UTC), Danish or British English forms, and a dash, never a zero, where nothing was
measured. The HTML, PDF and XLSX share these; the CSV is for machines and writes neither."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from stabil.reports.model import Report

NO_DATA = "–"
_LOCALES = {"da": "da", "en": "en_GB"}


@dataclass(frozen=True, slots=True)
class Local:
    """The forms of one report in one language."""

    language: str
    zone: ZoneInfo

    @classmethod
    def of(cls, report: Report, language: str) -> Local:
        return cls(language, ZoneInfo(report.zone))

    @property
    def locale(self) -> str:
        return _LOCALES[self.language]

    def local(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(self.zone)

    def when(self, value: dt.datetime | None) -> str:
        """`1. november 2026 kl. 08.30`; `1 November 2026, 08:30`."""
        if value is None:
            return ""
        local = self.local(value)
        if self.language == "da":
            return f"{self.day(local)} kl. {format_time(local, 'HH.mm', locale='da')}"
        return f"{self.day(local)}, {format_time(local, 'HH:mm', locale=self.locale)}"

    def day(self, value: dt.date | dt.datetime | None) -> str:
        """`1. november 2026`; `1 November 2026`."""
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = self.local(value)
        pattern = "d. MMMM y" if self.language == "da" else "d MMMM y"
        return format_date(value, pattern, locale=self.locale)

    def iso(self, value: dt.datetime | None) -> str:
        """For `<time datetime=…>`: the instant with its local offset."""
        return "" if value is None else self.local(value).isoformat()

    def number(self, value: float | int | None, decimals: int = 2) -> str:
        """`1.234,5` in Danish, `1,234.5` in English; up to `decimals` places."""
        if value is None:
            return NO_DATA
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        return format_decimal(value, pattern, locale=self.locale)

    def percent(self, value: float | None, decimals: int = 2) -> str:
        # A no-break space: `99,7 %` never breaks between the figure and its sign.
        return NO_DATA if value is None else f"{self.number(value, decimals)}\u00a0%"

    def month_name(self, label: str) -> str:
        """`2026-11` as `november 2026`; `November 2026`."""
        year, month = (int(part) for part in label.split("-"))
        return format_date(dt.date(year, month, 1), "LLLL y", locale=self.locale)

    def last_day(self, end: dt.datetime) -> dt.date:
        """The last local day of a period that ends at `end`, the midnight after it."""
        return (self.local(end) - dt.timedelta(days=1)).date()


TIME_FIELDS = frozenset({"start", "end"})


def evidence_of(report: Report) -> dict[str, list[dict[str, Any]]]:
    """The report's evidence with its times as instants: a report read back from its JSON
    holds them as ISO text, which every format would otherwise show as it stands."""
    return {
        kind: [{key: _instant(key, value) for key, value in row.items()} for row in rows]
        for kind, rows in report.evidence.items()
    }


def _instant(key: str, value: Any) -> Any:
    if isinstance(value, str) and (key.endswith("_at") or key in TIME_FIELDS):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed if parsed.tzinfo is not None else value
    return value
