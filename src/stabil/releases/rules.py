"""The notice a release needs: an interface change is announced in writing the declaration's
months ahead, counted in the local calendar from the announcement to the release date (R11.1).

Both ends are calendar dates of the declaration's zone, so daylight saving plays no part: a
release is on a day, not at an instant, and the announcement counts from its local date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from stabil.declaration import Declaration


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day when it is shorter:
    31 August + 6 months is 28 February (29 in a leap year), not 2 or 3 March. "Six months
    ahead" read by anyone ends in February; spilling over into March would ask more notice
    of a release announced on the 31st than of one announced on the 28th."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max  # no release date lies beyond it; the notice can never be met
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Notice:
    """What the declaration asks of one release, counted from one announcement."""

    months: int  # 0: the release needs no notice
    announced_on: dt.date  # the local date of the announcement (today's, before there is one)
    earliest: dt.date | None  # the earliest release date allowed; None without a notice

    def met_by(self, planned: dt.date) -> bool:
        return self.earliest is None or planned >= self.earliest


def notice_for(declaration: Declaration, interface_change: bool, announced: dt.datetime) -> Notice:
    """Only an interface change needs notice, and only where the declaration asks for it."""
    rules = declaration.releases
    months = rules.interface_change_notice_months if rules and interface_change else 0
    announced_on = local_date(declaration, announced)
    earliest = months_later(announced_on, months) if months else None
    return Notice(months, announced_on, earliest)


def shorter_notice_reasons(declaration: Declaration) -> list[str]:
    rules = declaration.releases
    return [reason.value for reason in rules.shorter_notice_allowed_for] if rules else []


def help_obligation(declaration: Declaration) -> dict[str, str] | None:
    """The declaration's words for the agency's duty to help after a shorter notice."""
    rules = declaration.releases
    text = rules.shorter_notice_obligation if rules else None
    if text is None:
        return None
    return {"da": text.da, **({"en": text.en} if text.en else {})}


def local_date(declaration: Declaration, instant: dt.datetime) -> dt.date:
    return instant.astimezone(declaration.time.zone).date()
