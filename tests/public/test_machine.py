"""The machine-readable status: Stabil's documented JSON and Statuspage's public API v2 shape.

The Statuspage shapes are checked against the keys and values listed here, from Statuspage's
documentation, not against Stabil's own models: a model that drifts from them fails here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest

from stabil.declaration.communication import MessageType
from stabil.public.machine import json_files
from stabil.public.schemas import StatusDocument
from stabil.public.site import JSON
from stabil.public.snapshot import PublicState, ServiceStatus
from stabil.public.statuspage import IMPACT, MAINTENANCE_STATUS
from stabil.windows.states import WindowState
from tests.public.snapshots import (
    BASE_URL,
    at,
    borger_dk,
    login_down,
    message,
    part,
    slow_spell,
    update,
    window,
)

API = "status/borger-dk/api/v2/"
API_EN = "en/status/borger-dk/api/v2/"
FILES = {
    "summary.json": {"page", "components", "incidents", "scheduled_maintenances", "status"},
    "status.json": {"page", "status"},
    "components.json": {"page", "components"},
    "incidents.json": {"page", "incidents"},
    "incidents/unresolved.json": {"page", "incidents"},
    "scheduled-maintenances.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
}
PAGE = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT = {
    "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
    "start_date", "group_id", "page_id", "group", "only_show_if_degraded",
}  # fmt: skip
INCIDENT = {
    "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at",
    "impact", "shortlink", "started_at", "page_id", "incident_updates", "components",
}  # fmt: skip
MAINTENANCE = INCIDENT | {"scheduled_for", "scheduled_until"}
UPDATE = {"id", "status", "body", "incident_id", "created_at", "updated_at", "display_at"}
COMPONENT_STATUSES = {
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance",
}  # fmt: skip
INDICATORS = {"none", "minor", "major", "critical", "maintenance"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
TIMES = {"updated_at", "created_at", "display_at", "started_at", "scheduled_for"}
TIMES |= {"scheduled_until", "monitoring_at", "resolved_at"}


def rendered(status: ServiceStatus | None = None) -> dict[str, bytes]:
    return {file.path: file.body for file in json_files(status or borger_dk(), BASE_URL)}


def api(name: str, status: ServiceStatus | None = None, folder: str = API) -> Any:
    return json.loads(rendered(status)[folder + name])


def test_the_files_and_their_addresses() -> None:
    files = json_files(borger_dk(), BASE_URL)
    expected = ["status/borger-dk.json", *(f + name for f in (API, API_EN) for name in FILES)]
    assert [file.path for file in files] == expected
    assert {file.media_type for file in files} == {JSON}


def test_the_same_snapshot_gives_the_same_bytes() -> None:
    assert rendered() == rendered()


def test_only_stabils_own_json_tells_when_the_snapshot_was_read() -> None:
    before, after = rendered(), rendered(borger_dk(generated_at=at(3, 7)))
    changed = sorted(path for path in before if before[path] != after[path])
    assert changed == ["status/borger-dk.json"]


# Stabil's own JSON


def test_stabils_json_reads_back_as_its_documented_schema() -> None:
    body = rendered()["status/borger-dk.json"]
    document = StatusDocument.model_validate_json(body)
    assert document.model_dump_json().encode() == body
    assert set(json.loads(body)) == set(StatusDocument.model_json_schema()["required"])


def test_every_field_of_stabils_json_is_described() -> None:
    schema = StatusDocument.model_json_schema()
    models = {**schema.pop("$defs"), "StatusDocument": schema}
    undescribed = [
        f"{model}.{name}"
        for model, definition in models.items()
        for name, field in definition.get("properties", {}).items()
        if not field.get("description")
    ]
    assert undescribed == []


def test_stabils_json_says_what_the_page_shows_in_both_languages() -> None:
    data = json.loads(rendered()["status/borger-dk.json"])
    assert data["schema_version"] == 1
    assert (data["service"], data["zone"], data["state"]) == (
        "borger-dk",
        "Europe/Copenhagen",
        "major_outage",
    )
    assert data["generated_at"] == "2026-12-02T11:00:00+01:00"  # local, with its offset
    assert data["links"]["feed"] == {
        "da": f"{BASE_URL}/status/borger-dk/feed.atom",
        "en": f"{BASE_URL}/en/status/borger-dk/feed.atom",
    }
    login = data["parts"][1]
    assert login["key"] == "login"
    assert login["state"] == "major_outage"
    assert login["since"] == "2026-12-02T09:05:00+01:00"
    assert login["name"] == {"da": "Log-in med MitID", "en": "Log-in with MitID"}
    assert [m["id"] for m in data["active"]] == [11, 12]
    down = data["active"][0]
    assert down["url"]["en"] == f"{BASE_URL}/en/status/borger-dk/messages/11"
    assert (down["affected_users"], down["cause"]) == (
        "Alle borgere, der logger ind",
        "Fejl hos MitID-broker",
    )
    assert down["horizon_at"] == "2026-12-02T12:00:00+01:00"
    assert [(u["id"], u["kind"]) for u in down["updates"]] == [(111, "posted"), (112, "updated")]
    assert [w["id"] for w in data["windows"]] == [4, 3]
    primary = data["uptime"]["periods"][0]
    assert data["uptime"]["month"] == "2026-12"
    assert (primary["uptime_percent"], primary["met"], primary["budget_left_seconds"]) == (
        99.61,
        False,
        -1300,
    )
    history = data["history"][0]["days"]
    assert len(history) == 90
    assert history[-1]["day"] == "2026-12-02"
    assert {day["state"] for day in history} == {"operational", "degraded"}


# Statuspage's shape


def _check_times(value: Any, where: str) -> None:
    """Every instant is ISO 8601 with the zone's offset, wherever it is nested."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_times(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in TIMES and item is not None:
                parsed = dt.datetime.fromisoformat(item)
                assert parsed.utcoffset() is not None, f"{where}.{key}"
                assert item.endswith(("+01:00", "+02:00")), f"{where}.{key}: {item}"
            else:
                _check_times(item, f"{where}.{key}")


