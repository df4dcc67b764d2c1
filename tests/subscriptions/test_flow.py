"""The whole way of a subscriber, over real SMTP (aiosmtpd on 127.0.0.1): the form, the
confirmation mail, the link, a message posted by an operator, its mail with working manage
and unsubscribe links and the List-Unsubscribe headers, and the one-click POST (RFC 8058).

Time runs here, unfrozen: the worker and the mail server keep their own clocks.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.cast import Cast, headers
from tests.outbox.delivery_helpers import smtp_settings, worker
from tests.outbox.servers import MailServer, smtp_server
from tests.subscriptions.helpers import ADDRESS, CONFIRM, MANAGE, link, sign_up, subscribers

pytestmark = pytest.mark.usefixtures("services")


def deliver(session: Session, server: MailServer, tmp_path: Path) -> list[EmailMessage]:
    """Run a worker until nothing is due; the mails that arrived meanwhile."""
    before = len(server.raw)
    worker(session, smtp_settings(tmp_path, server.port)).run_once()
    return server.received[before:]


def post_message(client: TestClient, cast: Cast, affected: list[str], **more: str) -> None:
    body = {
        "service": "borger-dk",
        "type": "unavailable",
        "affected": affected,
        "title": "Log-in virker ikke",
        "body": "Borgere kan ikke logge ind på Borger.dk.",
        **more,
    }
    answer = client.post("/api/v1/messages", json=body, headers=headers(cast.operator))
    assert answer.status_code == 201, answer.text


def test_subscribe_confirm_hear_and_leave_with_one_click(
    client: TestClient, cast: Cast, session: Session, tmp_path: Path
) -> None:
    with smtp_server() as server:
        assert sign_up(client, ADDRESS.upper(), parts=["login"]).status_code == 200
        [confirmation] = deliver(session, server, tmp_path)
        assert str(confirmation["To"]) == ADDRESS
        assert "List-Unsubscribe" not in confirmation  # nothing to leave yet
        path = link(CONFIRM, confirmation.get_content())
        post_message(client, cast, ["Log-in med MitID"])
        assert deliver(session, server, tmp_path) == []  # pending: nothing but the link

        assert client.get(path).status_code == 200
        assert client.post(path).status_code == 200
        post_message(client, cast, ["Log-in med MitID"], body_en="Citizens cannot log in.")
        [mail] = deliver(session, server, tmp_path)

    secret = subscribers(session)[0].unsubscribe_token
    unsubscribe = f"http://127.0.0.1:8000/status/unsubscribe/{secret}"
    assert str(mail["To"]) == ADDRESS
    assert str(mail["Subject"]) == "[Borger.dk] Driftsstatus: Log-in virker ikke"
    assert str(mail["List-Unsubscribe"]) == f"<{unsubscribe}>"
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    text = mail.get_content()
    assert f"Afmeld: {unsubscribe}\n" in text
    assert "Unsubscribe: " + unsubscribe in text
    danish, english = MANAGE.findall(text)  # the footer says it in both languages
    assert danish == english == f"/status/subscriptions/manage/{secret}"
    manage = client.get(danish)
    assert manage.status_code == 200
    assert ADDRESS in manage.text
    one_click = client.post(
        unsubscribe.removeprefix("http://127.0.0.1:8000"),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200
    assert subscribers(session) == []


def test_a_message_about_other_parts_or_of_another_type_is_not_mailed(
    client: TestClient, cast: Cast, session: Session, tmp_path: Path
) -> None:
    with smtp_server() as server:
        sign_up(client, parts=["login"], types=["unavailable", "restored"])
        [confirmation] = deliver(session, server, tmp_path)
        client.post(link(CONFIRM, confirmation.get_content()))
        post_message(client, cast, ["Artikelimport fra myndighederne"])
        post_message(client, cast, ["login"], type="slow")
        assert deliver(session, server, tmp_path) == []
        post_message(client, cast, ["Article import from the authorities", "LOG-IN WITH MITID"])
        assert len(deliver(session, server, tmp_path)) == 1
