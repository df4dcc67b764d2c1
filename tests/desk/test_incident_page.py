"""The page of one incident: its facts in local time, the timers and how each deadline is
found, the timeline, and the forms of what the reader's role allows, each refused in Danish
at its field, answering in place for htmx and with a 303 without it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import httpx
import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.accounts.roles import Role
from stabil.desk import transitions
from stabil.desk.models import Incident
from stabil.desk.notes import add_note
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from stabil.records.models import NoteVisibility
from tests.accounts.queries import statements
from tests.cast import Cast, Member
from tests.web.pages import hidden, sign_in, text_of

CPH = ZoneInfo("Europe/Copenhagen")
# Friday 22 May 2026, 16:25 in Copenhagen: five minutes of primary service time are left
# that day, and then come Saturday, Whit Sunday and Whit Monday (R2.4).
NOW = dt.datetime(2026, 5, 22, 16, 25, tzinfo=CPH)
pytestmark = pytest.mark.usefixtures("frozen", "services")
HTMX = {"HX-Request": "true"}


def report(
    session: Session, cast: Cast, title: str = "Log-in fejler", detected: dt.datetime = NOW
) -> str:
    """An incident reported by Aarhus (the cast's authority) now; 40 % affected is priority 1."""
    impact = Impact(users_affected_percent=40)
    new = NewIncident("borger-dk", title, "Ingen kan logge ind", impact, detected_at=detected)
    incident = open_incident(session, cast.authority.user, new)
    session.commit()
    return incident.key


def hand_over(session: Session, cast: Cast, key: str, note: str | None = None) -> None:
    incident = incident_named(session, key)
    transitions.hand_over(session, cast.operator.user, incident, party="supplier-a", note=note)
    session.commit()


def incident_named(session: Session, key: str) -> Incident:
    found = session.query(Incident).filter_by(key=key).one()
    session.refresh(found)
    return found


def url(key: str) -> str:
    return f"/desk/incidents/{key}"


def open_page(client: TestClient, member: Member, key: str, **params: str) -> httpx.Response:
    sign_in(client, member, next="/account/password")
    return client.get(url(key), params=params)


def main_text(html: str) -> str:
    return text_of(html[html.index("<main") : html.index("</main>")])


def send(
    client: TestClient, key: str, path: str, data: dict[str, str], *, htmx: bool = False
) -> httpx.Response:
    """Post one of the page's forms, with the page's CSRF token and revision."""
    page = client.get(url(key))
    assert page.status_code == 200, page.text
    form = {"csrf": hidden(page.text, "csrf"), **data}
    if path != "notes" and "revision" not in data:
        form["revision"] = hidden(page.text, "revision")
    return client.post(
        f"{url(key)}/{path}", data=form, headers=HTMX if htmx else {}, follow_redirects=False
    )


def forms_of(html: str) -> set[str]:
    """The ids of the action forms on the page."""
    return set(re.findall(r'<form method="post" action="[^"]*" [^>]*id="form-([a-z_]+)"', html))


# The facts, the timers and their explanation


def test_the_page_shows_the_facts_in_local_time(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    page = open_page(client, cast.operator, key)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = main_text(page.text)
    assert f"{key} · Log-in fejler" in text
    assert "Tjeneste Borger.dk" in text
    assert "Status registreret" in text
    assert "Prioritet 1 Kritisk" in text
    # The suggestion's reason in Danish (suggestion_reason_da), as the reporter's facts gave it.
    assert "prioritet 1 (Kritisk): mere end 20 % af brugerne er ramt" in text
    assert "Berørte brugere 40 %" in text
    assert "Anmelder ikke oplyst, Aarhus Kommune" in text
    assert "Part ingen endnu" in text
    assert "Deklarationsversion 1.0" in text
    # 16:25 in Copenhagen, 14:25 in UTC: the page says the local time only.
    assert "Opdaget 22. maj 2026 16.25" in text
    assert "Registreret 22. maj 2026 16.25" in text
    assert "14.25" not in text
    assert '<time datetime="2026-05-22T16:25:00+02:00">' in page.text
    assert f'href="/desk/majors/{key}"' in page.text  # priority 1 is a major incident
    assert 'href="/desk"' in page.text


def test_the_explanation_names_the_weekend_and_the_holidays_it_skips(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    page = open_page(client, cast.operator, key)
    reaction = page.text[
        page.text.index('id="timer-reaction"') : page.text.index('id="timer-resolution"')
    ]
    text = text_of(reaction)
    assert "Reaktionstid i tide 15 min tilbage" in text
    assert "Mål: 15 min (primær driftstid)" in text
    assert "3 dage uden driftstid sprunget over" in text
    assert "Tælles i primær driftstid fra 22. maj 2026 16.25." in text
    assert "talt med 22. maj 2026 16.25 22. maj 2026 16.30 5 min 5 min" in text
    assert "lukket, sprunget over 22. maj 2026 16.30 26. maj 2026 08.30" in text
    assert "dag uden driftstid lørdag den 23. maj 2026" in text
    assert "dag uden driftstid Pinsedag, søndag den 24. maj 2026" in text
    assert "dag uden driftstid Anden pinsedag, mandag den 25. maj 2026" in text
    assert "talt med 26. maj 2026 08.30 26. maj 2026 08.40 10 min 15 min" in text
    assert "Frist: 26. maj 2026 08.40" in text
    assert "<details" in reaction
    assert "<summary>" in reaction


def test_the_page_in_english(client: TestClient, cast: Cast, session: Session) -> None:
    key = report(session, cast)
    page = open_page(client, cast.operator, key, lang="en")
    text = main_text(page.text)
    assert "State registered" in text
    assert "Channel API" in text
    assert "Responsible the agency" in text
    assert "priority 1 (Critical): more than 20 % of users affected" in text
    assert "Reaction time" in text
    assert "Reaktionstid" not in text
    assert "day without service hours Saturday, 23 May 2026" in text
    assert "Anden pinsedag, Monday, 25 May 2026" in text  # a holiday keeps its own name
    assert "Detected 22 May 2026 16:25" in text
    assert "Hand over to a party" in text
    assert "Overdrag" not in text
    hand_over(session, cast, key)
    text = main_text(client.get(url(key), params={"lang": "en"}).text)
    assert "State handed over" in text
    assert "State registered handed over" in text  # the timeline, before and after
    assert "handed_over" not in text


def test_the_timeline_says_who_when_and_what_changed(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    hand_over(session, cast, key, note="Sendt til leverandøren")
    page = open_page(client, cast.operator, key)
    text = main_text(page.text)
    timeline = text[text.index("Tidslinje") :]
    assert "Anmeldt authority@aarhus.example · registreret 22. maj 2026 16.25" in timeline
    assert "Overdraget operator@digst.example · registreret 22. maj 2026 16.25" in timeline
    assert "Status registreret overdraget" in timeline  # before → after
    assert "Part supplier-a" in timeline
    assert "Sendt til leverandøren Intern note" in timeline


def test_an_entry_made_afterwards_shows_when_it_happened(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast, detected=NOW - dt.timedelta(minutes=30))
    open_page(client, cast.operator, key)
    later = NOW + dt.timedelta(minutes=3)
    with_time = {"to": "handed_over", "party": "supplier-a", "at": later.strftime("%Y-%m-%dT%H:%M")}
    # The page's clock stands at NOW; an entry for three minutes later lies in the future.
    refused = send(client, key, "transitions", with_time)
    assert refused.status_code == 422
    assert 'id="handed_over-at-error"' in refused.text
    assert "ligger i fremtiden" in text_of(refused.text)
    earlier = {"to": "handed_over", "party": "supplier-a", "at": "2026-05-22T16:05"}
    assert send(client, key, "transitions", earlier).status_code == 303
    text = main_text(client.get(url(key)).text)
    assert (
        "Overdraget operator@digst.example · registreret 22. maj 2026 16.25 · "
        "skete 22. maj 2026 16.05" in text
    )
    # Detected at 15:55, handed over at 16:05: ten of the fifteen minutes used (R7.2).
    assert "Reaktionstid overholdt" in text
    assert "10 min brugt af 15 min" in text


# The actions


def test_hand_over_without_javascript_answers_303_and_the_page_shows_it(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    open_page(client, cast.operator, key)
    answer = send(client, key, "transitions", {"to": "handed_over", "party": "supplier-a"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{url(key)}?done=handed_over"
    page = client.get(answer.headers["location"])
    text = main_text(page.text)
    assert "Hændelsen er overdraget." in text
    assert "Status overdraget" in text
    assert "Part Supplier A" in text
    assert incident_named(session, key).state == "handed_over"
    # The reaction clock stopped at the hand-over (R7.2).
    assert "Reaktionstid overholdt" in text


def test_a_form_answers_in_place_for_htmx(client: TestClient, cast: Cast, session: Session) -> None:
    key = report(session, cast)
    open_page(client, cast.operator, key)
    answer = send(
        client, key, "transitions", {"to": "handed_over", "party": "supplier-a"}, htmx=True
    )
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<div id="incident"')
    assert "<html" not in answer.text
    assert "<nav" not in answer.text
    text = text_of(answer.text)
    assert "Hændelsen er overdraget." in text
    assert "Status overdraget" in text  # facts
    assert "Reaktionstid overholdt" in text  # timers
    assert "Overdraget operator@digst.example" in text  # timeline
    assert forms_of(answer.text) == {"handed_over", "resolved", "cancelled", "priority", "note"}
    assert hidden(answer.text, "revision") == str(incident_named(session, key).revision)


def test_a_full_page_for_a_plain_get_and_the_incident_part_for_htmx(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    whole = open_page(client, cast.operator, key)
    part = client.get(url(key), headers=HTMX)
    assert "<html" in whole.text
    assert 'id="incident"' in whole.text
    assert "<html" not in part.text
    assert part.text.lstrip().startswith('<div id="incident"')


def test_resolve_close_and_reopen(client: TestClient, cast: Cast, session: Session) -> None:
    key = report(session, cast)
    hand_over(session, cast, key)
    open_page(client, cast.operator, key)
    assert (
        send(client, key, "transitions", {"to": "resolved", "note": "Genstartet"}).status_code
        == 303
    )
    assert incident_named(session, key).state == "resolved"
    assert forms_of(client.get(url(key)).text) == {"closed", "reopened", "priority", "note"}
    assert send(client, key, "transitions", {"to": "reopened"}).status_code == 303
    reopened = incident_named(session, key)
    assert (reopened.state, reopened.party.key if reopened.party else None) == (
        "handed_over",
        "supplier-a",
    )
    send(client, key, "transitions", {"to": "resolved"})
    assert send(client, key, "transitions", {"to": "closed"}).status_code == 303
    page = client.get(url(key))
    assert "Status lukket" in main_text(page.text)
    assert forms_of(page.text) == {"priority", "note"}


def test_a_reopened_timer_explains_the_rest_of_its_target(
    client: TestClient, cast: Cast, session: Session, frozen: time_machine.Coordinates
) -> None:
    key = report(session, cast)
    hand_over(session, cast, key)
    incident = incident_named(session, key)
    frozen.move_to(NOW + dt.timedelta(minutes=10))  # 16:35: five minutes of primary time used
    transitions.resolve(session, cast.operator.user, incident)
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    transitions.reopen(session, cast.operator.user, incident)
    session.commit()
    page = open_page(client, cast.operator, key)
    resolution = text_of(page.text[page.text.index('id="timer-resolution"') :])
    # R7.4: the resolution clock continues where it stopped, with 235 of its 240 minutes left.
    assert "5 min blev brugt, før hændelsen blev genåbnet (R7.4)." in resolution
    assert "Tælles i primær driftstid fra 22. maj 2026 16.40." in resolution
    assert "talt med 26. maj 2026 08.30 26. maj 2026 12.25 3 t 55 min 4 t" in resolution


def test_cancel_with_a_reason(client: TestClient, cast: Cast, session: Session) -> None:
    key = report(session, cast)
    open_page(client, cast.operator, key)
    answer = send(client, key, "transitions", {"to": "cancelled", "reason": "Dublet af en anden"})
    assert answer.status_code == 303
    text = main_text(client.get(url(key)).text)
    assert "Status annulleret" in text
    assert "Begrundelse Dublet af en anden" in text


def test_change_the_priority_with_a_reason(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    open_page(client, cast.operator, key)
    answer = send(
        client, key, "priority", {"priority": "2", "priority_reason": "Kun ét login berørt"}
    )
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("?done=priority")
    text = main_text(client.get(answer.headers["location"]).text)
    assert "Prioriteten er ændret." in text
    assert "Prioritet 2 Høj Begrundelse: Kun ét login berørt" in text
    assert "Prioritet ændret" in text  # on the timeline
    assert incident_named(session, key).priority == 2


def test_notes_internal_and_shared(client: TestClient, cast: Cast, session: Session) -> None:
    key = report(session, cast)
    hand_over(session, cast, key)
    open_page(client, cast.supplier, key)
    internal = {"note": "Databasen genstartes", "note_visibility": "internal"}
    assert send(client, key, "notes", internal).status_code == 303
    shared = {"note": "Forventet løst kl. 18", "note_visibility": "shared"}
    assert send(client, key, "notes", shared, htmx=True).status_code == 200
    supplier_sees = main_text(client.get(url(key)).text)
    assert "Databasen genstartes Intern note" in supplier_sees
    assert "Forventet løst kl. 18 Delt med den anmeldende myndighed" in supplier_sees
    authority = TestClient(client.app)
    authority_sees = main_text(open_page(authority, cast.authority, key).text)
    assert "Forventet løst kl. 18" in authority_sees
    assert "Databasen genstartes" not in authority_sees  # internal notes stay with the desk


# Refusals, in Danish, at the field


@pytest.mark.parametrize(
    ("path", "data", "status", "field", "danish"),
    [
        (
            "transitions",
            {"to": "cancelled", "reason": " "},
            422,
            "cancelled-reason",
            "angiv, hvorfor",
        ),
        (
            "priority",
            {"priority": "2", "priority_reason": ""},
            422,
            "priority-priority_reason",
            "skal udfyldes, når prioriteten ændres (R6.5)",
        ),
        (
            "priority",
            {"priority": "7", "priority_reason": "x"},
            422,
            "priority-priority",
            "7 er ikke",
        ),
        ("notes", {"note": ""}, 422, "note-note", "Udfyld feltet."),
        (
            "transitions",
            {"to": "handed_over", "party": "aarhus"},
            422,
            "handed_over-party",
            "aarhus er en myndighed",
        ),
        (
            "transitions",
            {"to": "cancelled", "reason": "x" * 2001},
            422,
            "cancelled-reason",
            "Brug højst 2000 tegn.",
        ),
    ],
)
def test_a_refusal_shows_at_its_field_in_danish(
    client: TestClient,
    cast: Cast,
    session: Session,
    path: str,
    data: dict[str, str],
    status: int,
    field: str,
    danish: str,
) -> None:
    key = report(session, cast)
    open_page(client, cast.operator, key)
    revision = incident_named(session, key).revision
    for htmx in (False, True):
        answer = send(client, key, path, data, htmx=htmx)
        assert answer.status_code == status, answer.text
        assert f'id="{field}-error"' in answer.text
        assert danish in text_of(answer.text)
        assert ("<html" in answer.text) is not htmx
    assert incident_named(session, key).revision == revision  # nothing changed


def test_a_step_the_state_does_not_allow_is_refused_in_danish(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    open_page(client, cast.operator, key)
    answer = send(client, key, "transitions", {"to": "closed"})
    assert answer.status_code == 409
    text = text_of(answer.text)
    assert f"{key} er registreret, så trinnet »lukket« er ikke muligt" in text
    assert "tilladt for dig nu: overdraget, annulleret" in text


def test_a_stale_form_is_refused_and_changes_nothing(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    page = open_page(client, cast.operator, key)
    stale = hidden(page.text, "revision")
    hand_over(session, cast, key)  # someone else, meanwhile
    answer = send(
        client, key, "transitions", {"to": "handed_over", "party": "supplier-b", "revision": stale}
    )
    assert answer.status_code == 409
    assert "blev ændret af en anden, mens du havde den åben" in text_of(answer.text)
    assert incident_named(session, key).party.key == "supplier-a"  # type: ignore[union-attr]


def test_an_unknown_incident_is_a_page_that_says_so(client: TestClient, cast: Cast) -> None:
    answer = open_page(client, cast.operator, "BDK-2026-9999")
    assert answer.status_code == 404
    assert "Ingen sådan hændelse" in answer.text


# Who sees what, and who may do what


def test_a_viewer_sees_everything_and_no_form(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    hand_over(session, cast, key, note="Intern besked")
    page = open_page(client, cast.viewer, key)
    assert page.status_code == 200
    assert forms_of(page.text) == set()
    assert "Hvad du kan gøre" not in page.text
    text = main_text(page.text)
    assert "Intern besked" in text  # the desk's readers read internal notes
    assert "authority@aarhus.example" in text
    csrf = hidden(page.text, "csrf")
    revision = incident_named(session, key).revision
    for path, data in (
        ("transitions", {"to": "resolved"}),
        ("priority", {"priority": "2", "priority_reason": "x"}),
        ("notes", {"note": "x"}),
    ):
        answer = client.post(f"{url(key)}/{path}", data={"csrf": csrf, **data})
        assert answer.status_code == 403
        assert "Ingen adgang" in answer.text
    assert incident_named(session, key).revision == revision


def test_a_supplier_sees_only_what_is_handed_to_it(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    other = TestClient(client.app)
    assert open_page(other, cast.supplier, key).status_code == 404  # not handed over yet
    hand_over(session, cast, key)
    page = open_page(other, cast.supplier, key)
    assert page.status_code == 200
    assert forms_of(page.text) == {"resolved", "note"}
    outsider = TestClient(client.app)
    missing = open_page(outsider, cast.other_supplier, key)
    assert missing.status_code == 404
    assert "Log-in fejler" not in missing.text
    # Posting to it is the same 404, and changes nothing.
    csrf = hidden(missing.text, "csrf")
    refused = outsider.post(f"{url(key)}/transitions", data={"csrf": csrf, "to": "resolved"})
    assert refused.status_code == 404
    assert incident_named(session, key).state == "handed_over"


def test_a_supplier_resolves_what_is_handed_to_it(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    hand_over(session, cast, key)
    open_page(client, cast.supplier, key)
    refused = send(client, key, "transitions", {"to": "handed_over", "party": "supplier-b"})
    assert refused.status_code == 403
    assert "din rolle (leverandør) må ikke" in text_of(refused.text)
    assert send(client, key, "transitions", {"to": "resolved"}).status_code == 303
    assert incident_named(session, key).state == "resolved"


def test_an_authority_sees_only_its_own_reports_and_may_withdraw_them(
    client: TestClient, cast: Cast, session: Session
) -> None:
    key = report(session, cast)
    odense = TestClient(client.app)
    assert open_page(odense, cast.other_authority, key).status_code == 404
    page = open_page(client, cast.authority, key)
    assert forms_of(page.text) == {"cancelled"}
    assert 'name="note_visibility" value="shared"' in page.text  # it reads no internal notes
    answer = send(client, key, "transitions", {"to": "cancelled", "reason": "Fejl hos os selv"})
    assert answer.status_code == 303
    assert incident_named(session, key).state == "cancelled"


# Speed: a fixed number of statements, however long the history


def test_the_page_reads_a_fixed_number_of_statements(
    client: TestClient, cast: Cast, session: Session
) -> None:
    short, long = report(session, cast, title="Kort"), report(session, cast, title="Lang")
    for key in (short, long):
        hand_over(session, cast, key)
    incident = incident_named(session, long)
    actors = (cast.operator.user, cast.supplier.user, cast.admin.user)
    for number in range(27):
        visibility = NoteVisibility.shared if number % 2 else NoteVisibility.internal
        add_note(
            session, actors[number % 3], incident, note=f"Note {number}", visibility=visibility
        )
    session.commit()
    counts = {}
    for member in (cast.operator, cast.supplier, cast.authority):
        reader = TestClient(client.app)
        for key in (short, long):
            open_page(reader, member, key)
            with statements(session) as sent:
                assert reader.get(url(key)).status_code == 200
            counts[member.user.role, key] = len(sent)
    # The signed-in user; the incident with its service, version and organisations, and its
    # timers; the events, their actors and the actors' organisations; and for the desk, which
    # may hand it over, the organisations it may go to.
    expected = {Role.operator: 7, Role.supplier: 6, Role.authority: 6}
    assert counts == {(role, key): expected[role] for role, key in counts}, counts
