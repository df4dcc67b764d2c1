"""The major-incident pages: the list and the cockpit, with the orientation countdown (R14),
the downtime step (R9.4), the composer (R9.3), the restored message (R9.6) and the
post-review report (R9.7), through the test client on both databases, at a frozen time."""

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
from stabil.desk import transitions
from stabil.desk.models import Incident, MajorReview
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.outbox.models import OutboxItem
from stabil.status.models import Message
from stabil.status.service import NewMessage, post_message, resolve_message
from stabil.subscriptions.service import add_subscriber
from tests.accounts.queries import statements
from tests.cast import Cast, Member
from tests.escalation.conftest import run_until
from tests.web.pages import hidden, post_form, sign_in, text_of

CPH = ZoneInfo("Europe/Copenhagen")
# Tuesday 14 April 2026, 10:00 in Copenhagen: orientation period 1 (R14.2).
NOW = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
SUBSCRIBER = "it@aarhus.example"
pytestmark = pytest.mark.usefixtures("services", "frozen")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


def major(session: Session, cast: Cast, at: dt.datetime = NOW, share: float = 90) -> Incident:
    new = NewIncident("borger-dk", "Log-in fejler", "", Impact(users_affected_percent=share))
    incident = open_incident(session, cast.operator.user, new, now=at)
    session.commit()
    return incident


def handed_and_resolved(session: Session, cast: Cast, incident: Incident, at: dt.datetime) -> None:
    transitions.hand_over(
        session, cast.operator.user, incident, party="supplier-a", now=at - dt.timedelta(minutes=5)
    )
    transitions.resolve(session, cast.operator.user, incident, now=at)
    session.commit()


def tell(session: Session, cast: Cast, incident: Incident, at: dt.datetime, kind: str) -> Message:
    new = NewMessage(
        service="borger-dk",
        type=MessageType(kind),
        affected=["Log-in"],
        title="Log-in fejler",
        body="Vi arbejder på sagen.",
        incidents=[incident.key],
    )
    message = post_message(session, cast.operator.user, new, now=at)
    session.commit()
    return message


def cockpit(client: TestClient, member: Member, key: str) -> str:
    sign_in(client, member, next=f"/desk/majors/{key}")
    answer = client.get(f"/desk/majors/{key}")
    assert answer.status_code == 200, answer.text
    return answer.text


def countdown_of(html: str) -> str:
    """The countdown, without the parts it hides until they are true."""
    found = re.search(r'<div id="countdown".*?</div>', html, re.S)
    assert found is not None, "no countdown"
    return re.sub(r"<span[^>]* hidden>.*?</span>", "", found[0])


def review_of(html: str) -> str:
    found = re.search(r'<section id="review".*?</section>', html, re.S)
    assert found is not None, "no review"
    return found[0]


def draft_fields(html: str, prefix: str) -> dict[str, str]:
    """The prefilled fields of one of the cockpit's message forms, as the browser sends them."""
    fields = {}
    for name in ("type", "title", "affected", "affected_users", "horizon", "body", "body_en"):
        if name == "type":
            select_ = re.search(rf'id="{prefix}type".*?</select>', html, re.S)
            assert select_ is not None
            chosen = re.search(r'<option value="([^"]*)" selected', select_[0])
            assert chosen is not None
            fields[name] = chosen[1]
        elif name in ("body", "body_en"):
            area = re.search(rf'id="{prefix}{name}"[^>]*>(.*?)</textarea>', html, re.S)
            assert area is not None
            fields[name] = area[1].replace("&#39;", "'").replace("&amp;", "&")
        else:
            value = re.search(
                rf'id="{prefix}{name}" name="{name}" type="text" value="([^"]*)"', html
            )
            assert value is not None, name
            fields[name] = value[1]
    return fields


