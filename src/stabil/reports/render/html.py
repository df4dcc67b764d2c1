"""A report as HTML: a whole standalone document (to save, to mail, and the PDF's source), and
the context of its body fragment `reports/_report_body.html` for a page of the desk.

Rendered with the app's environment and catalogues (stabil.rendering) without a request;
nothing in it depends on the clock, so the same report gives the same document. Every miss
is listed with its incident, linked to the desk (`link_base` makes the links absolute, for
a document read outside the app).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from stabil.rendering import render_page
from stabil.reports.model import GoalFigure, Report, Share, TrendPoint
from stabil.reports.render.charts import Bar, Series, trend_chart, uptime_chart
from stabil.reports.render.local import Local, evidence_of
from stabil.reports.render.names import (
    BACKLOG_BUCKETS,
    ESCALATION_KINDS,
    ESCALATION_STAGES,
    MEASUREMENT_PERIODS,
    ORIENTATION_KINDS,
    PERIODS,
    REVIEW_STATES,
    TIMERS,
    gettext,
    namer,
)
from stabil.texts import N_

STYLE_SHEET = Path(__file__).with_name("report.css")
HEADLINE_TIMERS = ("reaction", "resolution")  # shown as the contract's own figures (R7.5, R7.6)
HEADLINE_PERIODS = ("month", "week")


@cache
def style_sheet() -> str:
    """The document's own CSS, from the package: a saved report needs nothing from elsewhere."""
    return STYLE_SHEET.read_text(encoding="utf-8")


def report_html(
    report: Report, language: str, *, link_base: str = "", printed: bool = False
) -> str:
    """The whole document, its style sheet inlined. `printed` (the PDF's source) leaves out
    the lists of every timer decided, met ones too, and a month's list of its incidents:
    the misses, each with its incident, stay, and every row is in the workbook. The pages
    to print stay few, and printing them quick."""
    context = {
        **body_context(report, language, link_base=link_base),
        "collapsible": False,
        "printed": printed,
    }
    context["style_sheet"] = Markup(style_sheet())
    return render_page("reports/report.html", context, language)


def body_context(report: Report, language: str, *, link_base: str = "") -> dict[str, Any]:
    """What `reports/_report_body.html` reads; a desk page adds it to its own context (and
    may set `collapsible` to fold the evidence lists)."""
    local = Local.of(report, language)
    return {
        "report": report,
        "evidence": evidence_of(report),
        "zone": report.zone,
        "f": local,
        "name": namer(language),
        "periods": PERIODS,
        "timers": TIMERS,
        "measurement_periods": MEASUREMENT_PERIODS,
        "review_states": REVIEW_STATES,
        "orientation_kinds": ORIENTATION_KINDS,
        "window_kinds": {key: kind.name for key, kind in report.windows.items()},
        "plain": lambda value: plain(value, local),
        "escalation_name": lambda key: escalation_name(key, language),
        "backlog_columns": backlog_columns,
        "backlog_buckets": BACKLOG_BUCKETS,
        "trend_keys": {
            "resolution": _keys(report.trends, "resolution_percent"),
            "availability": _keys(report.trends, "availability_percent"),
        },
        "title": period_title(report, language),
        "last_day": local.last_day(report.to),
        "incident_url": lambda key: f"{link_base.rstrip('/')}/desk/incidents/{key}",
        "shares": _shares,
        "misses": misses(report),
        "other_goals": other_goals(report.goals),
        "uptime_chart": _uptime_chart(report, language) if report.availability else None,
        "trend_chart": _trend_chart(report, language) if report.trends else None,
        "collapsible": True,
        "printed": False,
    }


def period_title(report: Report, language: str) -> str:
    """`november 2026`, `uge 46 2026`; the English `November 2026`, `week 46 of 2026`."""
    if report.kind == "week":
        year, week = report.period.split("-W")
        return gettext(language)(N_("week %(week)s of %(year)s")) % {
            "week": int(week),
            "year": year,
        }
    return Local.of(report, language).month_name(report.period)


