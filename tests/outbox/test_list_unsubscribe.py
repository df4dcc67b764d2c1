"""Any mail may carry a one-click unsubscribe (RFC 8058): `list_unsubscribe` in its extra."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from stabil.outbox.delivery import Claimed, email_message
from stabil.outbox.models import DeliveryState
from tests.outbox.delivery_helpers import item, queue_mail, smtp_settings, worker
from tests.outbox.servers import smtp_server

URL = "https://stabil.example.dk/status/unsubscribe/abc_DEF-123"


def claimed(**extra: object) -> Claimed:
    return Claimed(
        id=1,
        channel="email",
        recipient="drift@aarhus.example",
        subject="[Borger.dk] Driftsstatus: Log-in virker ikke",
        body="Borgere kan ikke logge ind.",
        payload=dict(extra),
        signing_key=None,
        message_id="<1@borger.example>",
        created_at=dt.datetime(2026, 4, 14, 8, tzinfo=dt.UTC),
        attempts=1,
    )


def test_the_headers_come_from_the_extra() -> None:
    message = email_message(claimed(list_unsubscribe=URL), "stabil@borger.example")
    assert message["List-Unsubscribe"] == f"<{URL}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = email_message(claimed(unsubscribe_url=URL), "stabil@borger.example")
    assert "List-Unsubscribe" not in plain
    assert "List-Unsubscribe-Post" not in plain


@pytest.mark.parametrize(
    "bad",
    [
        f"{URL}\r\nBcc: victim@example.org",
        "mailto:leave@example.org",
        "javascript:alert(1)",
        f"{URL}>, <https://evil.example/",
        f"{URL} x",
        42,
    ],
)
def test_a_value_that_is_no_http_address_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="list_unsubscribe"):
        email_message(claimed(list_unsubscribe=bad), "stabil@borger.example")


def test_over_smtp_and_a_bad_one_is_parked(session: Session, tmp_path: Path) -> None:
    good = queue_mail(session, extra={"list_unsubscribe": URL})
    bad = queue_mail(session, recipient="x@borger.example", extra={"list_unsubscribe": "x\ny"})
    with smtp_server() as server:
        worker(session, smtp_settings(tmp_path, server.port)).run_once()
    [mail] = server.received
    assert str(mail["List-Unsubscribe"]) == f"<{URL}>"
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    assert item(session, good).state == DeliveryState.sent
    parked = item(session, bad)
    assert parked.state == DeliveryState.parked
    assert "list_unsubscribe is not an http(s) address" in (parked.last_error or "")
