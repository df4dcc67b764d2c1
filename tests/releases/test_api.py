"""The release API: the notice of an interface change (R11.1), shorter notice with its duty to
help, the states, and every refusal clear and leaving nothing behind."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.releases.models import Release, ReleaseEvent
from stabil.status.models import Message
from tests.cast import Cast, headers
from tests.releases.conftest import API, NOW, body, count, register

__all__ = ["NOW"]  # the `frozen` fixture reads it from this module
pytestmark = pytest.mark.usefixtures("frozen", "services")

DUTY_DA = (
    "Ved kortere varsel hjælper Digitaliseringsstyrelsen med viden og rådgivning om ændringerne."
)


def events(client: TestClient, cast: Cast, release: dict[str, Any]) -> list[str]:
    answer = client.get(f"{API}/{release['id']}/events", headers=headers(cast.viewer))
    return [event["kind"] for event in answer.json()]


def test_a_release_without_an_interface_change_needs_no_notice(
    client: TestClient, cast: Cast
) -> None:
    release = register(client, cast.operator, planned_date="2026-03-20", interface_change=False)
    assert (release["state"], release["notice_met"], release["help"]) == ("planned", True, None)
    assert release["notice"] == {"required_months": 0, "earliest_date": None}
    assert release["allowed_transitions"] == ["announce", "release", "cancel"]
    shown = client.get(f"{API}/{release['id']}", headers=headers(cast.authority))
    assert shown.json() == {**release, "allowed_transitions": []}
    assert events(client, cast, release) == ["registered"]


def test_r11_1_exactly_six_months_after_the_announcement_is_enough(
    client: TestClient, cast: Cast
) -> None:
    release = register(client, cast.operator, announce=True)
    assert (release["state"], release["notice_met"]) == ("announced", True)
    assert release["notice"] == {"required_months": 6, "earliest_date": "2026-09-15"}
    assert release["announced_at"] == "2026-03-15T09:00:00Z"
    assert events(client, cast, release) == ["registered", "announced"]


def test_r11_1_one_day_short_is_refused_naming_the_earliest_date(
    client: TestClient, cast: Cast, session: Session
) -> None:
    refused = client.post(
        API, json=body(planned_date="2026-09-14", announce=True), headers=headers(cast.operator)
    )
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "planned_date"
    assert error["problem"] == (
        "an interface change needs 6 months' notice, counted from its announcement "
        "(2026-03-15): the release date must be 2026-09-15 or later; give "
        "shorter_notice_reason (one of: legal, technical, urgent) to record it anyway"
    )
    assert (count(session, Release), count(session, ReleaseEvent), count(session, Message)) == (
        0,
        0,
        0,
    )


def test_r11_1_a_release_not_yet_announced_is_checked_as_if_announced_today(
    client: TestClient, cast: Cast
) -> None:
    release = register(client, cast.operator)
    assert (release["state"], release["notice_met"], release["announced_at"]) == (
        "planned",
        True,
        None,
    )
    assert release["notice"]["earliest_date"] == "2026-09-15"
    refused = client.post(API, json=body(planned_date="2026-09-14"), headers=headers(cast.admin))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "planned_date"


def test_r11_1_an_announcement_entered_afterwards_counts_from_when_it_was_made(
    client: TestClient, cast: Cast
) -> None:
    release = register(
        client,
        cast.operator,
        planned_date="2026-07-10",
        announced_at="2026-01-10T09:00:00+01:00",
    )
    assert (release["state"], release["notice_met"]) == ("announced", True)
    assert release["notice"]["earliest_date"] == "2026-07-10"
    [_, announced] = client.get(
        f"{API}/{release['id']}/events", headers=headers(cast.viewer)
    ).json()
    assert (announced["effective_at"], announced["recorded_at"]) == (
        "2026-01-10T08:00:00Z",
        "2026-03-15T09:00:00Z",
    )


def test_an_announcement_in_the_future_is_refused(
    client: TestClient, cast: Cast, session: Session
) -> None:
    refused = client.post(
        API, json=body(announced_at="2026-03-16T09:00:00+01:00"), headers=headers(cast.operator)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "announced_at"
    assert count(session, Release) == 0


@pytest.mark.parametrize("reason", ["legal", "technical", "urgent"])
def test_r11_1_shorter_notice_for_a_declared_reason_is_flagged_with_the_duty_to_help(
    client: TestClient, cast: Cast, reason: str
) -> None:
    release = register(
        client,
        cast.operator,
        planned_date="2026-04-01",
        announce=True,
        shorter_notice_reason=reason,
    )
    assert (release["notice_met"], release["shorter_notice_reason"]) == (False, reason)
    assert release["notice"]["earliest_date"] == "2026-09-15"
    help_ = release["help"]
    assert (help_["due"], help_["given_at"], help_["given_by"]) == (True, None, None)
    assert help_["obligation"]["da"] == DUTY_DA


def test_the_duty_to_help_is_shown_until_it_is_marked_done(client: TestClient, cast: Cast) -> None:
    release = register(
        client, cast.operator, planned_date="2026-04-01", shorter_notice_reason="legal"
    )
    url = f"{API}/{release['id']}"
    assert client.get(url, headers=headers(cast.viewer)).json()["help"]["due"] is True
    forbidden = client.post(f"{url}/help-given", headers=headers(cast.viewer))
    assert forbidden.status_code == 403
    done = client.post(
        f"{url}/help-given",
        json={"note": "Webinar for myndighederne"},
        headers=headers(cast.operator),
    )
    assert done.status_code == 200, done.text
    assert done.json()["help"]["due"] is False
    assert done.json()["help"]["given_at"] == "2026-03-15T09:00:00Z"
    assert done.json()["help"]["given_by"] == cast.operator.user.email
    assert events(client, cast, release) == ["registered", "help_given"]
    again = client.post(f"{url}/help-given", headers=headers(cast.operator))
    assert again.status_code == 409
    assert "marked as given already" in again.json()["detail"]


def test_help_given_for_a_release_with_its_notice_is_a_409(client: TestClient, cast: Cast) -> None:
    release = register(client, cast.operator)
    answer = client.post(f"{API}/{release['id']}/help-given", headers=headers(cast.operator))
    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        f"release {release['id']} has the notice it needs, so it leaves no duty to help to "
        "mark as done"
    )


def test_a_reason_the_declaration_does_not_list_is_refused_listing_those_it_does(
    client: TestClient, cast: Cast, session: Session
) -> None:
    refused = client.post(
        API,
        json=body(planned_date="2026-04-01", shorter_notice_reason="weather"),
        headers=headers(cast.operator),
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "shorter_notice_reason",
            "problem": "'weather' is not a reason for shorter notice in the declaration of "
            "borger-dk (allowed: legal, technical, urgent)",
        }
    ]
    assert count(session, Release) == 0


def test_a_declaration_without_releases_asks_no_notice_and_allows_no_reason(
    client: TestClient, cast: Cast
) -> None:
    release = register(
        client, cast.operator, service="example-webservice", planned_date="2026-03-16"
    )
    assert (release["notice_met"], release["notice"]["required_months"]) == (True, 0)
    assert release["allowed_transitions"] == ["announce", "release", "cancel"]
    refused = client.post(
        API,
        json=body(service="example-webservice", shorter_notice_reason="urgent"),
        headers=headers(cast.operator),
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["problem"] == (
        "the declaration of example-webservice allows no shorter notice"
    )
    # Its status channel has no release messages: announcing is refused, plainly.
    announced = client.post(f"{API}/{release['id']}/announce", headers=headers(cast.operator))
    assert announced.status_code == 422
    assert announced.json()["errors"][0]["field"] == "announce"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"version": None}, "version"),
        ({"version": "   "}, "version"),
        ({"planned_date": None}, "planned_date"),
        ({"planned_date": "15-09-2026"}, "planned_date"),
        ({"service": "ukendt"}, "service"),
        ({"interface_change": "yes"}, "interface_change"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    client: TestClient, cast: Cast, session: Session, changes: dict[str, Any], field: str
) -> None:
    data = {name: value for name, value in body(**changes).items() if value is not None}
    answer = client.post(API, json=data, headers=headers(cast.operator))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == field
    assert count(session, Release) == 0


def test_only_admins_and_operators_register(client: TestClient, cast: Cast) -> None:
    for member in (cast.viewer, cast.supplier, cast.authority):
        answer = client.post(API, json=body(), headers=headers(member))
        assert answer.status_code == 403
    assert client.post(API, json=body(), headers=headers(cast.admin)).status_code == 201


def test_an_interface_change_is_announced_before_it_is_released(
    client: TestClient, cast: Cast
) -> None:
    release = register(client, cast.operator)
    assert release["allowed_transitions"] == ["announce", "cancel"]
    url = f"{API}/{release['id']}"
    refused = client.post(f"{url}/release", headers=headers(cast.operator))
    assert refused.status_code == 409
    assert refused.json()["allowed_transitions"] == ["announce", "cancel"]
    assert client.post(f"{url}/announce", headers=headers(cast.operator)).status_code == 200
    released = client.post(f"{url}/release", headers=headers(cast.operator))
    assert released.status_code == 200, released.text
    assert (released.json()["state"], released.json()["released_at"]) == (
        "released",
        "2026-03-15T09:00:00Z",
    )
    assert events(client, cast, release) == ["registered", "announced", "released"]


def test_a_step_the_state_does_not_allow_is_a_409_with_the_allowed_ones(
    client: TestClient, cast: Cast
) -> None:
    release = register(client, cast.operator, interface_change=False)
    url = f"{API}/{release['id']}"
    cancelled = client.post(
        f"{url}/cancel", json={"reason": "Udskudt"}, headers=headers(cast.operator)
    )
    assert cancelled.status_code == 200
    for step in ("announce", "release"):
        answer = client.post(f"{url}/{step}", headers=headers(cast.operator))
        assert answer.status_code == 409
        assert answer.json()["allowed_transitions"] == []
    patched = client.patch(url, json={"notes": "Nye noter"}, headers=headers(cast.operator))
    assert patched.status_code == 409
    assert patched.json()["allowed_transitions"] == []
    assert (
        client.post(f"{url}/cancel", json={"reason": "x"}, headers=headers(cast.operator)).json()[
            "allowed_transitions"
        ]
        == []
    )


def test_cancelling_needs_a_reason(client: TestClient, cast: Cast) -> None:
    release = register(client, cast.operator)
    answer = client.post(
        f"{API}/{release['id']}/cancel", json={"reason": ""}, headers=headers(cast.operator)
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "reason"


def test_rescheduling_checks_the_notice_again(client: TestClient, cast: Cast) -> None:
    release = register(client, cast.operator)
    url = f"{API}/{release['id']}"
    short = client.patch(url, json={"planned_date": "2026-09-01"}, headers=headers(cast.admin))
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "planned_date"
    flagged = client.patch(
        url,
        json={"planned_date": "2026-09-01", "shorter_notice_reason": "technical"},
        headers=headers(cast.admin),
    )
    assert flagged.status_code == 200, flagged.text
    assert (flagged.json()["notice_met"], flagged.json()["help"]["due"]) == (False, True)
    later = client.patch(url, json={"planned_date": "2026-10-01"}, headers=headers(cast.admin))
    assert (later.json()["notice_met"], later.json()["shorter_notice_reason"]) == (True, None)
    assert later.json()["help"] is None
    assert events(client, cast, release) == ["registered", "rescheduled", "rescheduled"]


def test_a_patch_that_changes_nothing_or_names_nothing(client: TestClient, cast: Cast) -> None:
    release = register(client, cast.operator)
    url = f"{API}/{release['id']}"
    empty = client.patch(url, json={}, headers=headers(cast.operator))
    assert empty.status_code == 422
    same = client.patch(url, json={"version": "2.0"}, headers=headers(cast.operator))
    assert same.status_code == 200
    assert same.json()["revision"] == release["revision"]
    cleared = client.patch(url, json={"notes": None}, headers=headers(cast.operator))
    assert cleared.status_code == 422
    assert cleared.json()["errors"][0]["field"] == "notes"


def test_the_list_filters_by_service_year_and_state_and_pages(
    client: TestClient, cast: Cast
) -> None:
    register(
        client, cast.operator, version="1.9", planned_date="2026-03-20", interface_change=False
    )
    register(client, cast.operator, version="2.0", announce=True)
    register(client, cast.operator, version="3.0", planned_date="2027-01-04")
    register(
        client,
        cast.operator,
        service="example-webservice",
        version="0.1",
        planned_date="2026-05-01",
    )

    def versions(**query: Any) -> tuple[list[str], int]:
        page = client.get(API, params=query, headers=headers(cast.supplier)).json()
        return [item["version"] for item in page["items"]], page["total"]

    assert versions() == (["1.9", "0.1", "2.0", "3.0"], 4)
    assert versions(service="borger-dk", year=2026) == (["1.9", "2.0"], 2)
    assert versions(state="announced") == (["2.0"], 1)
    assert versions(limit=2, offset=1) == (["0.1", "2.0"], 4)
    assert versions(service="ukendt") == ([], 0)


def test_an_unknown_id_is_a_404(client: TestClient, cast: Cast) -> None:
    answer = client.get(f"{API}/999", headers=headers(cast.viewer))
    assert (answer.status_code, answer.json()) == (404, {"detail": "no release has id 999"})


def test_a_cancelled_release_owes_no_help(client: TestClient, cast: Cast) -> None:
    release = register(
        client, cast.operator, planned_date="2026-04-01", shorter_notice_reason="urgent"
    )
    url = f"{API}/{release['id']}"
    cancelled = client.post(f"{url}/cancel", json={"reason": "Udgår"}, headers=headers(cast.admin))
    assert cancelled.json()["help"]["due"] is False
    answer = client.post(f"{url}/help-given", headers=headers(cast.admin))
    assert answer.status_code == 409
    assert answer.json()["detail"] == f"release {release['id']} is cancelled, so no help is owed"
