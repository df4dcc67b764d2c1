"""Snapshots of a service's public status built by hand, for tests of what is rendered from them.

`borger_dk()` is Borger.dk on the morning of 2 December 2026: log-in is down (an open message
with two entries), an earlier slow spell of the whole service is resolved, a window is coming
and one is under way, a release was announced. Each builder takes keyword changes, so a test
says only what it needs to differ: `borger_dk(active=[])`, `message(7, state="resolved")`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from stabil.public.snapshot import (
    DayBar,
    PartHistory,
    PartStatus,
    PeriodUptime,
    PublicMessage,
    PublicState,
    PublicWindow,
    ServiceStatus,
    Texts,
    Update,
)

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # 11:00 in Copenhagen
BASE_URL = "https://status.example.dk"

PARTS = {
    "front_page": Texts("Forsiden og artiklerne", "The front page and the articles"),
    "login": Texts("Log-in med MitID", "Log-in with MitID"),
    "self_service": Texts("Adgang til selvbetjeningsløsninger", "Access to self-service solutions"),
    "article_import": Texts(
        "Artikelimport fra myndighederne", "Article import from the authorities"
    ),
}
TYPE_NAMES = {
    "unavailable": Texts("Utilgængelig", "Unavailable"),
    "partially_unavailable": Texts("Delvist utilgængelig", "Partially unavailable"),
    "slow": Texts("Lange svartider", "Long response times"),
    "service_window": Texts("Servicevindue", "Service window"),
    "release": Texts("Release og release notes", "Release and release notes"),
    "major_update": Texts("Status på major incident", "Major-incident update"),
    "restored": Texts("Service genetableret", "Service restored"),
}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    """An instant given in Copenhagen's wall time, stored as UTC like the database has it."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CPH).astimezone(dt.UTC)


def update(
    id: int, kind: str, when: dt.datetime, *, type: str = "unavailable", **changes: Any
) -> Update:
    body = changes.pop("body", Texts(f"Besked {id}.", f"Message {id}."))
    return dataclasses.replace(Update(id, kind, when, type, body), **changes)


def message(id: int, *, type: str = "unavailable", **changes: Any) -> PublicMessage:
    updates = changes.pop("updates", None) or [update(id * 10, "posted", at(1, 9), type=type)]
    resolved = [u.at for u in updates if u.kind == "resolved"]
    values: dict[str, Any] = {
        "id": id,
        "type": type,
        "type_name": TYPE_NAMES[type],
        "state": "resolved" if resolved else "open",
        "title": Texts(f"Meddelelse {id}", f"Message {id}"),
        "affected": ["Log-in"],
        "parts": ["login"],
        "affected_users": None,
        "cause": None,
        "horizon": None,
        "horizon_at": None,
        "posted_at": updates[0].at,
        "updated_at": updates[-1].at,
        "resolved_at": resolved[0] if resolved else None,
        "updates": updates,
    }
    return PublicMessage(**(values | changes))


def window(id: int, *, state: str = "announced", **changes: Any) -> PublicWindow:
    values: dict[str, Any] = {
        "id": id,
        "kind": "short",
        "kind_name": Texts("Kort servicevindue", "Short service window"),
        "title": Texts(f"Servicevindue {id}", f"Service window {id}"),
        "description": Texts("Selvbetjeningen kan være utilgængelig.", "Self-service may be down."),
        "state": state,
        "start": at(6, 1),
        "end": at(6, 3),
        "updated_at": at(1, 12),
    }
    return PublicWindow(**(values | changes))


def part(key: str, state: PublicState = PublicState.operational, **changes: Any) -> PartStatus:
    values: dict[str, Any] = {
        "key": key,
        "name": PARTS[key],
        "state": state,
        "since": at(20, 8, month=11),
        "counts": key != "article_import",
    }
    return PartStatus(**(values | changes))


