"""An announced release reaches each subscriber once, over real SMTP (aiosmtpd on 127.0.0.1).

Time runs here, unfrozen: the worker and the mail server keep their own clocks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.subscriptions.service import add_subscriber
from tests.cast import Cast
from tests.outbox.delivery_helpers import smtp_settings, worker
from tests.outbox.servers import smtp_server
from tests.releases.conftest import register

pytestmark = pytest.mark.usefixtures("services")


def test_each_subscriber_gets_the_announcement_once_and_the_update_once(
    client: TestClient, cast: Cast, session: Session, tmp_path: Path
) -> None:
    for address in ("drift@aarhus.example", "it@odense.example"):
        add_subscriber(session, "borger-dk", address, actor=cast.admin.user)
    session.commit()
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=400)  # past any notice
    release = register(client, cast.operator, planned_date=day.isoformat(), announce=True)
    title = f"Version 2.0 den {day:%d.%m.%Y}"
    with smtp_server() as server:
        stabil = worker(session, smtp_settings(tmp_path, server.port))
        assert stabil.run_once().notifications == 2
        assert stabil.run_once().notifications == 0  # nothing is sent twice
        client.patch(
            f"/api/v1/releases/{release['id']}",
            json={"notes": "Ny log-in-grænseflade med MitID."},
            headers={"Authorization": f"Bearer {cast.operator.token}"},
        )
        # A worker's clock stands where it was made: a new one finds the update due.
        assert worker(session, smtp_settings(tmp_path, server.port)).run_once().notifications == 2
    received = [(str(mail["To"]), str(mail["Subject"])) for mail in server.received]
    assert sorted(received) == [
        ("drift@aarhus.example", f"[Borger.dk] Driftsstatus: {title}"),
        ("drift@aarhus.example", f"[Borger.dk] Driftsstatus: {title} (opdateret)"),
        ("it@odense.example", f"[Borger.dk] Driftsstatus: {title}"),
        ("it@odense.example", f"[Borger.dk] Driftsstatus: {title} (opdateret)"),
    ]
    first = server.received[0].get_content()
    assert "Ny log-in-grænseflade." in first
    assert "Versionen ændrer grænsefladen" in first