def test_the_first_message_is_due_an_hour_after_detection_in_local_time_r14_2(
    client: TestClient, session: Session, cast: Cast
) -> None:
    incident = major(session, cast)
    page = countdown_of(cockpit(client, cast.operator, incident.key))
    # Detected 10:00 Copenhagen time (08:00 UTC): the first message is due 11:00, local.
    assert '<time datetime="2026-04-14T11:00:00+02:00">14. apr. 2026 11.00</time>' in page
    assert "Første driftsmeddelelse senest" in text_of(page)
    assert "Tid tilbage: 1 t" in text_of(page)
    assert 'hx-trigger="every 20s"' in page
    assert 'data-due="2026-04-14T11:00:00+02:00"' in page
    english = client.get(f"/desk/majors/{incident.key}?lang=en").text
    assert "14 Apr 2026 11:00" in countdown_of(english)


def test_a_fault_found_at_night_is_due_at_eight_r14_3(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    frozen.move_to(local(2026, 4, 18, 21))  # a Saturday evening: measurement period 2
    incident = major(session, cast, at=local(2026, 4, 18, 21))
    page = countdown_of(cockpit(client, cast.operator, incident.key))
    assert '<time datetime="2026-04-19T08:00:00+02:00">' in page
    assert "Tid tilbage: 11 t" in text_of(page)


def test_an_overdue_message_shows_red_with_words(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    incident = major(session, cast)
    frozen.move_to(local(2026, 4, 14, 11, 5))
    page = countdown_of(cockpit(client, cast.viewer, incident.key))
    assert 'class="countdown countdown-overdue"' in page
    text = text_of(page)
    assert "Overskredet" in text
    assert "Over fristen med: 5 min" in text


def test_the_countdown_polls_alone_and_the_script_is_loaded_only_here(
    client: TestClient, session: Session, cast: Cast
) -> None:
    incident = major(session, cast)
    page = cockpit(client, cast.operator, incident.key)
    assert '<script src="/static/countdown.js" defer></script>' in page
    assert "countdown.js" not in client.get("/desk/majors").text
    part = client.get(f"/desk/majors/{incident.key}/countdown", headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="countdown"')
    assert "<html" not in part.text
    plain = client.get(f"/desk/majors/{incident.key}/countdown", follow_redirects=False)
    assert (plain.status_code, plain.headers["location"]) == (303, f"/desk/majors/{incident.key}")
    assert client.get("/static/countdown.js").status_code == 200


def test_the_composer_posts_the_first_message_and_mails_the_subscribers_r9_3(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    incident = major(session, cast)
    add_subscriber(session, "borger-dk", SUBSCRIBER)
    session.commit()
    frozen.move_to(local(2026, 4, 14, 10, 20))
    page = cockpit(client, cast.operator, incident.key)
    fields = draft_fields(page, "new-")
    # Prefilled with R9.3's content: the area, who and how many, the horizon.
    assert fields["type"] == "major_update"
    assert fields["affected"] == "Borger.dk"
    assert fields["affected_users"] == "Ca. 90 % af brugerne"
    assert "Område: Borger.dk." in fields["body"]
    assert "Forventet tidshorisont" in fields["body"]
    fields["horizon"] = "Inden for en time"
    answer = client.post(
        f"/desk/majors/{incident.key}/messages",
        data={**fields, "csrf": hidden(page, "csrf")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    message = session.scalars(select(Message)).one()
    assert [link.incident.key for link in message.links] == [incident.key]
    assert (message.type, message.horizon) == ("major_update", "Inden for en time")
    assert message.affected_users == "Ca. 90 % af brugerne"
    mails = session.scalars(
        select(OutboxItem).where(OutboxItem.dedupe_key.startswith(f"message:{message.id}:"))
    ).all()
    assert SUBSCRIBER in {mail.recipient for mail in mails}
    # The next is due an hour after the message (R14.4), and the update form is offered.
    after = cockpit(client, cast.operator, incident.key)
    assert '<time datetime="2026-04-14T11:20:00+02:00">' in countdown_of(after)
    assert "Næste driftsmeddelelse senest" in text_of(countdown_of(after))
    assert f'action="/desk/majors/{incident.key}/messages/{message.id}/updates"' in after


def test_an_update_from_the_cockpit_joins_the_messages_timeline(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    incident = major(session, cast)
    message = tell(session, cast, incident, local(2026, 4, 14, 10, 10), "unavailable")
    frozen.move_to(local(2026, 4, 14, 10, 50))
    url = f"/desk/majors/{incident.key}"
    sign_in(client, cast.operator, next=url)
    answer = post_form(
        client,
        url,
        f"{url}/messages/{message.id}/updates",
        {
            "body": "Fejlen er fundet.",
            "type": "unavailable",
            "title": "Log-in fejler",
            "affected": "Log-in",
            "horizon": "Kl. 12",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    session.refresh(message)
    assert [entry.kind for entry in message.entries] == ["posted", "updated"]
    assert message.horizon == "Kl. 12"
    page = cockpit(client, cast.operator, incident.key)
    assert '<time datetime="2026-04-14T11:50:00+02:00">' in countdown_of(page)


def test_the_downtime_step_is_shown_due_then_done_r9_4(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    incident = major(session, cast)
    before = text_of(cockpit(client, cast.operator, incident.key))
    assert "Efter 60 minutters nedetid" in before
    assert "ikke forfalden endnu" in before
    assert "Indkald til telefonmøde" in before
    frozen.move_to(local(2026, 4, 14, 11))
    run_until(session, local(2026, 4, 14, 11))
    session.commit()
    after = text_of(client.get(f"/desk/majors/{incident.key}").text)
    assert "udført" in after
    assert "drift@borger.dk" in after


def test_no_downtime_step_is_needed_when_resolved_within_the_hour_r9_4(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    incident = major(session, cast)
    handed_and_resolved(session, cast, incident, local(2026, 4, 14, 10, 40))
    frozen.move_to(local(2026, 4, 14, 12))
    run_until(session, local(2026, 4, 14, 12))
    session.commit()
    page = text_of(cockpit(client, cast.operator, incident.key))
    assert "ikke nødvendig: løst inden tiden" in page


def test_the_restored_message_is_due_then_posted_r9_6(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    incident = major(session, cast)
    add_subscriber(session, "borger-dk", SUBSCRIBER)
    tell(session, cast, incident, local(2026, 4, 14, 10, 10), "unavailable")
    handed_and_resolved(session, cast, incident, local(2026, 4, 14, 10, 30))
    frozen.move_to(local(2026, 4, 14, 10, 40))
    page = cockpit(client, cast.operator, incident.key)
    restored = re.search(r'<section id="restored".*?</section>', page, re.S)
    assert restored is not None
    assert "ikke sendt endnu" in text_of(restored[0])
    assert '<time datetime="2026-04-14T11:30:00+02:00">' in restored[0]  # an hour after (R9.6)
    assert "Ingen flere meddelelser forfalder" in text_of(countdown_of(page))
    fields = draft_fields(page, "restored-")
    assert fields["type"] == "restored"
    answer = client.post(
        f"/desk/majors/{incident.key}/restored",
        data={**fields, "csrf": hidden(page, "csrf")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    posted = session.scalars(select(Message).where(Message.type == "restored")).one()
    assert [link.incident.key for link in posted.links] == [incident.key]
    assert session.scalars(
        select(OutboxItem).where(
            OutboxItem.dedupe_key.startswith(f"message:{posted.id}:"),
            OutboxItem.recipient == SUBSCRIBER,
        )
    ).one()
    after = re.search(
        r'<section id="restored".*?</section>', client.get(answer.headers["location"]).text, re.S
    )
    assert after is not None
    assert "Meddelelsen om genetableret service blev sendt" in text_of(after[0])
    assert 'action="/desk/majors/' not in after[0]


def test_the_report_editor_saves_sends_and_flags_a_late_report_r9_7(
    client: TestClient, session: Session, cast: Cast, frozen: time_machine.Coordinates
) -> None:
    incident = major(session, cast)
    handed_and_resolved(session, cast, incident, local(2026, 4, 14, 12))
    page = cockpit(client, cast.operator, incident.key)
    review = re.search(r'<section id="review".*?</section>', page, re.S)
    assert review is not None
    # Due 14 days after resolution, in local time; a draft from the history to start from.
    assert '<time datetime="2026-04-28T12:00:00+02:00">28. apr. 2026 12.00</time>' in review[0]
    assert "ikke sendt endnu" in text_of(review[0])
    assert "## Tidslinje / Timeline" in review[0]
    url = f"/desk/majors/{incident.key}"
    saved = client.post(
        f"{url}/review",
        data={"report": "# Rapport\n\nÅrsag: certifikat.", "csrf": hidden(page, "csrf")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    stored = session.scalars(select(MajorReview)).one()
    session.refresh(stored)
    assert (stored.report, stored.submitted_at) == ("# Rapport\n\nÅrsag: certifikat.", None)
    frozen.move_to(local(2026, 4, 29, 9))  # a day after it was due
    overdue = cockpit(client, cast.operator, incident.key)  # signed in afresh: days went by
    assert "forsinket" in text_of(review_of(overdue))
    sent = client.post(
        f"{url}/review/submit",
        data={
            "report": stored.report + "\nHandling: overvågning.",
            "csrf": hidden(overdue, "csrf"),
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    session.refresh(stored)
    assert stored.submitted_at is not None
    assert stored.report.endswith("Handling: overvågning.")
    shown = review_of(client.get(url).text)
    assert "sendt for sent" in text_of(shown)
    assert "<form" not in shown


def test_an_empty_report_is_refused_at_the_field_in_danish(
    client: TestClient, session: Session, cast: Cast
) -> None:
    incident = major(session, cast)
    handed_and_resolved(session, cast, incident, NOW)
    url = f"/desk/majors/{incident.key}"
    sign_in(client, cast.operator, next=url)
    answer = post_form(client, url, f"{url}/review/submit", {"report": "  "})
    assert answer.status_code == 422
    review = re.search(r'<section id="review".*?</section>', answer.text, re.S)
    assert review is not None
    assert 'id="report-error"' in review[0]
    assert "er tom" in text_of(review[0])
    stored = session.scalars(select(MajorReview)).one()
    session.refresh(stored)
    assert (stored.report, stored.submitted_at) == ("", None)  # the save was undone too


def test_a_refused_message_shows_at_its_field_in_danish_and_keeps_the_input(
    client: TestClient, session: Session, cast: Cast
) -> None:
    incident = major(session, cast)
    url = f"/desk/majors/{incident.key}"
    sign_in(client, cast.operator, next=url)
    answer = post_form(
        client,
        url,
        f"{url}/messages",
        {"type": "major_update", "title": "Nede", "affected": " , ", "body": "Min tekst"},
    )
    assert answer.status_code == 422
    composer = re.search(r'<section id="composer".*?</section>', answer.text, re.S)
    assert composer is not None
    assert 'id="new-affected-error"' in composer[0]
    assert "Udfyld feltet" in text_of(composer[0])
    assert "Min tekst" in composer[0]
    assert session.scalars(select(Message)).all() == []


def test_a_viewer_sees_everything_and_changes_nothing(
    client: TestClient, session: Session, cast: Cast
) -> None:
    incident = major(session, cast)
    handed_and_resolved(session, cast, incident, NOW)
    page = cockpit(client, cast.viewer, incident.key)
    assert "Post review-rapport" in text_of(page)
    assert '<form method="post" action="/desk/majors' not in page
    answer = client.post(
        f"/desk/majors/{incident.key}/messages",
        data={
            "type": "major_update",
            "title": "x",
            "affected": "y",
            "body": "z",
            "csrf": hidden(page, "csrf"),
        },
    )
    assert answer.status_code == 403
    report = client.post(
        f"/desk/majors/{incident.key}/review",
        data={"report": "x", "csrf": hidden(page, "csrf")},
    )
    assert report.status_code == 403
    assert session.scalars(select(Message)).all() == []


@pytest.mark.parametrize(
    ("name", "status"),
    [("supplier", 200), ("other_supplier", 404), ("authority", 404), ("other_authority", 404)],
)
def test_suppliers_and_authorities_see_what_the_api_lets_them(
    client: TestClient, session: Session, cast: Cast, name: str, status: int
) -> None:
    # Reported by the operator and handed to supplier-a: only that supplier sees it, and
    # like the API (GET /incidents/{key}/major) it may read, not write.
    incident = major(session, cast)
    transitions.hand_over(session, cast.operator.user, incident, party="supplier-a", now=NOW)
    session.commit()
    member: Member = getattr(cast, name)
    sign_in(client, member, next="/desk/majors")
    answer = client.get(f"/desk/majors/{incident.key}")
    assert answer.status_code == status
    listed = client.get("/desk/majors").text
    assert (incident.key in listed) == (status == 200)
    if status == 200:
        assert 'action="/desk/majors/' not in answer.text


def test_a_minor_incident_has_no_cockpit(client: TestClient, session: Session, cast: Cast) -> None:
    incident = major(session, cast, share=1)
    assert incident.priority > 1
    sign_in(client, cast.operator, next="/desk/majors")
    answer = client.get(f"/desk/majors/{incident.key}")
    assert answer.status_code == 404
    assert "Ikke en større hændelse" in answer.text
    assert client.get("/desk/majors/BDK-2099-9999").status_code == 404
    assert incident.key not in client.get("/desk/majors").text


def test_the_list_puts_open_majors_first_in_a_fixed_number_of_statements(
    client: TestClient, session: Session, cast: Cast
) -> None:
    sign_in(client, cast.operator, next="/desk/majors")
    opened = major(session, cast, at=local(2026, 4, 14, 8))  # registered first, still open
    later = major(session, cast, at=local(2026, 4, 14, 8, 30))
    handed_and_resolved(session, cast, later, local(2026, 4, 14, 9))
    client.get("/desk/majors")  # warm: the declarations are parsed once per process
    with statements(session) as few:
        page = client.get("/desk/majors").text
    assert page.index(opened.key) < page.index(later.key)
    assert "1 større hændelse er åben." in text_of(page)
    assert "ikke sendt endnu" in text_of(page)
    for minutes in range(4):
        more = major(session, cast, at=local(2026, 4, 14, 9, minutes))
        tell(session, cast, more, local(2026, 4, 14, 9, 10 + minutes), "unavailable")
        handed_and_resolved(session, cast, more, local(2026, 4, 14, 9, 30 + minutes))
    with statements(session) as many:
        page = client.get("/desk/majors").text
    assert page.count('<a href="/desk/majors/BDK-') == 6
    assert len(many) == len(few), "\n".join(many)


def test_the_list_pages_through_open_then_newest(
    client: TestClient, session: Session, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("stabil.desk.major_pages.PAGE_SIZE", 2)
    closed = []
    for minutes in range(3):
        incident = major(session, cast, at=local(2026, 4, 14, 8, minutes))
        handed_and_resolved(session, cast, incident, local(2026, 4, 14, 9, minutes))
        closed.append(incident.key)
    opened = major(session, cast).key
    sign_in(client, cast.viewer, next="/desk/majors")
    shown = [
        re.findall(r'<a href="/desk/majors/([^"]+)">', client.get(f"/desk/majors?page={n}").text)
        for n in (1, 2)
    ]
    assert shown == [[opened, closed[2]], [closed[1], closed[0]]]
    first = client.get("/desk/majors").text
    assert 'href="/desk/majors?page=2" rel="next"' in first
    assert 'rel="next"' not in client.get("/desk/majors?page=2").text


def test_an_update_of_a_message_resolved_meanwhile_is_refused_with_409(
    client: TestClient, session: Session, cast: Cast
) -> None:
    incident = major(session, cast)
    message = tell(session, cast, incident, NOW, "unavailable")
    url = f"/desk/majors/{incident.key}"
    sign_in(client, cast.operator, next=url)
    page = client.get(url).text
    resolve_message(session, cast.admin.user, message)  # another user is first
    session.commit()
    answer = client.post(
        f"{url}/messages/{message.id}/updates",
        data={
            "body": "Stadig nede.",
            "type": "unavailable",
            "title": "Log-in fejler",
            "affected": "Log-in",
            "csrf": hidden(page, "csrf"),
        },
    )
    assert answer.status_code == 409
    assert 'class="alert alert-error" role="alert"' in answer.text
    session.refresh(message)
    assert [entry.kind for entry in message.entries] == ["posted", "resolved"]
