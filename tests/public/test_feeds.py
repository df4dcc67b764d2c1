"""The Atom feeds of the status channel, parsed back with feedparser (R9.3, R9.5, R10.1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import feedparser
import pytest

from stabil.public.feeds import LIMIT, feed_files
from stabil.public.site import ATOM
from stabil.public.snapshot import ServiceStatus, Texts
from tests.public.snapshots import (
    BASE_URL,
    CPH,
    at,
    borger_dk,
    login_down,
    message,
    slow_spell,
    update,
)

FEED = "status/borger-dk/feed.atom"
FEED_EN = "en/status/borger-dk/feed.atom"
TAG = "tag:status.example.dk,2026:"
SCRIPT = "Første <script>alert(2)</script>\n\nAnden"


def rendered(status: ServiceStatus | None = None) -> dict[str, bytes]:
    return {file.path: file.body for file in feed_files(status or borger_dk(), BASE_URL)}


def parsed(body: bytes) -> Any:
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def ids(body: bytes) -> list[str]:
    return [entry.id for entry in parsed(body).entries]


def test_a_feed_per_service_and_per_part_in_danish_and_english() -> None:
    files = feed_files(borger_dk(), BASE_URL)
    parts = ["front_page", "login", "self_service", "article_import"]
    expected = [
        f"{prefix}status/borger-dk{folder}/feed.atom"
        for prefix in ("", "en/")
        for folder in ["", *(f"/parts/{part}" for part in parts)]
    ]
    assert [file.path for file in files] == expected
    assert {file.media_type for file in files} == {ATOM}


def test_every_entry_of_every_timeline_is_an_entry_newest_first() -> None:
    feed = parsed(rendered()[FEED])
    got = [entry.id.removeprefix(TAG) for entry in feed.entries]
    assert got == [
        "status/borger-dk/messages/11/updates/112",
        "status/borger-dk/messages/11/updates/111",
        "status/borger-dk/messages/12/updates/121",
        "status/borger-dk/messages/7/updates/73",
        "status/borger-dk/messages/7/updates/72",
        "status/borger-dk/messages/7/updates/71",
        "status/borger-dk/messages/5/updates/52",
        "status/borger-dk/messages/5/updates/51",
    ]
    assert feed.feed.id == TAG + "status/borger-dk/feed"
    assert feed.feed.updated == "2026-12-02T09:40:00+01:00"  # the newest entry's time


def test_an_entry_says_what_it_is_when_and_links_to_the_message() -> None:
    first, second = parsed(rendered()[FEED]).entries[:2]
    assert first.title == "Log-in med MitID virker ikke (opdateret)"
    assert second.title == "Log-in med MitID virker ikke (ny)"
    assert first.updated == first.published == "2026-12-02T09:40:00+01:00"
    assert first.link == f"{BASE_URL}/status/borger-dk/messages/11"
    assert [(tag.term, tag.label) for tag in first.tags] == [("unavailable", "Utilgængelig")]
    resolved = parsed(rendered()[FEED]).entries[3]
    assert resolved.title == "Lange svartider (løst)"


def test_the_newest_entry_of_a_message_tells_who_is_affected_the_cause_and_horizon() -> None:
    newest, older = parsed(rendered()[FEED]).entries[:2]
    text = newest.content[0].value
    assert "<p>Fejlen er fundet.</p>" in text
    for fact in (
        "<strong>Berørte dele:</strong> Log-in med MitID",
        "<strong>Berørte brugere:</strong> Alle borgere, der logger ind",
        "<strong>Årsag:</strong> Fejl hos MitID-broker",
        "<strong>Forventet horisont:</strong> Forventes løst inden frokost, 2. dec. 2026 12.00",
    ):
        assert fact in text
    # What is known now is not dated back to the posting.
    assert older.content[0].value == "<p>Vi undersøger fejlen.</p>"


def test_the_ids_stay_the_same_from_one_publication_to_the_next() -> None:
    before = rendered()
    assert rendered() == before  # the same snapshot, the same bytes
    news = dataclasses.replace(
        login_down(), updates=[*login_down().updates, update(113, "updated", at(2, 10, 15))]
    )
    later = borger_dk(
        generated_at=at(2, 10, 20),
        active=[news],
        messages=[news, slow_spell()],
    )
    after = rendered(later)
    new_ids = ids(after[FEED])
    assert new_ids[0] == TAG + "status/borger-dk/messages/11/updates/113"
    assert new_ids[1:3] == ids(before[FEED])[:2]
    assert len(set(new_ids)) == len(new_ids)


def test_the_snapshot_time_alone_changes_no_byte() -> None:
    assert rendered(borger_dk(generated_at=at(3, 7))) == rendered()


def test_a_parts_feed_holds_its_messages_and_those_about_the_whole_service() -> None:
    files = rendered()

    def messages(part: str) -> list[str]:
        body = files[f"status/borger-dk/parts/{part}/feed.atom"]
        return sorted({i.removeprefix(TAG).split("/")[3] for i in ids(body)})

    assert messages("login") == ["11", "12", "7"]
    assert messages("self_service") == ["12", "5", "7"]
    assert messages("front_page") == ["12", "7"]
    part_feed = parsed(files["status/borger-dk/parts/login/feed.atom"]).feed
    assert part_feed.title == "Driftsstatus for Borger.dk – Log-in med MitID"
    assert part_feed.id == TAG + "status/borger-dk/parts/login/feed"
    self_link = [link.href for link in part_feed.links if link.rel == "self"]
    assert self_link == [f"{BASE_URL}/status/borger-dk/parts/login/feed.atom"]


def test_the_english_feed_is_english_throughout() -> None:
    danish, english = parsed(rendered()[FEED]), parsed(rendered()[FEED_EN])
    assert (danish.feed.language, english.feed.language) == ("da", "en")
    assert english.feed.title == "Operational status of Borger.dk"
    first = english.entries[0]
    assert first.title == "Log-in with MitID does not work (updated)"
    assert first.id == TAG + "en/status/borger-dk/messages/11/updates/112"
    assert first.link == f"{BASE_URL}/en/status/borger-dk/messages/11"
    assert first.content[0].value.startswith("<p>Found it.</p>")
    assert "<strong>Cause:</strong>" in first.content[0].value
    assert [(tag.term, tag.label) for tag in first.tags] == [("unavailable", "Unavailable")]
    links = [link.href for link in english.feed.links]
    assert links == [f"{BASE_URL}/en/status/borger-dk", f"{BASE_URL}/{FEED_EN}"]


def test_danish_stands_in_where_there_is_no_english() -> None:
    only_danish = message(
        20,
        title=Texts("Kun på dansk"),
        updates=[update(201, "posted", at(2, 10), body=Texts("Dansk tekst."))],
    )
    feed = parsed(rendered(borger_dk(active=[only_danish], messages=[]))[FEED_EN])
    assert feed.entries[0].title == "Kun på dansk (new)"
    assert feed.entries[0].content[0].value.startswith("<p>Dansk tekst.</p>")


def test_texts_are_escaped_never_markup() -> None:
    hostile = message(
        30,
        title=Texts("<script>alert(1)</script> & co"),
        affected=["<b>Log-in</b>"],
        cause='"><img src=x onerror=alert(1)>',
        updates=[
            update(
                301, "posted", at(2, 10), body=Texts("Første <script>alert(2)</script>\n\nAnden")
            ),
        ],
    )
    body = rendered(borger_dk(active=[hostile], messages=[]))[FEED]
    assert b"<script" not in body
    assert b"<img" not in body
    assert b"<b>" not in body
    entry = parsed(body).entries[0]
    assert entry.title == "<script>alert(1)</script> & co (ny)"  # text, as written
    html = entry.content[0].value
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<p>Første &lt;script&gt;alert(2)&lt;/script&gt;</p>\n<p>Anden</p>" in html
    assert "&lt;b&gt;Log-in&lt;/b&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_characters_xml_cannot_hold_are_dropped_not_fatal() -> None:
    odd = message(
        31,
        title=Texts("Form\x0cfeed"),
        updates=[update(311, "posted", at(2, 10), body=Texts("Bell\x07 and tab\tstay"))],
    )
    entry = parsed(rendered(borger_dk(active=[odd], messages=[]))[FEED]).entries[0]
    assert entry.title == "Formfeed (ny)"
    assert entry.content[0].value.startswith("<p>Bell and tab\tstay</p>")


def test_a_feed_holds_the_newest_entries_only() -> None:
    many = message(
        40,
        updates=[
            update(400 + n, "posted" if n == 0 else "updated", at(1, 8) + dt.timedelta(minutes=n))
            for n in range(LIMIT + 10)
        ],
    )
    feed = parsed(rendered(borger_dk(active=[login_down()], messages=[many]))[FEED])
    assert len(feed.entries) == LIMIT == 50
    got = [entry.id.rsplit("/", 1)[1] for entry in feed.entries]
    # The two of message 11 are the newest; then message 40's newest 48, down to 412.
    assert got[:3] == ["112", "111", str(400 + LIMIT + 9)]
    assert got[-1] == str(400 + LIMIT + 10 - 48)


@pytest.mark.parametrize(
    ("when", "offset"),
    [(at(2, 9, 5), "+01:00"), (at(1, 9, 5, month=7), "+02:00")],
    ids=["winter", "summer"],
)
def test_times_are_rfc_3339_with_the_zones_offset(when: dt.datetime, offset: str) -> None:
    news = message(50, updates=[update(501, "posted", when)])
    body = rendered(borger_dk(active=[news], messages=[]))[FEED]
    assert f"<published>{when.astimezone(CPH).isoformat()}</published>".encode() in body
    entry = parsed(body).entries[0]
    assert entry.updated.endswith(offset)
    assert dt.datetime.fromisoformat(entry.updated) == when
    assert entry.updated_parsed is not None


def test_a_feed_without_messages_is_valid_and_stays_the_same() -> None:
    quiet = borger_dk(active=[], messages=[])
    files = rendered(quiet)
    assert rendered(quiet) == files
    feed = parsed(files[FEED])
    assert feed.entries == []
    assert dt.datetime.fromisoformat(feed.feed.updated) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
