"""The meeting pages, in Danish: the list with the schedule, planning by the form, the meeting
with its minutes and actions, and its pack in the reader's language."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.cast import Cast
from tests.meetings.conftest import NOW
from tests.web.pages import post_form, sign_in, text_of

__all__ = ["NOW"]  # the `frozen` fixture reads it from this module
pytestmark = pytest.mark.usefixtures("frozen", "services")
LIST = "/desk/meetings"


def test_an_operator_plans_a_meeting_records_its_minutes_and_an_action(
    client: TestClient, cast: Cast
) -> None:
    sign_in(client, cast.operator, next=LIST)
    listed = text_of(client.get(LIST).text)
    assert "Driftsmøde mellem myndigheder i driftsnetværket (R17.1)" in listed
    assert "2026-01..2026-03 mangler" in listed
    refused = post_form(
        client,
        LIST,
        LIST,
        {"service": "borger-dk", "forum": "operations_meeting", "starts_at": "i morgen"},
    )
    assert refused.status_code == 422
    planned = post_form(
        client,
        LIST,
        LIST,
        {"service": "borger-dk", "forum": "operations_meeting", "starts_at": "2026-04-14T09:00"},
        follow_redirects=False,
    )
    assert planned.status_code == 303, planned.text
    url = planned.headers["location"].split("?")[0]
    page = text_of(client.get(url).text)
    assert "14. apr. 2026 09.00 – 11.00" in page
    assert "Godkendelse af referat fra sidste møde" in page
    minutes = post_form(
        client, url, f"{url}/minutes", {"minutes": "Godkendt.", "decisions": "Ny runbook\nTest"}
    )
    assert minutes.status_code == 200
    added = post_form(
        client,
        url,
        f"{url}/actions",
        {"text": "Test af failover", "owner": "aarhus", "due_on": "2026-05-01"},
    )
    shown = text_of(added.text)
    assert "Beslutninger Ny runbook Test" in shown
    assert "Test af failover Aarhus Kommune 01.05.2026 åben" in shown
    assert re.search(r"referat registreret.*action tilføjet", shown)
    schedule = text_of(client.get(LIST).text)
    assert "2026-04..2026-06 holdt" in schedule
    pack = client.get(f"{url}/pack")
    assert pack.status_code == 200
    assert "Dagsorden" in text_of(pack.text)
