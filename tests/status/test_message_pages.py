"""The desk's pages of operational messages: the list (current ones first), a new message,
and one message with its timeline, to update, resolve and archive (R10.3, R9.6)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.declaration.communication import MessageType
from stabil.status.models import Message
from stabil.status.service import NewMessage, post_message, resolve_message
from stabil.subscriptions.service import add_subscriber
from tests.accounts.queries import statements
from tests.cast import Cast
from tests.status.conftest import outbox
from tests.web.pages import post_form, sign_in, text_of

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
SUBSCRIBER = "it@aarhus.example"
pytestmark = pytest.mark.usefixtures("services", "frozen")

FIELDS = {
    "service": "borger-dk",
    "type": "unavailable",
    "title": "Log-in virker ikke",
    "affected": "Log-in, Selvbetjening",
    "affected_users": "Alle borgere",
    "horizon": "Inden for en time",
    "horizon_at": "2026-04-14T11:30",
    "body": "Borgere kan ikke logge ind.",
    "body_en": "Citizens cannot log in.",
}


def message(session: Session, cast: Cast, title: str, *, resolved: bool = False) -> Message:
    new = NewMessage(
        service="borger-dk",
        type=MessageType.slow,
        affected=["Søgning"],
        title=title,
        body="Søgningen er langsom.",
    )
    posted = post_message(session, cast.operator.user, new)
    if resolved:
        resolve_message(session, cast.operator.user, posted)
    session.commit()
    return posted


def section(html: str, name: str) -> str:
    found = re.search(
        rf'<section (?:id="{name}" )?aria-labelledby="{name}-heading".*?</section>', html, re.S
    )
    assert found is not None, name
    return found[0]


def test_the_list_shows_current_messages_first(
    client: TestClient, session: Session, cast: Cast
) -> None:
    message(session, cast, "Søgning er langsom")
    message(session, cast, "Forældet meddelelse", resolved=True)
    sign_in(client, cast.viewer, next="/desk/messages")
    page = client.get("/desk/messages").text
    current = section(page, "current")
    assert "Søgning er langsom" in current
    assert "Forældet meddelelse" not in current
    everything = text_of(section(page, "all"))
    assert "Forældet meddelelse" in everything
    assert "2 driftsmeddelelser" in everything
    assert "Lange svartider" in everything
    assert "Løst" in everything
    resolved = client.get("/desk/messages?state=resolved").text
    assert "Søgning er langsom" not in section(resolved, "all")
    assert client.get("/desk/messages?state=nonsense&page=x").status_code == 200


def test_a_new_message_is_posted_and_mailed_to_the_subscribers(
    client: TestClient, session: Session, cast: Cast
) -> None:
    add_subscriber(session, "borger-dk", SUBSCRIBER)
    session.commit()
    sign_in(client, cast.operator, next="/desk/messages/new")
    answer = post_form(
        client, "/desk/messages/new", "/desk/messages", FIELDS, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    posted = session.scalars(select(Message)).one()
    assert answer.headers["location"] == f"/desk/messages/{posted.id}"
    assert posted.affected == ["Log-in", "Selvbetjening"]
    assert posted.links == []  # about no incident
    # The horizon was given in local time: 11:30 in Copenhagen is 09:30 UTC.
    assert posted.horizon_at == dt.datetime(2026, 4, 14, 9, 30, tzinfo=dt.UTC)
    mails = outbox(session, subject_kind="message", subject_key=str(posted.id))
    assert [mail.recipient for mail in mails] == [SUBSCRIBER]
    shown = client.get(answer.headers["location"]).text
    assert '<time datetime="2026-04-14T11:30:00+02:00">14. apr. 2026 11.30</time>' in shown
    assert 'value="2026-04-14T11:30"' in shown  # the update form, in local time too


def test_an_update_joins_the_timeline_and_is_mailed(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    add_subscriber(session, "borger-dk", SUBSCRIBER)
    posted = message(session, cast, "Søgning er langsom")
    frozen.move_to(NOW + dt.timedelta(minutes=30))
    url = f"/desk/messages/{posted.id}"
    sign_in(client, cast.operator, next=url)
    answer = post_form(
        client,
        url,
        f"{url}/updates",
        {
            "type": "slow",
            "title": "Søgning er langsom",
            "affected": "Søgning",
            "cause": "Fuld disk",
            "body": "Vi har fundet årsagen.",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    session.refresh(posted)
    assert [entry.kind for entry in posted.entries] == ["posted", "updated"]
    assert posted.cause == "Fuld disk"
    timeline = text_of(section(client.get(url).text, "timeline"))
    assert "Opdatering 14. apr. 2026 10.30" in timeline
    assert "Vi har fundet årsagen." in timeline
    mails = outbox(session, subject_kind="message", subject_key=str(posted.id))
    assert [mail.recipient for mail in mails] == [SUBSCRIBER, SUBSCRIBER]


def test_resolving_and_archiving(client: TestClient, session: Session, cast: Cast) -> None:
    posted = message(session, cast, "Søgning er langsom")
    url = f"/desk/messages/{posted.id}"
    sign_in(client, cast.operator, next=url)
    resolved = post_form(client, url, f"{url}/resolve", {}, follow_redirects=False)
    assert resolved.status_code == 303, resolved.text
    session.refresh(posted)
    assert (posted.state, posted.entries[-1].body) == ("resolved", "Løst.")
    page = client.get(url).text
    assert f'action="/desk/messages/{posted.id}/resolve"' not in page
    closed = post_form(client, url, f"{url}/close", {}, follow_redirects=False)
    assert closed.status_code == 303
    session.refresh(posted)
    assert posted.state == "closed"
    assert "Arkiveret" in text_of(client.get(url).text)
    again = post_form(client, url, f"{url}/close", {})
    assert again.status_code == 409
    assert 'class="alert alert-error"' in again.text


def test_a_refused_form_shows_at_its_field_in_danish(
    client: TestClient, session: Session, cast: Cast
) -> None:
    sign_in(client, cast.operator, next="/desk/messages/new")
    empty_title = post_form(client, "/desk/messages/new", "/desk/messages", {**FIELDS, "title": ""})
    assert empty_title.status_code == 422
    assert re.search(r'id="title-error" role="alert">Udfyld feltet\.<', empty_title.text)
    assert 'value="Alle borgere"' in empty_title.text  # what was typed stays
    bad_time = post_form(
        client, "/desk/messages/new", "/desk/messages", {**FIELDS, "horizon_at": "i morgen"}
    )
    assert bad_time.status_code == 422
    assert "angiv dato og klokkeslæt" in bad_time.text
    long_title = post_form(
        client, "/desk/messages/new", "/desk/messages", {**FIELDS, "title": "x" * 201}
    )
    assert "Brug højst 200 tegn." in long_title.text
    english = client.post(
        "/desk/messages?lang=en",
        data={
            **FIELDS,
            "title": "",
            "csrf": re.findall(r'name="csrf" value="([^"]*)"', empty_title.text)[0],
        },
    )
    assert "Fill this in." in english.text
    assert session.scalars(select(Message)).all() == []


def test_a_refused_update_changes_nothing(client: TestClient, session: Session, cast: Cast) -> None:
    posted = message(session, cast, "Søgning er langsom")
    url = f"/desk/messages/{posted.id}"
    sign_in(client, cast.operator, next=url)
    answer = post_form(
        client,
        url,
        f"{url}/updates",
        {"type": "slow", "title": "Søgning", "affected": "Søgning", "cause": "x", "body": ""},
    )
    assert answer.status_code == 422
    assert 'id="update-body-error"' in answer.text
    session.refresh(posted)
    assert (len(posted.entries), posted.cause) == (1, None)


def test_a_viewer_reads_and_changes_nothing(
    client: TestClient, session: Session, cast: Cast
) -> None:
    posted = message(session, cast, "Søgning er langsom")
    url = f"/desk/messages/{posted.id}"
    sign_in(client, cast.viewer, next=url)
    page = client.get(url).text
    assert "Søgning er langsom" in page
    assert '<form method="post" action="/desk/messages' not in page
    assert "/desk/messages/new" not in client.get("/desk/messages").text
    assert client.get("/desk/messages/new").status_code == 403
    refused = post_form(client, url, f"{url}/resolve", {})
    assert refused.status_code == 403
    session.refresh(posted)
    assert posted.state == "open"


def test_an_unknown_message_is_not_found(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.operator, next="/desk/messages")
    for path in ("/desk/messages/999999", "/desk/messages/abc", "/desk/messages/99999999999"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert "Ikke fundet" in answer.text


def test_the_list_costs_the_same_statements_for_few_and_many(
    client: TestClient, session: Session, cast: Cast
) -> None:
    sign_in(client, cast.authority, next="/desk/messages")
    message(session, cast, "Første")
    client.get("/desk/messages")
    with statements(session) as few:
        client.get("/desk/messages")
    for number in range(6):
        message(session, cast, f"Meddelelse {number}", resolved=number % 2 == 0)
    with statements(session) as many:
        page = client.get("/desk/messages").text
    assert "Meddelelse 5" in page
    assert len(many) == len(few), "\n".join(many)