def _check_component(component: dict[str, Any]) -> None:
    assert set(component) >= COMPONENT, COMPONENT - set(component)
    assert component["status"] in COMPONENT_STATUSES
    assert isinstance(component["id"], str)
    assert isinstance(component["position"], int)


def _check_incident(incident: dict[str, Any], keys: set[str], statuses: set[str]) -> None:
    assert keys <= set(incident), keys - set(incident)
    assert incident["status"] in statuses
    assert incident["impact"] in IMPACTS
    assert isinstance(incident["id"], str)
    for item in incident["incident_updates"]:
        assert set(item) >= UPDATE, UPDATE - set(item)
        assert item["status"] in statuses
        assert item["incident_id"] == incident["id"]
    for component in incident["components"]:
        _check_component(component)


@pytest.mark.parametrize("folder", [API, API_EN])
@pytest.mark.parametrize("name", list(FILES))
def test_every_file_has_statuspages_keys_and_values(name: str, folder: str) -> None:
    data = api(name, folder=folder)
    assert set(data) == FILES[name]
    assert set(data["page"]) >= PAGE
    for component in data.get("components", []):
        _check_component(component)
    for incident in data.get("incidents", []):
        _check_incident(incident, INCIDENT, INCIDENT_STATUSES)
    for maintenance in data.get("scheduled_maintenances", []):
        _check_incident(maintenance, MAINTENANCE, MAINTENANCE_STATUSES)
    if "status" in data:
        assert set(data["status"]) == {"indicator", "description"}
        assert data["status"]["indicator"] in INDICATORS
    _check_times(data, name)


def test_the_page_is_the_service_in_its_zone() -> None:
    page = api("status.json")["page"]
    assert page == {
        "id": "borger-dk",
        "name": "Borger.dk",
        "url": f"{BASE_URL}/status/borger-dk",
        "time_zone": "Europe/Copenhagen",
        "updated_at": "2026-12-02T10:00:00.000+01:00",  # the newest change: window 4 began
    }
    assert api("status.json", folder=API_EN)["page"]["url"] == f"{BASE_URL}/en/status/borger-dk"


STATES = [
    (PublicState.operational, "operational", "none"),
    (PublicState.unknown, "operational", "none"),  # Statuspage knows no "unknown"
    (PublicState.degraded, "degraded_performance", "minor"),
    (PublicState.partial_outage, "partial_outage", "major"),
    (PublicState.major_outage, "major_outage", "critical"),
    (PublicState.maintenance, "under_maintenance", "maintenance"),
]


@pytest.mark.parametrize(("state", "component", "indicator"), STATES)
def test_every_state_maps_to_a_component_status_and_an_indicator(
    state: PublicState, component: str, indicator: str
) -> None:
    status = borger_dk(state=state, parts=[part("login", state)])
    assert [c["status"] for c in api("components.json", status)["components"]] == [component]
    assert api("status.json", status)["status"]["indicator"] == indicator


def test_every_message_type_window_state_and_public_state_is_mapped() -> None:
    assert set(IMPACT) == set(MessageType)
    assert set(MAINTENANCE_STATUS) == set(WindowState)
    assert {row[0] for row in STATES} == set(PublicState)


def test_the_indicators_description_is_in_the_files_language() -> None:
    assert api("status.json")["status"] == {"indicator": "critical", "description": "Nedbrud"}
    english = api("status.json", folder=API_EN)["status"]
    assert english == {"indicator": "critical", "description": "Major System Outage"}


