"""A snapshot of Borger.dk with one of everything the public pages show, built by hand: the
page tests need no database, and every kind of content is there for the rules to see."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from stabil.public.snapshot import (
    DayBar,
    Named,
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
NOW = dt.datetime(2026, 3, 30, 10, 15, tzinfo=CPH)  # 08:15 UTC
S = PublicState
PARTS = [
    ("front_page", Texts("Forsiden og artiklerne", "The front page and the articles"), True),
    ("login", Texts("Log-in med MitID", "Log-in with MitID"), True),
    ("self_service", Texts("Adgang til selvbetjeningsløsninger", None), True),
    ("article_import", Texts("Artikelimport fra myndighederne", "Article import"), False),
]
HOSTILE = '<script>alert("x")</script> & "citater"'


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CPH)


def message(
    id: int, posted: dt.datetime, *, state: str = "open", title: Texts | None = None, **more: object
) -> PublicMessage:
    resolved = posted + dt.timedelta(hours=2) if state != "open" else None
    updates = [
        Update(
            id * 10,
            "posted",
            posted,
            "unavailable",
            Texts("Vi undersøger fejlen.", "We are looking into it."),
        )
    ]
    if resolved:
        updates.append(
            Update(id * 10 + 1, "resolved", resolved, "unavailable", Texts("Løst.", "Resolved."))
        )
    values: dict[str, object] = {
        "id": id,
        "type": "unavailable",
        "type_name": Texts("Utilgængelig", "Unavailable"),
        "state": state,
        "title": title or Texts(f"Fejl nummer {id}", f"Fault number {id}"),
        "affected": ["Log-in med MitID"],
        "parts": ["login"],
        "affected_users": "Alle borgere, omkring 40.000 i timen",
        "cause": "En fejl hos leverandøren af log-in",
        "horizon": "Inden for en time",
        "horizon_at": posted + dt.timedelta(hours=1),
        "posted_at": posted,
        "updated_at": resolved or posted,
        "resolved_at": resolved,
        "updates": updates,
    }
    values.update(more)
    return PublicMessage(**values)  # type: ignore[arg-type]


def days(bad: dict[int, DayBar] | None = None) -> list[DayBar]:
    first = NOW.date() - dt.timedelta(days=89)
    bars = [DayBar(first + dt.timedelta(days=n), S.operational, 0, 0) for n in range(90)]
    bars[:5] = [DayBar(bar.day, S.unknown, 0, 0) for bar in bars[:5]]
    for index, bar in (bad or {}).items():
        bars[index] = bar
    return bars


def sample_status() -> ServiceStatus:
    active = message(
        3,
        at(3, 30, 9, 40),
        title=Texts(f"Log-in virker ikke {HOSTILE}", None),
        updates=[
            Update(
                30,
                "posted",
                at(3, 30, 9, 40),
                "unavailable",
                Texts(f"Vi undersøger. {HOSTILE}", None),
            ),
            Update(
                31,
                "updated",
                at(3, 30, 10, 5),
                "unavailable",
                Texts("Leverandøren genstarter.", "The supplier restarts it."),
            ),
        ],
    )
    resolved = message(2, at(3, 27, 14), state="resolved", affected=[], parts=[], cause=None)
    old = message(
        1,
        at(2, 3, 8),
        state="closed",
        type="slow",
        type_name=Texts("Lange svartider", "Long response times"),
    )
    first = NOW.date() - dt.timedelta(days=89)
    outage = {
        70: DayBar(first + dt.timedelta(days=70), S.major_outage, 2700, 0),
        80: DayBar(first + dt.timedelta(days=80), S.degraded, 0, 600),
        85: DayBar(first + dt.timedelta(days=85), S.maintenance, 0, 0),
    }
    window = PublicWindow(
        id=7,
        kind="short",
        kind_name=Texts("Servicevindue, 2 timer", "Service window, 2 hours"),
        title=Texts("Opdatering af databasen"),
        description=Texts("Log-in kan være utilgængelig.", "Log-in may be unavailable."),
        state="announced",
        start=at(4, 4, 1),
        end=at(4, 4, 3),
        updated_at=at(3, 20, 12),
        affected=["Log-in med MitID"],
        parts=["login"],
    )
    past = PublicWindow(
        id=6,
        kind="short",
        kind_name=Texts("Servicevindue, 2 timer", "Service window, 2 hours"),
        title=Texts("Ny version af forsiden"),
        description=None,
        state="completed",
        start=at(3, 25, 1),
        end=at(3, 25, 3),
        updated_at=at(3, 25, 3),
    )
    states = {
        "front_page": S.operational,
        "login": S.major_outage,
        "self_service": S.degraded,
        "article_import": S.unknown,
    }
    return ServiceStatus(
        key="borger-dk",
        name=Texts("Borger.dk"),
        zone="Europe/Copenhagen",
        declaration_version="1.0",
        generated_at=NOW,
        state=S.major_outage,
        parts=[
            PartStatus(key, name, states[key], at(3, 30, 9, 40) if key == "login" else None, counts)
            for key, name, counts in PARTS
        ],
        active=[active],
        windows=[window],
        uptime_month="2026-03",
        uptime=[
            PeriodUptime(
                "primary",
                Texts("Primær driftstid", "Primary service time"),
                99.8125,
                99.7,
                True,
                1800,
                9504,
                7704,
            ),
            PeriodUptime(
                "secondary",
                Texts("Sekundær driftstid", "Secondary service time"),
                99.6,
                99.7,
                False,
                6000,
                4900,
                -1100,
            ),
        ],
        history=[
            PartHistory(
                key,
                name,
                days(outage if key == "login" else None),
                99.9652 if key == "login" else 100.0,
            )
            for key, name, _counts in PARTS
        ],
        messages=[active, resolved, old],
        past_windows=[past],
        message_types=[
            Named("unavailable", Texts("Utilgængelig", "Unavailable")),
            Named("slow", Texts("Lange svartider", "Long response times")),
            Named("service_window", Texts("Servicevindue", "Service window")),
        ],
    )