def history(key: str, *, today: dt.date = dt.date(2026, 12, 2)) -> PartHistory:
    """90 quiet days, but for a slow afternoon on 20 November."""
    days = []
    for back in range(89, -1, -1):
        day = today - dt.timedelta(days=back)
        slow = day == dt.date(2026, 11, 20)
        state = PublicState.degraded if slow else PublicState.operational
        days.append(DayBar(day, state, 0, 1800 if slow else 0))
    return PartHistory(key, PARTS[key], days, 100.0)


def login_down() -> PublicMessage:
    """Open since 09:05: log-in is unavailable; the update at 09:40 names the cause."""
    return message(
        11,
        title=Texts("Log-in med MitID virker ikke", "Log-in with MitID does not work"),
        affected=["Log-in med MitID"],
        parts=["login"],
        affected_users="Alle borgere, der logger ind",
        cause="Fejl hos MitID-broker",
        horizon="Forventes løst inden frokost",
        horizon_at=at(2, 12),
        updates=[
            update(
                111, "posted", at(2, 9, 5), body=Texts("Vi undersøger fejlen.", "Looking into it.")
            ),
            update(112, "updated", at(2, 9, 40), body=Texts("Fejlen er fundet.", "Found it.")),
        ],
    )


def slow_spell() -> PublicMessage:
    """The whole service was slow on the afternoon of 20 November; resolved the same day."""
    return message(
        7,
        type="slow",
        title=Texts("Lange svartider", "Long response times"),
        affected=["Hele Borger.dk"],
        parts=[],
        updates=[
            update(71, "posted", at(20, 14, month=11), type="slow"),
            update(72, "updated", at(20, 14, 30, month=11), type="slow"),
            update(73, "resolved", at(20, 15, month=11), type="slow"),
        ],
    )


def window_notice() -> PublicMessage:
    """The announcement of window 3 (R12.2): a message of its own, open until it is over."""
    return message(
        12,
        type="service_window",
        parts=[],
        affected=["Selvbetjening"],
        updates=[update(121, "posted", at(1, 12), type="service_window")],
    )


def release_note() -> PublicMessage:
    return message(
        5,
        type="release",
        state="closed",
        parts=["self_service"],
        updates=[
            update(51, "posted", at(10, 9, month=11), type="release"),
            update(52, "resolved", at(12, 9, month=11), type="release"),
        ],
    )


def borger_dk(**changes: Any) -> ServiceStatus:
    active = [login_down(), window_notice()]
    values: dict[str, Any] = {
        "key": "borger-dk",
        "name": Texts("Borger.dk", "Borger.dk"),
        "zone": "Europe/Copenhagen",
        "declaration_version": "1.0",
        "generated_at": NOW,
        "state": PublicState.major_outage,
        "parts": [
            part("front_page"),
            part("login", PublicState.major_outage, since=at(2, 9, 5)),
            part("self_service", PublicState.maintenance, since=None),
            part("article_import", PublicState.unknown, since=None),
        ],
        "active": sorted(active, key=lambda m: m.posted_at, reverse=True),
        "windows": [
            window(4, state="in_progress", start=at(2, 10), end=at(2, 12), updated_at=at(2, 10)),
            window(3),
        ],
        "uptime_month": "2026-12",
        "uptime": [
            PeriodUptime(
                "primary",
                Texts("Primær driftstid", "Primary service time"),
                99.61,
                99.7,
                False,
                3300,
                2000,
                -1300,
            ),
            PeriodUptime(
                "secondary",
                Texts("Sekundær driftstid", "Secondary service time"),
                100.0,
                99.7,
                True,
                0,
                5000,
                5000,
            ),
        ],
        "history": [history(key) for key in PARTS],
        "messages": sorted(
            [*active, slow_spell(), release_note()], key=lambda m: m.posted_at, reverse=True
        ),
        "past_windows": [
            window(
                2,
                state="cancelled",
                start=at(28, 1, month=11),
                end=at(28, 3, month=11),
                updated_at=at(25, 9, month=11),
            ),
            window(
                1,
                state="completed",
                start=at(14, 1, month=11),
                end=at(14, 3, month=11),
                updated_at=at(14, 3, month=11),
            ),
        ],
    }
    return ServiceStatus(**(values | changes))
