"""The report as HTML: every section, every miss linked to its incident, local times and
Danish numbers, words where a section is empty, and a dash where nothing was measured."""

from __future__ import annotations

import re

import pytest

from stabil.rendering import render_page
from stabil.reports.model import Report
from stabil.reports.render.html import body_context, report_html, style_sheet
from tests.reports.sample import empty_report, report

SECTIONS = (
    "reaction",
    "resolution",
    "goals",
    "start-time",
    "misses",
    "availability",
    "orientation",
    "windows",
    "majors",
    "review-meetings",
    "releases",
    "escalations",
    "backlog",
    "response-times",
    "penalties",
    "trends",
)


@pytest.fixture(scope="module")
def danish() -> str:
    return report_html(report(), "da", link_base="https://stabil.example.dk/")


@pytest.fixture(scope="module")
def english() -> str:
    return report_html(report(), "en")


def test_the_document_stands_alone_with_every_section(danish: str) -> None:
    assert danish.startswith("<!doctype html>")
    assert '<html lang="da">' in danish
    assert "<style>" in danish
    assert ".report-document" in danish
    assert "<link" not in danish
    assert "<script" not in danish
    for section in SECTIONS:
        assert f'<section class="report-section" id="{section}"' in danish, section
    assert "<h1>Borger.dk: november 2026</h1>" in danish
    assert "Månedlig opfølgning på it-drift" in danish


def test_the_header_names_the_period_version_and_when_in_local_time(danish: str) -> None:
    assert "1. november 2026 – 30. november 2026" in danish
    assert "<dd>3.2</dd>" in danish
    # Generated 07:30 UTC on 1 December, which is 08:30 in Copenhagen.
    assert "1. december 2026 kl. 08.30" in danish
    assert "kl. 07.30" not in danish


def test_every_missed_timer_is_listed_with_its_incident_due_stop_and_overrun(danish: str) -> None:
    rows = re.findall(r'<tr class="report-miss">(.*?)</tr>', danish, re.S)
    assert len(rows) == 4  # two reaction misses and two resolution misses
    first = rows[0]
    assert 'href="https://stabil.example.dk/desk/incidents/BDK-2026-0102"' in first
    assert "Reaktion" in first
    assert "5. november 2026 kl. 11.00" in first  # due: started 10.00 local, 60 minutes
    assert "5. november 2026 kl. 11.35" in first  # stopped
    assert "35 min" in first
    running = rows[-1]
    assert "BDK-2026-0105" in running
    assert "løber stadig" in running


def test_links_are_relative_without_a_base(english: str) -> None:
    assert 'href="/desk/incidents/BDK-2026-0102"' in english


def test_numbers_have_a_decimal_comma_in_danish_and_a_point_in_english(
    danish: str, english: str
) -> None:
    assert "99,55\u00a0%" in danish
    assert "99.55\u00a0%" not in danish
    assert "99.55\u00a0%" in english
    assert "November 2026" in english
    assert "5 November 2026, 11:35" in english


def test_availability_lists_every_figure_of_each_service_period(danish: str) -> None:
    section = _section(danish, "availability")
    assert "Primær driftstid" in section
    assert "Sekundær driftstid" in section
    assert "≥&nbsp;99,7\u00a0%" in section
    assert "45 min" in section  # downtime
    assert "10 min" in section  # unknown
    assert "2 t" in section  # excluded
    assert "1 t 19 min" in section  # budget left of the secondary period


def test_windows_show_each_broken_window_with_its_problems(danish: str) -> None:
    section = _section(danish, "windows")
    assert "Akut sikkerhedsrettelse" in section
    assert "5 working days are required" in section
    assert "Opdatering af database" not in section  # it kept the rules


def test_escalations_and_the_backlog_are_named_in_words(danish: str) -> None:
    assert "funktionel, overskridelse" in _section(danish, "escalations")
    backlog = _section(danish, "backlog")
    assert "1-7 dage gamle" in backlog
    assert "Æble på øen" in backlog


def test_majors_show_their_review_state(danish: str) -> None:
    section = _section(danish, "majors")
    assert "BDK-2026-0104" in section
    assert "modtaget" in section


def test_charts_are_inline_svg_with_a_title(danish: str) -> None:
    assert danish.count('<svg class="chart-svg" role="img"') == 2
    assert '<title id="uptime-title">' in danish
    assert '<title id="trends-title">' in danish
    assert "<?xml" not in danish


def test_an_empty_month_says_so_in_words(empty: str) -> None:
    assert "Ingen hændelser i perioden" in empty
    assert "Ingen overskredne frister i perioden" in empty
    assert "Ingen major incidents i perioden" in empty
    assert "Ingen releases i perioden" in empty
    assert "Ingen evalueringsmøder holdt eller planlagt i perioden" in empty
    reaction = _section(empty, "reaction")
    assert "–" in reaction
    assert "ingen frister afgjort" in reaction
    assert "ingen data" in reaction
    for absent in ("penalties", "response-times", "trends", "goals"):
        assert f'id="{absent}"' not in empty


def test_the_same_report_gives_the_same_document(danish: str) -> None:
    assert report_html(report(), "da", link_base="https://stabil.example.dk/") == danish


def test_the_body_renders_alone_for_a_desk_page() -> None:
    body = render_page("reports/_report_body.html", body_context(report(), "da"), "da")
    assert "<html" not in body
    assert '<details class="evidence">' in body  # folded on a page, open in a document
    assert 'href="/desk/incidents/BDK-2026-0102"' in body


@pytest.fixture(scope="module")
def empty() -> str:
    return report_html(empty_report(), "da")


def _section(html: str, name: str) -> str:
    found = re.search(rf'<section class="report-section" id="{name}".*?</section>', html, re.S)
    assert found is not None, name
    return found[0]


def test_a_report_read_back_from_its_json_renders_the_same(danish: str) -> None:
    # Evidence read from JSON holds its times as ISO text; they are shown as times still.
    again = Report.model_validate(report().contract())
    assert isinstance(again.evidence["reaction"][0]["due_at"], str)
    assert report_html(again, "da", link_base="https://stabil.example.dk/") == danish


def test_a_weekly_report_is_named_by_its_week() -> None:
    weekly = report_html(report(kind="week", period="2026-W46"), "da")
    assert "<h1>Borger.dk: uge 46 2026</h1>" in weekly
    assert "KPI-rapport for ugen" in weekly
    assert "week 46 of 2026" in report_html(report(kind="week", period="2026-W46"), "en")


def test_the_style_sheet_styles_only_the_reports_own_elements() -> None:
    # A desk page links it beside the app's styles, which it must leave as they are.
    rules = re.sub(r"/\*.*?\*/", "", style_sheet(), flags=re.S)
    selectors = re.findall(r"([^{}]+)\{", rules)
    for selector in selectors:
        if selector.strip().startswith("@media"):
            continue
        for part in selector.split(","):
            assert part.strip().startswith((".report-", ".chart-svg")), part
