"""A report's charts as SVG text to inline in its HTML and PDF: uptime per service period
against its target (R3), and the KPIs of up to 12 months (R3, R7.5, R7.6).

Drawn by matplotlib's SVG backend from the object API, never pyplot, so no GUI and no global
figure state. The same report gives the same bytes (the hash salt is fixed and the date left
out). The SVG is rewritten to suit a page served under the app's Content-Security-Policy,
which refuses inline styles: every `style` becomes presentation attributes. Its ids carry a
prefix of the chart's own, as two charts in one page must not share one.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from stabil.reports.render.names import gettext
from stabil.texts import N_

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

# The design system's colours: blue for what was measured, red for what the goal asks,
# grey for what is missing; the words in each chart's title and legend say the same.
BLUE, GREEN, RED, GREY, INK = "#0059b3", "#358000", "#cc0000", "#bfbfbf", "#1a1a1a"
SERIES = ("#0059b3", "#b35900", "#358000", "#6f2da8", "#595959", "#00838f")
_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, and drawn in the page's font
    "svg.hashsalt": "stabil",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.edgecolor": "#747474",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
}
_LOCALES = {"da": "da", "en": "en_GB"}


@dataclass(frozen=True, slots=True)
class Bar:
    """One service period's uptime: `label` is its name, the percentages None without data."""

    label: str
    uptime_percent: float | None
    target_percent: float | None


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per period; None where nothing was measured


def uptime_chart(bars: Sequence[Bar], language: str, *, chart_id: str = "uptime") -> Markup:
    """A bar per service period, its target a red mark across it."""
    text = gettext(language)
    height = 1.0 + 0.55 * max(len(bars), 1)
    with _figure(6.4, height) as figure:
        # Fixed margins rather than a layout engine: it would double the drawing time.
        figure.subplots_adjust(left=0.27, right=0.94, top=0.95, bottom=0.62 / height)
        axes = figure.add_subplot()
        measured = [bar.uptime_percent for bar in bars]
        targets = [bar.target_percent for bar in bars]
        low = _floor([*measured, *targets])
        positions = list(range(len(bars)))
        axes.barh(
            positions,
            [0 if value is None else value - low for value in measured],
            left=low,
            color=[GREY if value is None else BLUE for value in measured],
            height=0.55,
        )
        for position, bar in zip(positions, bars, strict=True):
            if bar.target_percent is not None:
                axes.vlines(bar.target_percent, position - 0.38, position + 0.38, color=RED, lw=2)
            shown = (
                text(N_("no data"))
                if bar.uptime_percent is None
                else _percent(bar.uptime_percent, language)
            )
            axes.annotate(
                shown, (low, position), xytext=(4, 0), textcoords="offset points",
                va="center", color="#ffffff" if bar.uptime_percent is not None else INK,
            )  # fmt: skip
        axes.set_yticks(positions, [bar.label for bar in bars])
        axes.invert_yaxis()
        axes.set_xlim(low, 100)
        axes.xaxis.set_major_formatter(_percent_axis(language))
        axes.set_xlabel(text(N_("Uptime (red mark: target)")))
        title = text(N_("Uptime per service period against its target"))
        return _svg(figure, title, chart_id)


def trend_chart(
    periods: Sequence[str],
    shares: Sequence[Series],
    uptime: Sequence[Series],
    language: str,
    *,
    chart_id: str = "trends",
) -> Markup:
    """Two panels over the same months: the shares met of the timer goals (0-100 %), and the
    uptime per service period, whose scale starts near its lowest value to show any change."""
    text = gettext(language)
    with _figure(6.4, 4.6) as figure:
        figure.subplots_adjust(left=0.1, right=0.98, top=0.94, bottom=0.13, hspace=0.25)
        upper, lower = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        _lines(upper, periods, shares)
        upper.set_ylim(0, 105)
        upper.set_yticks([0, 25, 50, 75, 100])
        _heading(upper, text(N_("Reaction and resolution in time")))
        _lines(lower, periods, uptime)
        low = _floor([v for series in uptime for v in series.values])
        lower.set_ylim(low, 100.05)
        lower.set_yticks([low, (low + 100) / 2, 100])
        _heading(lower, text(N_("Uptime")))
        for axes in (upper, lower):
            axes.yaxis.set_major_formatter(_percent_axis(language, decimals=1))
            axes.grid(axis="y", color="#e0e0e0", lw=0.6)
        lower.set_xticks(range(len(periods)), list(periods), rotation=45, ha="right")
        return _svg(figure, text(N_("Key figures of the last 12 months")), chart_id)


def _lines(axes: Axes, periods: Sequence[str], series: Sequence[Series]) -> None:
    for index, item in enumerate(series):
        # A month without data is a gap in the line, not a fall to zero.
        values = [float("nan") if value is None else value for value in item.values]
        axes.plot(
            range(len(periods)), values, marker="o", ms=3, lw=1.5,
            color=SERIES[index % len(SERIES)], label=item.label,
        )  # fmt: skip
    if series:
        axes.legend(loc="lower left", fontsize=8, ncols=min(len(series), 3))


def _heading(axes: Axes, text: str) -> None:
    # Text at the axes' corner rather than a title: placing a title measures every tick
    # label again, half the drawing time.
    axes.text(0, 1.03, text, transform=axes.transAxes, fontsize=9, va="bottom")


@contextmanager
def _figure(width: float, height: float) -> Iterator[Figure]:
    # matplotlib takes a second or more to import: only a report's drawing pays it, not
    # every command and app start (tests/layering lists the libraries imported late).
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_STYLE):  # type: ignore[arg-type]  # the keys are matplotlib's own
        figure = Figure(figsize=(width, height))
        yield figure


def _floor(values: Sequence[float | None]) -> float:
    """A scale's start a little below its lowest value: a percent scale from 0 would make
    99.5 and 99.9 look the same."""
    lowest = min((value for value in values if value is not None), default=99.5)
    return float(min(99, max(0, math.floor(lowest - 0.5))))


def _percent(value: float, language: str, decimals: int = 2) -> str:
    pattern = "#,##0." + "0" * decimals
    return f"{format_decimal(value, pattern, locale=_LOCALES[language])} %"


def _percent_axis(language: str, decimals: int = 1) -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: _percent(value, language, decimals))


_PROLOG = re.compile(r"\A.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE_SHEET = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def _svg(figure: Figure, title: str, chart_id: str) -> Markup:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _PROLOG.sub("", buffer.getvalue(), count=1), count=1)
    # The sheet matplotlib puts in <defs> says only this; the root carries it instead.
    text = _STYLE_SHEET.sub("", text, count=1)
    text = _STYLE_ATTRIBUTE.sub(_attributes, text)
    text = _ID.sub(lambda found: f'id="{chart_id}-{found[1]}"', text)
    text = _REFERENCE.sub(lambda found: f"{found[1]}{chart_id}-{found[2]}", text)
    opening = (
        f'<svg class="chart-svg" role="img" aria-labelledby="{chart_id}-title" '
        'stroke-linejoin="round" stroke-linecap="butt" '
    )
    text = text.replace("<svg ", opening, 1)
    text = re.sub(
        r"(<svg[^>]*>)", rf'\1<title id="{chart_id}-title">{escape(title)}</title>', text, count=1
    )
    return Markup(text.strip())


def _attributes(found: re.Match[str]) -> str:
    pairs = (item.split(":", 1) for item in found[1].split(";") if ":" in item)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)
