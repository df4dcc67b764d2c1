"""The administration's page of the outbox: parked, waiting and sent notifications with their
attempts, last error and next attempt in local time, and a parked one retried by a button;
admins only, and a page whose statements do not grow with its rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.outbox.models import DeliveryState
from stabil.outbox.service import enqueue_webhook
from tests.accounts.admin_helpers import (
    act,
    act_in_place,
    others_are_refused,
    said,
    swapped_in_place,
)
from tests.accounts.queries import statements
from tests.cast import Cast
from tests.outbox.delivery_helpers import item, queue_mail, smtp_settings, worker
from tests.outbox.servers import MailServer, smtp_server
from tests.web.pages import sign_in

OUTBOX = "/admin/outbox"
REFUSED = "findes.ikke@borger.example"


def parked_mail(session: Session, tmp_path: Path) -> int:
    """A mail the SMTP server refused for good: the worker parks it after one attempt."""
    refused = queue_mail(session, recipient=REFUSED)
    server = MailServer(refuse={REFUSED: "550 5.1.1 No such user"})
    with smtp_server(server):
        worker(session, smtp_settings(tmp_path, server.port)).run_once()
    assert item(session, refused).state == DeliveryState.parked
    return refused


def row_of(html: str, item_id: int) -> str:
    return said(html.split(f'id="item-{item_id}"')[1].split("</tr>")[0])


def test_a_parked_notification_is_shown_with_its_error_and_retried(
    client: TestClient, cast: Cast, session: Session, tmp_path: Path
) -> None:
    refused = parked_mail(session, tmp_path)
    page = sign_in(client, cast.admin, next=OUTBOX)  # the parked ones first
    assert "Parkeret (1)" in said(page)
    row = row_of(page, refused)
    assert REFUSED in row
    assert "Brud på reaktionstid for BDK-2026-0001" in row
    assert f"BDK-2026-0001 1 recipient refused: {REFUSED}: 550 5.1.1 No such user" in row
    assert "Prøv igen" in row

    answer = act(client, OUTBOX, f"{OUTBOX}/{refused}/retry", back=f"{OUTBOX}?state=parked")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{OUTBOX}?state=parked"
    retried = item(session, refused)
    assert (retried.state, retried.attempts, retried.claimed_until) == ("pending", 1, None)
    assert f'id="item-{refused}"' not in client.get(OUTBOX).text
    waiting = client.get(OUTBOX, params={"state": "pending"}).text
    assert "Afventer (1)" in said(waiting)
    assert "Prøv igen" not in row_of(waiting, refused)  # only a parked one is retried

    again = act(client, OUTBOX, f"{OUTBOX}/{refused}/retry")
    assert again.status_code == 409  # said above the list, not as JSON
    assert again.headers["content-type"].startswith("text/html")
    assert 'class="alert alert-error"' in again.text
    with smtp_server() as server:
        worker(session, smtp_settings(tmp_path, server.port)).run_once()
    assert server.message_ids == [item(session, refused).message_id]
    assert "BDK-2026-0001" in row_of(client.get(OUTBOX, params={"state": "sent"}).text, refused)


def test_a_retry_answers_in_place_with_htmx(
    client: TestClient, cast: Cast, session: Session, tmp_path: Path
) -> None:
    refused = parked_mail(session, tmp_path)
    sign_in(client, cast.admin, next=OUTBOX)
    answer = act_in_place(
        client, OUTBOX, f"{OUTBOX}/{refused}/retry", back=f"{OUTBOX}?state=parked"
    )
    swapped_in_place(answer, f"{OUTBOX}?state=parked")
    assert item(session, refused).state == DeliveryState.pending


def test_the_next_attempt_and_the_sending_are_shown_in_local_time(
    client: TestClient, cast: Cast, session: Session
) -> None:
    summer = queue_mail(session, deliver_after=dt.datetime(2026, 7, 1, 12, 5, tzinfo=dt.UTC))
    winter = queue_mail(session, deliver_after=dt.datetime(2026, 1, 15, 7, 30, tzinfo=dt.UTC))
    sign_in(client, cast.admin, next=OUTBOX)
    page = client.get(OUTBOX, params={"state": "pending"}).text
    assert "1. jul. 2026 14.05" in row_of(page, summer)
    assert "15. jan. 2026 08.30" in row_of(page, winter)
    assert 'datetime="2026-07-01T14:05:00+02:00"' in page
    english = client.get(OUTBOX, params={"state": "pending", "lang": "en"}).text
    assert "1 Jul 2026 14:05" in row_of(english, summer)


def test_a_webhook_is_shown_without_its_signing_key(
    client: TestClient, cast: Cast, session: Session
) -> None:
    hook = enqueue_webhook(
        session,
        url="https://hooks.example.org/stabil",
        secret="meget-hemmelig-nøgle",
        event="message.posted",
        payload={"id": 1},
        subject_kind="message",
        subject_key="7",
    )
    session.commit()
    assert hook is not None
    sign_in(client, cast.admin, next=OUTBOX)
    page = client.get(OUTBOX, params={"state": "pending"}).text
    assert "Webhook https://hooks.example.org/stabil message.posted" in row_of(page, hook)
    assert "meget-hemmelig" not in page


def test_an_unknown_state_shows_the_parked_ones(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.admin, next=OUTBOX)
    for state in ("lost", "", "x" * 1000):
        answer = client.get(OUTBOX, params={"state": state})
        assert answer.status_code == 200
        assert 'href="/admin/outbox?state=parked" aria-current="page"' in answer.text


def test_no_one_but_an_admin_opens_the_page_or_retries(
    client: TestClient, cast: Cast, session: Session, tmp_path: Path
) -> None:
    refused = parked_mail(session, tmp_path)
    others_are_refused(client, cast, [OUTBOX], {f"{OUTBOX}/{refused}/retry": {}})
    assert item(session, refused).state == DeliveryState.parked


@pytest.mark.parametrize("state", ["pending", "parked"])
def test_the_page_sends_as_many_statements_for_many_rows_as_for_few(
    client: TestClient, cast: Cast, session: Session, state: str
) -> None:
    sign_in(client, cast.admin, next=OUTBOX)

    def sent() -> int:
        session.expire_all()
        with statements(session) as sent:
            assert client.get(OUTBOX, params={"state": state}).status_code == 200
        return len(sent)

    queue_mail(session)
    few = sent()
    for number in range(60):
        queue_mail(session, recipient=f"vagt{number}@borger.example")
    assert sent() == few
    assert few <= 5
    if state == "pending":
        page = client.get(OUTBOX, params={"state": "pending"}).text
        assert page.count('<tr id="item-') == 50
        assert "Side 1 af 2" in said(page)
        second = client.get(OUTBOX, params={"state": "pending", "page": "2"}).text
        assert second.count('<tr id="item-') == 11


def test_the_english_page_speaks_english(
    client: TestClient, cast: Cast, session: Session, tmp_path: Path
) -> None:
    parked_mail(session, tmp_path)
    sign_in(client, cast.admin, next=OUTBOX)
    page = said(client.get(OUTBOX, params={"lang": "en"}).text)
    for text in ("Outbox", "Parked (1)", "Waiting (0)", "Attempts", "Last error", "Retry"):
        assert text in page
    for danish in ("Udbakke", "Afventer", "Forsøg", "Prøv igen", "notifikation"):
        assert danish not in page
