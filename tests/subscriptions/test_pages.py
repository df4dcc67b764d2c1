"""The administration's pages of subscribers and webhooks: admins only, the API's own rules
for what a form may hold, a generated webhook secret shown once, refusals at their field in
Danish, and pages whose statements do not grow with their rows."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.subscriptions.models import Subscriber, WebhookRegistration
from stabil.subscriptions.service import add_subscriber, add_webhook
from tests.accounts.admin_helpers import (
    act,
    act_in_place,
    others_are_refused,
    said,
    swapped_in_place,
)
from tests.accounts.queries import statements
from tests.cast import Cast
from tests.web.pages import sign_in

SUBSCRIBERS, WEBHOOKS = "/admin/subscribers", "/admin/webhooks"
ALL_EVENTS = ["message.posted", "message.updated", "message.resolved", "message.closed"]


def count(session: Session, table: type[Subscriber] | type[WebhookRegistration]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_an_admin_adds_lists_and_removes_subscribers(
    client: TestClient, cast: Cast, session: Session, services: None
) -> None:
    sign_in(client, cast.admin, next=SUBSCRIBERS)
    answer = act(
        client,
        SUBSCRIBERS,
        SUBSCRIBERS,
        service="borger-dk",
        email="Drift@Aarhus.example",
        back=f"{SUBSCRIBERS}?service=borger-dk",
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{SUBSCRIBERS}?service=borger-dk"
    act(client, SUBSCRIBERS, SUBSCRIBERS, service="example-webservice", email="it@odense.example")
    [subscriber] = session.scalars(
        select(Subscriber).where(Subscriber.email == "drift@aarhus.example")
    ).all()
    assert subscriber.confirmed
    assert subscriber.created_by_id == cast.admin.user.id
    page = said(client.get(SUBSCRIBERS).text)
    assert "2 abonnenter" in page
    assert "Borger.dk (borger-dk) drift@aarhus.example Ja" in page
    only = said(client.get(SUBSCRIBERS, params={"service": "borger-dk"}).text)
    assert "1 abonnent " in only
    assert "it@odense.example" not in only

    removed = act(client, SUBSCRIBERS, f"{SUBSCRIBERS}/{subscriber.id}/remove", back=SUBSCRIBERS)
    assert removed.status_code == 303
    assert count(session, Subscriber) == 1
    again = act(client, SUBSCRIBERS, f"{SUBSCRIBERS}/{subscriber.id}/remove")
    assert again.status_code == 404  # said above the list, not as JSON
    assert again.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in again.text


def test_a_subscriber_is_added_in_place_with_htmx(
    client: TestClient, cast: Cast, session: Session, services: None
) -> None:
    sign_in(client, cast.admin, next=SUBSCRIBERS)
    answer = act_in_place(
        client, SUBSCRIBERS, SUBSCRIBERS, service="borger-dk", email="vagt@borger.example"
    )
    swapped_in_place(answer, SUBSCRIBERS)
    assert count(session, Subscriber) == 1


@pytest.mark.parametrize(
    ("fields", "status", "field", "danish"),
    [
        ({"email": "x" * 250 + "@a.dk"}, 422, "email", "Brug højst 254 tegn."),
        ({"email": " "}, 422, "email", "Udfyld feltet."),
        ({"service": ""}, 422, "service", "Udfyld feltet."),
        ({"email": "ikke-en-adresse"}, 422, "email", None),
        ({"email": "it@aarhus.example"}, 409, None, "it@aarhus.example"),
    ],
)
def test_a_refused_subscriber_says_why_at_the_field(
    client: TestClient,
    cast: Cast,
    session: Session,
    services: None,
    fields: dict[str, str],
    status: int,
    field: str | None,
    danish: str | None,
) -> None:
    add_subscriber(session, "borger-dk", "it@aarhus.example")
    session.commit()
    sign_in(client, cast.admin, next=SUBSCRIBERS)
    data = {"service": "borger-dk", "email": "ny@aarhus.example", **fields}
    answer = act(client, SUBSCRIBERS, SUBSCRIBERS, **data)
    assert answer.status_code == status
    if field is not None:
        assert f'id="{field}-error"' in answer.text
    else:
        assert 'class="alert alert-error"' in answer.text  # a conflict: about the whole form
    if danish is not None:
        assert danish in said(answer.text)
    assert count(session, Subscriber) == 1


def test_a_generated_webhook_secret_is_shown_once(
    client: TestClient, cast: Cast, session: Session, services: None
) -> None:
    sign_in(client, cast.admin, next=WEBHOOKS)
    answer = act(
        client,
        WEBHOOKS,
        WEBHOOKS,
        service="borger-dk",
        url="https://hooks.aarhus.example/stabil",
        events=["message.posted", "message.resolved"],
        secret="",
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    shown = re.search(r'<code class="secret">(whsec_[^<]+)</code>', answer.text)
    assert shown is not None
    [hook] = session.scalars(select(WebhookRegistration)).all()
    assert hook.secret == shown[1]
    assert hook.events == ["message.posted", "message.resolved"]
    assert hook.created_by_id == cast.admin.user.id
    page = client.get(WEBHOOKS).text
    assert shown[1] not in page
    row = said(page.split(f'id="webhook-{hook.id}"')[1].split("</tr>")[0])
    assert "https://hooks.aarhus.example/stabil" in row
    assert "En meddelelse offentliggøres; En meddelelse meldes løst" in row

    removed = act(client, WEBHOOKS, f"{WEBHOOKS}/{hook.id}/remove", back=WEBHOOKS)
    assert removed.status_code == 303
    assert count(session, WebhookRegistration) == 0


def test_a_webhook_with_its_own_secret_shows_no_secret(
    client: TestClient, cast: Cast, session: Session, services: None
) -> None:
    sign_in(client, cast.admin, next=WEBHOOKS)
    answer = act(
        client,
        WEBHOOKS,
        WEBHOOKS,
        service="example-webservice",
        url="https://hooks.odense.example/",
        events=ALL_EVENTS,
        secret="en hemmelighed på mindst 16 tegn",
    )
    assert answer.status_code == 303
    [hook] = session.scalars(select(WebhookRegistration)).all()
    assert hook.secret == "en hemmelighed på mindst 16 tegn"
    assert hook.events == ALL_EVENTS
    assert "en hemmelighed" not in client.get(WEBHOOKS).text


@pytest.mark.parametrize(
    ("fields", "field", "danish"),
    [
        ({"url": "https://hooks.example/" + "x" * 2000}, "url", "Brug højst 2000 tegn."),
        ({"url": ""}, "url", "Udfyld feltet."),
        ({"url": "ftp://hooks.example/"}, "url", None),
        ({"events": []}, "events", "Vælg mindst 1."),
        ({"events": ["message.deleted"]}, "events", "Vælg en af mulighederne."),
        ({"secret": "kort"}, "secret", "Brug mindst 16 tegn."),
    ],
)
def test_a_refused_webhook_says_why_at_the_field(
    client: TestClient,
    cast: Cast,
    session: Session,
    services: None,
    fields: dict[str, object],
    field: str,
    danish: str | None,
) -> None:
    sign_in(client, cast.admin, next=WEBHOOKS)
    data = {"service": "borger-dk", "url": "https://h.example/", "events": ALL_EVENTS, **fields}
    answer = act(client, WEBHOOKS, WEBHOOKS, **data)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    if danish is not None:
        assert danish in said(answer.text)
    assert 'class="secret"' not in answer.text
    assert count(session, WebhookRegistration) == 0


def test_an_unknown_service_in_the_filter_is_said_at_the_filter(
    client: TestClient, cast: Cast, services: None
) -> None:
    sign_in(client, cast.admin, next=SUBSCRIBERS)
    for url in (SUBSCRIBERS, WEBHOOKS):
        answer = client.get(url, params={"service": "ingen"})
        assert answer.status_code == 422
        assert 'id="filter-service-error"' in answer.text


def test_no_one_but_an_admin_opens_a_page_or_acts_and_nothing_changes(
    client: TestClient, cast: Cast, session: Session, services: None
) -> None:
    subscriber = add_subscriber(session, "borger-dk", "it@aarhus.example")
    hook, _ = add_webhook(session, "borger-dk", "https://h.example/")
    session.commit()
    forms = {
        SUBSCRIBERS: {"service": "borger-dk", "email": "ny@aarhus.example"},
        f"{SUBSCRIBERS}/{subscriber.id}/remove": {},
        WEBHOOKS: {"service": "borger-dk", "url": "https://ny.example/", "events": ALL_EVENTS},
        f"{WEBHOOKS}/{hook.id}/remove": {},
    }
    others_are_refused(client, cast, [SUBSCRIBERS, WEBHOOKS], forms)
    assert (count(session, Subscriber), count(session, WebhookRegistration)) == (1, 1)


def many(session: Session, how_many: int, first: int = 0) -> None:
    for number in range(first, first + how_many):
        service = "borger-dk" if number % 2 else "example-webservice"
        add_subscriber(session, service, f"abonnent{number}@aarhus.example")
        add_webhook(session, service, f"https://hooks.example/{number}")
    session.commit()


@pytest.mark.parametrize("url", [SUBSCRIBERS, WEBHOOKS, f"{WEBHOOKS}?service=borger-dk"])
def test_a_list_page_sends_as_many_statements_for_many_rows_as_for_few(
    client: TestClient, cast: Cast, session: Session, services: None, url: str
) -> None:
    sign_in(client, cast.admin, next=url)
    many(session, 2)

    def sent() -> int:
        session.expire_all()
        with statements(session) as sent:
            assert client.get(url).status_code == 200
        return len(sent)

    few = sent()
    many(session, 120, first=2)
    assert sent() == few
    assert few <= (8 if url == SUBSCRIBERS else 6)  # the subscribers: 2 for the counts
    page = client.get(url).text
    assert "Side 1 af " in said(page)
    base, _, query = url.partition("?")
    assert f'href="{base}?{query + "&amp;" if query else ""}page=2"' in page  # filter kept


def test_the_english_pages_speak_english(
    client: TestClient, cast: Cast, session: Session, services: None
) -> None:
    add_subscriber(session, "borger-dk", "it@aarhus.example")
    session.commit()
    sign_in(client, cast.admin, next=SUBSCRIBERS)
    subscribers = said(client.get(SUBSCRIBERS, params={"lang": "en"}).text)
    assert "Add a subscriber" in subscribers
    assert "1 subscriber" in subscribers
    assert "Borger.dk (borger-dk) it@aarhus.example Yes" in subscribers
    webhooks = said(client.get(WEBHOOKS).text)
    assert "Register a webhook" in webhooks
    assert "A message is posted" in webhooks
    for page in (subscribers, webhooks):
        for danish in ("Abonnenter", "Tilføj", "Tjeneste", "Hændelser", "Fjern"):
            assert danish not in page
    refused = act(client, WEBHOOKS, WEBHOOKS, service="borger-dk", url="", events=ALL_EVENTS)
    assert "Fill this in." in said(refused.text)