def misses(report: Report) -> list[dict[str, Any]]:
    """Every missed timer of the period, once (start time's rows are reaction timers already),
    in the order they were decided."""
    seen: set[tuple[str, str]] = set()
    found = []
    evidence = evidence_of(report)
    for kind in ("reaction", "resolution", "timers", "start_time"):
        for row in evidence.get(kind, []):
            key = (str(row.get("incident")), str(row.get("timer")))
            if row.get("met") is False and key not in seen:
                seen.add(key)
                found.append(row)
    return sorted(found, key=lambda row: (row.get("decided_at") or row["due_at"], row["incident"]))


def other_goals(goals: list[GoalFigure]) -> list[GoalFigure]:
    """The declaration's goals beyond the headline reaction and resolution figures: those
    over another period (a quarter, a year) or of another timer."""
    shown: set[str] = set()
    rest = []
    for goal in goals:
        headline = goal.timer in HEADLINE_TIMERS and goal.period in HEADLINE_PERIODS
        if headline and goal.timer not in shown:
            shown.add(goal.timer)
        else:
            rest.append(goal)
    return rest


def plain(value: object, local: Local) -> str:
    """A value of a list the model leaves open (a review meeting's), in the reader's forms."""
    if isinstance(value, dt.datetime):
        return local.when(value)
    if isinstance(value, dt.date):
        return local.day(value)
    if isinstance(value, bool):
        return gettext(local.language)(N_("yes") if value else N_("no"))
    if isinstance(value, int | float):
        return local.number(value)
    return "" if value is None else str(value)


def escalation_name(key: str, language: str) -> str:
    """`functional:breach` as `functional, breach`: escalations are counted by kind and stage
    (a level's number or a word)."""
    kind, _, stage = key.replace(":", ".").partition(".")
    name = namer(language)
    words = name(ESCALATION_KINDS, kind)
    if not stage:
        return words
    if stage.isdigit():
        return gettext(language)(N_("%(kind)s, level %(stage)s")) % {"kind": words, "stage": stage}
    return f"{words}, {name(ESCALATION_STAGES, stage)}"


def backlog_columns(backlog: dict[str, dict[str, int]]) -> list[str]:
    """The count first, then the age buckets in the order the figures give them."""
    columns: dict[str, None] = {"count": None}
    for row in backlog.values():
        columns.update(dict.fromkeys(row))
    return list(columns)


def _shares(figure: Share | dict[str, Share] | None) -> list[tuple[str | None, Share]]:
    """A headline figure as rows: one pooled row (no priority), or one per priority."""
    if figure is None:
        return []
    if isinstance(figure, Share):
        return [(None, figure)]
    levels = sorted(figure, key=lambda level: (len(level), level))  # 2 before 10
    return [(level, figure[level]) for level in levels]


def _uptime_chart(report: Report, language: str) -> Markup:
    name = namer(language)
    bars = [
        Bar(name(PERIODS, key), period.uptime_percent, period.target_percent)
        for key, period in report.availability.items()
    ]
    return uptime_chart(bars, language)


def _trend_chart(report: Report, language: str) -> Markup:
    name, text = namer(language), gettext(language)
    points = report.trends
    shares = [Series(text(N_("Reaction")), [point.reaction_percent for point in points])]
    for level in _keys(points, "resolution_percent"):
        values = [point.resolution_percent.get(level) for point in points]
        shares.append(Series(text(N_("Resolution, priority %(level)s")) % {"level": level}, values))
    uptime = [
        Series(name(PERIODS, key), [point.availability_percent.get(key) for point in points])
        for key in _keys(points, "availability_percent")
    ]
    return trend_chart([point.period for point in points], shares, uptime, language)


def _keys(points: list[TrendPoint], field: str) -> list[str]:
    keys: dict[str, None] = {}
    for point in points:
        keys.update(dict.fromkeys(getattr(point, field)))
    return list(keys)
