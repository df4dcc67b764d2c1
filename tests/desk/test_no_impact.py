"""A report that gives no impact facts is stored and suggested as such (R6.5)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.desk.models import Incident, IncidentEvent
from tests.cast import Cast, headers

pytestmark = pytest.mark.usefixtures("services")


def create(client: TestClient, cast: Cast, **extra: Any) -> dict[str, Any]:
    body = {"service": "borger-dk", "title": "Noget er galt", **extra}
    response = client.post("/api/v1/incidents", json=body, headers=headers(cast.authority))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize(
    "extra", [{}, {"impact": {}}, {"impact": {"users_affected_percent": None}}]
)
def test_no_facts_suggest_the_default_priority(
    client: TestClient, session: Session, cast: Cast, extra: dict[str, Any]
) -> None:
    incident = create(client, cast, **extra)
    assert (incident["suggested_priority"], incident["priority"]) == (3, 3)
    assert incident["suggestion_reason"] == "priority 3 (Medium): no impact facts were given"
    assert incident["suggestion_reason_da"] == (
        "prioritet 3 (Mellem): der er ikke oplyst noget om påvirkningen"
    )
    assert incident["impact"]["users_affected_percent"] is None
    stored = session.scalars(select(Incident).where(Incident.key == incident["key"])).one()
    assert stored.users_affected_percent is None
    opened = session.scalars(
        select(IncidentEvent).where(
            IncidentEvent.incident_id == stored.id, IncidentEvent.kind == "opened"
        )
    ).one()
    assert opened.after["impact"]["users_affected_percent"] is None


def test_none_affected_is_a_fact(client: TestClient, cast: Cast) -> None:
    incident = create(client, cast, impact={"users_affected_percent": 0})
    assert incident["suggested_priority"] == 4
    assert "at most 5 % of users affected" in incident["suggestion_reason"]
    assert incident["impact"]["users_affected_percent"] == 0
