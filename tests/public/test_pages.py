"""The public pages as files: what they say, in which language, escaped, the same bytes for
the same snapshot (R10.1, R9.3, R9.5, R12.2, R3)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from stabil.outbox.links import app_url
from stabil.public.pages import index_files, page_files
from stabil.public.site import HTML
from stabil.public.snapshot import PublicState, Texts
from tests.public.page_sample import HOSTILE, sample_status


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {item.path: item.body.decode() for item in page_files(sample_status())}


def test_every_page_of_the_service_is_a_file_in_both_languages(files: dict[str, str]) -> None:
    pages = [
        "status/borger-dk/index.html",
        "status/borger-dk/archive/index.html",
        "status/borger-dk/archive/2026-03/index.html",
        "status/borger-dk/archive/2026-02/index.html",  # a month per month with messages
        "status/borger-dk/messages/1/index.html",
        "status/borger-dk/messages/2/index.html",
        "status/borger-dk/messages/3/index.html",
    ]
    assert sorted(files) == sorted([*pages, *(f"en/{path}" for path in pages)])
    assert {item.media_type for item in page_files(sample_status())} == {HTML}


def test_the_same_snapshot_gives_the_same_bytes() -> None:
    first = page_files(sample_status()) + index_files([sample_status()])
    assert first == page_files(sample_status()) + index_files([sample_status()])
    # The instant the facts were read is the one time a page shows of its own.
    status = sample_status()
    later = dataclasses.replace(status, generated_at=status.generated_at.replace(minute=16))
    assert page_files(later)[0].body != first[0].body


def test_the_danish_page_tells_the_state_the_parts_and_the_messages_facts(
    files: dict[str, str],
) -> None:
    page = files["status/borger-dk/index.html"]
    assert '<html lang="da">' in page
    assert page.count("<h1") == 1
    assert "Borger.dk er utilgængelig" in page
    for text in ("I drift", "Utilgængelig", "Lange svartider", "Status ukendt"):
        assert f'<span class="state-name">{text}</span>' in page
    assert 'siden <time datetime="2026-03-30T09:40:00+02:00">30. mar. 2026 09.40</time>' in page
    assert "Tæller ikke med i tjenestens oppetid." in page  # the article import (R3.3)
    # R9.3: area, who and how many, cause, horizon; R9.5: the timeline, newest first.
    for fact in (
        "Log-in med MitID",
        "Alle borgere, omkring 40.000 i timen",
        "En fejl hos leverandøren af log-in",
        "Inden for en time",
    ):
        assert fact in page
    assert page.index("Leverandøren genstarter.") < page.index("Vi undersøger.")
    assert "Løst inden for de seneste 7 dage" in page
    assert "Fejl nummer 2" in page


def test_windows_uptime_and_the_90_days_are_on_the_page(files: dict[str, str]) -> None:
    page = files["status/borger-dk/index.html"]
    assert "Opdatering af databasen" in page
    assert "Kommende" in page
    assert '<time datetime="2026-04-04T01:00:00+02:00">4. apr. 2026 01.00</time>' in page
    assert "Oppetid i marts 2026" in page
    assert "<strong>99,81 %</strong>" in page  # 99.8125, cut, not rounded
    assert "2 t 8 min af 2 t 38 min" in page  # what is left of the downtime budget
    assert "18 min 20 sek. for meget" in page
    assert "Ikke opfyldt" in page
    bars = re.findall(r'<rect class="bar bar-(\w+)"', page)
    assert len(bars) == 4 * 90
    assert "<title>11. marts 2026: nedetid, nede i 45 min</title>" in page
    assert "<title>21. marts 2026: lange svartider, langsom i 10 min</title>" in page
    assert "Dag for dag: 3 dage med noget at melde" in page  # the same, in words
    assert "5 dage blev ikke målt." in page


def test_the_page_links_its_feed_json_calendar_archive_and_other_language(
    files: dict[str, str],
) -> None:
    page = files["status/borger-dk/index.html"]
    head = page[: page.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" href="/status/borger-dk/feed.atom"'
        in head
    )
    assert '<link rel="alternate" hreflang="en" href="/en/status/borger-dk">' in head
    for link in (
        "/status/borger-dk/windows.ics",
        "/status/borger-dk.json",
        "/status/borger-dk/archive",
        "/status/borger-dk/parts/login/feed.atom",
    ):
        assert f'href="{link}"' in page
    assert '<a href="/en/status/borger-dk" lang="en" hreflang="en">English</a>' in page
    english = files["en/status/borger-dk/index.html"]
    assert '<a href="/status/borger-dk" lang="da" hreflang="da">Dansk</a>' in english
    assert 'href="/en/status/borger-dk/feed.atom"' in english


def test_the_subscription_form_posts_to_the_app_with_its_fields(files: dict[str, str]) -> None:
    page = files["status/borger-dk/index.html"]
    form = page[page.index("<form") : page.index("</form>")]
    assert f'method="post" action="{app_url("/status/borger-dk/subscribe")}"' in form
    assert 'name="email" type="email" autocomplete="email" required' in form
    assert re.findall(r'name="parts" value="(\w+)"', form) == [
        "front_page",
        "login",
        "self_service",
        "article_import",
    ]
    assert re.findall(r'name="types" value="(\w+)"', form) == [
        "unavailable",
        "slow",
        "service_window",
    ]
    assert '<input type="hidden" name="lang" value="da">' in form
    assert form.count("<legend") == 2
    assert '<label class="form-label" for="subscribe-email">E-mailadresse</label>' in form
    assert 'value="en"' in files["en/status/borger-dk/index.html"]


def test_the_english_pages_speak_english_and_mark_the_danish_they_show(
    files: dict[str, str],
) -> None:
    page = files["en/status/borger-dk/index.html"]
    assert '<html lang="en">' in page
    assert "is unavailable" in page
    assert "Uptime in March 2026" in page
    assert "<strong>99.81 %</strong>" in page
    assert '<span lang="da">Alle borgere, omkring 40.000 i timen</span>' in page
    assert '<span lang="da">Adgang til selvbetjeningsløsninger</span>' in page  # no English name
    assert "The supplier restarts it." in page
    assert "<title>11 March 2026: downtime, down for 45 min</title>" in page


def test_no_english_on_the_danish_pages(files: dict[str, str]) -> None:
    english = ("Operational", "Subscribe", "Uptime", "Last updated", "Service window", "Published")
    for path, page in files.items():
        if not path.startswith("en/"):
            visible = re.sub(r"<[^>]+>", " ", page.replace('lang="en" hreflang="en">English', ""))
            assert not [word for word in english if word in visible], path


def test_what_the_desk_wrote_is_escaped(files: dict[str, str]) -> None:
    for page in files.values():
        assert "<script>alert" not in page
    page = files["status/borger-dk/messages/3/index.html"]
    assert (
        "Log-in virker ikke &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;citater&#34;"
        in page
    )
    assert HOSTILE not in page


def test_no_page_has_an_inline_script_or_style(files: dict[str, str]) -> None:
    for page in files.values():
        assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
        assert " style=" not in page
        assert "<style" not in page


def test_the_archive_lists_the_months_and_a_month_its_messages(files: dict[str, str]) -> None:
    archive = files["status/borger-dk/archive/index.html"]
    assert '<a href="/status/borger-dk/archive/2026-03">Marts 2026</a>' in archive
    assert "2 driftsmeddelelser" in archive
    assert "1 driftsmeddelelse" in archive
    assert "Ny version af forsiden" in archive  # a past window
    month = files["status/borger-dk/archive/2026-03/index.html"]
    assert month.index("/messages/3") < month.index("/messages/2")
    assert "/messages/1" not in month
    message = files["en/status/borger-dk/messages/2/index.html"]
    assert "<h1>Fault number 2</h1>" in message
    assert "Resolved" in message


def test_the_index_lists_every_service_with_its_state() -> None:
    quiet = dataclasses.replace(
        sample_status(),
        key="example-webservice",
        name=Texts("Eksempel", "Example"),
        state=PublicState.operational,
        active=[],
    )
    pages = {item.path: item.body.decode() for item in index_files([sample_status(), quiet])}
    assert sorted(pages) == ["en/status/index.html", "status/index.html"]
    nothing = index_files([])[0].body.decode()
    assert "Ingen tjeneste offentliggør sin driftsstatus endnu." in nothing
    danish = pages["status/index.html"]
    assert danish.index("/status/borger-dk") < danish.index("/status/example-webservice")
    assert "1 aktuel meddelelse" in danish
    assert "I drift" in danish
    assert (
        '<a class="service-name" href="/en/status/example-webservice">Example</a>'
        in pages["en/status/index.html"]
    )