def test_messages_about_the_service_are_incidents_windows_and_releases_are_not() -> None:
    incidents = api("incidents.json")["incidents"]
    assert [i["id"] for i in incidents] == ["message-11", "message-7"]  # newest first
    down, slow = incidents
    assert (down["impact"], down["status"], down["resolved_at"]) == ("critical", "identified", None)
    assert down["name"] == "Log-in med MitID virker ikke"
    assert down["shortlink"] == f"{BASE_URL}/status/borger-dk/messages/11"
    assert [c["id"] for c in down["components"]] == ["login"]
    # Statuspage lists an incident's updates newest first.
    assert [(u["id"], u["status"]) for u in down["incident_updates"]] == [
        ("message-11-update-112", "identified"),
        ("message-11-update-111", "investigating"),
    ]
    assert (slow["impact"], slow["status"]) == ("minor", "resolved")
    assert slow["resolved_at"] == "2026-11-20T15:00:00.000+01:00"
    assert len(slow["components"]) == 4  # about the whole service: every part
    english = api("incidents.json", folder=API_EN)["incidents"][0]
    assert english["name"] == "Log-in with MitID does not work"
    assert english["incident_updates"][0]["body"] == "Found it."


def test_unresolved_incidents_are_the_open_ones() -> None:
    unresolved = api("incidents/unresolved.json")["incidents"]
    assert [i["id"] for i in unresolved] == ["message-11"]
    assert api("summary.json")["incidents"] == unresolved


def test_a_restored_message_still_open_is_monitoring() -> None:
    restored = message(
        60,
        type="restored",
        updates=[update(601, "posted", at(2, 10, 30), type="restored")],
    )
    resolved = dataclasses.replace(
        login_down(),
        state="resolved",
        resolved_at=at(2, 10, 45),
        updates=[*login_down().updates, update(113, "resolved", at(2, 10, 45))],
    )
    status = borger_dk(active=[restored], messages=[restored, resolved])
    found = {i["id"]: i for i in api("incidents.json", status)["incidents"]}
    back = found["message-60"]
    assert (back["status"], back["impact"]) == ("monitoring", "none")
    assert back["monitoring_at"] == "2026-12-02T10:30:00.000+01:00"
    over = found["message-11"]
    assert over["status"] == "resolved"
    assert [u["status"] for u in over["incident_updates"]] == [
        "resolved",
        "identified",
        "investigating",
    ]


def test_windows_are_scheduled_maintenances() -> None:
    listed = api("scheduled-maintenances.json")["scheduled_maintenances"]
    assert [(m["id"], m["status"]) for m in listed] == [
        ("window-3", "scheduled"),
        ("window-4", "in_progress"),
        ("window-2", "completed"),  # cancelled: Statuspage has no such state
        ("window-1", "completed"),
    ]
    coming = listed[0]
    assert (coming["scheduled_for"], coming["scheduled_until"]) == (
        "2026-12-06T01:00:00.000+01:00",
        "2026-12-06T03:00:00.000+01:00",
    )
    assert coming["impact"] == "maintenance"
    assert coming["incident_updates"][0]["body"] == "Selvbetjeningen kan være utilgængelig."
    assert listed[2]["incident_updates"][0]["body"].startswith("Aflyst. ")
    upcoming = api("scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    active = api("scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [m["id"] for m in upcoming] == ["window-3"]
    assert [m["id"] for m in active] == ["window-4"]
    summary = api("summary.json")["scheduled_maintenances"]
    assert [m["id"] for m in summary] == ["window-4", "window-3"]  # soonest first


def test_ids_are_stable_strings() -> None:
    first, again = api("summary.json"), api("summary.json", borger_dk(generated_at=at(5, 5)))
    assert first == again
    ids = [c["id"] for c in first["components"]]
    assert ids == ["front_page", "login", "self_service", "article_import"]


def test_at_most_fifty_incidents_are_listed() -> None:
    many = [
        message(100 + n, updates=[update(1000 + n, "posted", at(1, 8) + dt.timedelta(minutes=n))])
        for n in range(60)
    ]
    status = borger_dk(active=[], messages=sorted(many, key=lambda m: m.id, reverse=True))
    incidents = api("incidents.json", status)["incidents"]
    assert len(incidents) == 50
    assert incidents[0]["id"] == "message-159"
    assert incidents[-1]["id"] == "message-110"
    assert len(api("incidents/unresolved.json", status)["incidents"]) == 60


def test_a_quiet_service_is_all_operational() -> None:
    quiet = borger_dk(
        state=PublicState.operational,
        parts=[part("front_page")],
        active=[],
        windows=[],
        messages=[slow_spell()],
        past_windows=[window(1, state="completed")],
    )
    summary = api("summary.json", quiet, folder=API_EN)
    assert summary["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert summary["incidents"] == []
    assert summary["scheduled_maintenances"] == []
