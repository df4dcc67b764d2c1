"""Admins see how many subscribe, per part and per message type; nobody else sees even that."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.subscriptions.service import add_subscriber
from tests.accounts.admin_helpers import said
from tests.cast import Cast, headers
from tests.subscriptions.helpers import sign_up
from tests.web.pages import sign_in

pytestmark = pytest.mark.usefixtures("services")
COUNTS = "/api/v1/services/borger-dk/subscribers/counts"


@pytest.fixture
def some(services: None, session: Session, client: TestClient) -> None:
    """Three confirmed subscribers of Borger.dk with different choices, and one pending."""
    for address, parts, types in [
        ("all@example.org", [], []),
        ("login@example.org", ["login"], ["unavailable"]),
        ("both@example.org", ["login", "self_service"], []),
    ]:
        row = add_subscriber(session, "borger-dk", address)
        row.parts, row.types = parts, types
    add_subscriber(session, "example-webservice", "elsewhere@example.org")
    session.commit()
    sign_up(client, "pending@example.org", parts=["front_page"])


@pytest.mark.usefixtures("some")
def test_the_api_counts_per_part_and_type(client: TestClient, cast: Cast) -> None:
    answer = client.get(COUNTS, headers=headers(cast.admin))
    assert answer.status_code == 200, answer.text
    counts = answer.json()
    assert (counts["service"], counts["confirmed"], counts["pending"]) == ("borger-dk", 3, 1)
    assert [(item["key"], item["subscribers"]) for item in counts["parts"]] == [
        ("front_page", 1),  # the pending one is not counted
        ("login", 3),
        ("self_service", 2),
        ("article_import", 1),
    ]
    assert counts["parts"][1]["name"] == "Log-in med MitID"
    assert counts["parts"][1]["name_en"] == "Log-in with MitID"
    by_type = {item["key"]: item["subscribers"] for item in counts["types"]}
    assert (by_type["unavailable"], by_type["slow"], len(by_type)) == (3, 2, 7)
    assert "email" not in answer.text
    assert "example.org" not in answer.text


@pytest.mark.usefixtures("some")
def test_only_admins_see_the_counts(client: TestClient, cast: Cast) -> None:
    for member in (cast.operator, cast.viewer, cast.authority):
        assert client.get(COUNTS, headers=headers(member)).status_code == 403
    assert client.get(COUNTS).status_code == 401
    unknown = client.get("/api/v1/services/nowhere/subscribers/counts", headers=headers(cast.admin))
    assert unknown.status_code == 404


@pytest.mark.usefixtures("some")
def test_the_subscribers_page_shows_the_counts(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.admin, next="/admin/subscribers")
    page = said(client.get("/admin/subscribers", params={"service": "borger-dk"}).text)
    assert "Borger.dk: 3 bekræftede, 1 venter på bekræftelse" in page
    assert "Log-in med MitID 3" in page
    assert "Adgang til selvbetjeningsløsninger 2" in page
    everything = said(client.get("/admin/subscribers").text)
    assert "Eksempel på webservice-SLA: 1 bekræftet, 0 venter på bekræftelse" in everything
