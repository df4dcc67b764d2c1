"""The public iCalendar feed of a service's announced windows, parsed back (RFC 5545, R12.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.cast import Cast, headers

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 10, 13, 10, tzinfo=CPH)  # a Tuesday, before the autumn DST night
FEED = "/status/borger-dk/windows.ics"
pytestmark = pytest.mark.usefixtures("frozen", "services")


def plan(client: TestClient, cast: Cast, day: int, **changes: Any) -> dict[str, Any]:
    values = {
        "service": "borger-dk",
        "kind": "short",
        "start": f"2026-10-{day:02d}T01:00:00+02:00",
        "end": f"2026-10-{day:02d}T03:00:00+02:00",
        "title": "Opdatering af databasen",
        "body": "Selvbetjeningen kan være utilgængelig.",
        "affected": ["Selvbetjening"],
        "announce": True,
        **changes,
    }
    created = client.post("/api/v1/windows", json=values, headers=headers(cast.operator))
    assert created.status_code == 201, created.text
    window: dict[str, Any] = created.json()
    return window


def feed(client: TestClient) -> Calendar:
    answer = client.get(FEED)  # no credentials: the feed is public
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(answer.content)


def test_an_announced_window_is_an_event_in_local_time(client: TestClient, cast: Cast) -> None:
    window = plan(client, cast, 17)
    calendar = feed(client)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"servicevindue-{window['id']}@borger-dk.stabil"
    assert event["sequence"] == 0
    assert str(event["status"]) == "CONFIRMED"
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert (start, end) == (
        dt.datetime(2026, 10, 17, 1, tzinfo=CPH),
        dt.datetime(2026, 10, 17, 3, tzinfo=CPH),
    )
    assert event["dtstart"].params["TZID"] == "Europe/Copenhagen"
    assert str(event["summary"]) == "Borger.dk: Opdatering af databasen"
    assert "lørdag den 17. oktober 2026 kl. 01:00–03:00" in str(event["description"])
    assert "Berørte dele: Selvbetjening" in str(event["description"])
    assert str(calendar["x-wr-calname"]) == "Servicevinduer for Borger.dk"


def test_the_timezone_has_both_offsets_so_the_hour_holds_across_dst(
    client: TestClient, cast: Cast
) -> None:
    plan(client, cast, 17)
    [zone] = feed(client).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Copenhagen"
    offsets = {sub.name: sub["tzoffsetto"].td for sub in zone.subcomponents}
    assert offsets == {"STANDARD": dt.timedelta(hours=1), "DAYLIGHT": dt.timedelta(hours=2)}


def test_only_announced_windows_are_in_the_feed(client: TestClient, cast: Cast) -> None:
    plan(client, cast, 17, announce=False)
    assert feed(client).walk("VEVENT") == []


def test_a_moved_window_keeps_its_uid_and_raises_its_sequence(
    client: TestClient, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    window = plan(client, cast, 17)
    [before] = feed(client).walk("VEVENT")
    frozen.shift(dt.timedelta(hours=1))
    # Onto the autumn DST night: the local times must survive the change of offset.
    moved = {"start": "2026-10-25T00:00:00+02:00", "end": "2026-10-25T01:00:00+02:00"}
    answer = client.patch(
        f"/api/v1/windows/{window['id']}", json=moved, headers=headers(cast.operator)
    )
    assert answer.status_code == 200, answer.text
    [after] = feed(client).walk("VEVENT")
    assert after["uid"] == before["uid"]
    assert after["sequence"] == 1
    assert after.decoded("dtstart") == dt.datetime(2026, 10, 25, 0, tzinfo=CPH)
    assert after.decoded("dtend") == dt.datetime(2026, 10, 25, 1, tzinfo=CPH)
    assert after.decoded("dtstamp") > before.decoded("dtstamp")


def test_a_cancelled_window_stays_as_cancelled(client: TestClient, cast: Cast) -> None:
    window = plan(client, cast, 17)
    answer = client.post(
        f"/api/v1/windows/{window['id']}/cancel",
        json={"reason": "Leverandøren er ikke klar"},
        headers=headers(cast.operator),
    )
    assert answer.status_code == 200, answer.text
    [event] = feed(client).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert str(event["summary"]).startswith("Aflyst: ")


def test_an_unchanged_feed_answers_304(client: TestClient, cast: Cast) -> None:
    plan(client, cast, 17)
    first = client.get(FEED)
    again = client.get(FEED, headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")
    plan(
        client,
        cast,
        18,
        kind="medium",
        start="2026-10-21T01:00:00+02:00",
        end="2026-10-21T04:00:00+02:00",
    )
    changed = client.get(FEED, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200


def test_an_unknown_service_is_a_404(client: TestClient) -> None:
    answer = client.get("/status/ukendt/windows.ics")
    assert answer.status_code == 404
    assert "ukendt" in answer.text
