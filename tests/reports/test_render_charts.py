"""The charts: SVG text to inline, accessible, the same bytes for the same figures, and
fit for a page whose Content-Security-Policy refuses inline styles."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from stabil.reports.render.charts import Bar, Series, trend_chart, uptime_chart

SVG = "{http://www.w3.org/2000/svg}"
BARS = [Bar("Primær driftstid", 99.55, 99.7), Bar("Sekundær driftstid", None, 99.7)]
PERIODS = ["2026-09", "2026-10", "2026-11"]


def test_the_uptime_chart_is_inline_svg_with_its_title() -> None:
    svg = str(uptime_chart(BARS, "da"))
    root = ET.fromstring(svg)  # one well-formed element, no XML prolog or doctype
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "uptime-title"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Oppetid pr. driftsperiode mod målet"
    assert "99,55 %" in svg  # the bar's own figure, Danish
    assert "ingen data" in svg  # the period that measured nothing


def test_a_chart_has_no_style_sheet_or_style_attribute() -> None:
    svg = str(uptime_chart(BARS, "en"))
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'fill="#0059b3"' in svg  # the measured bar, in the design system's blue


def test_two_charts_share_no_id() -> None:
    first = str(uptime_chart(BARS, "en", chart_id="a"))
    second = str(trend_chart(PERIODS, [Series("x", [1, 2, 3])], [], "en", chart_id="b"))
    ids = re.findall(r'\bid="([^"]+)"', first) + re.findall(r'\bid="([^"]+)"', second)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'(?:url\(#|href="#)([^)"]+)', first):
        assert reference.startswith("a-")


def test_the_same_figures_give_the_same_bytes() -> None:
    def draw() -> str:
        shares = [Series("Reaktion", [80.0, None, 95.0])]
        uptime = [Series("Primær", [99.9, 99.8, 99.95])]
        return str(trend_chart(PERIODS, shares, uptime, "da"))

    assert draw() == draw()
    assert "Nøgletal for de seneste 12 måneder" in draw()
