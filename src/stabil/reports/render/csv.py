"""A report as CSV for machines: one row per figure, `section,key,value,goal,goal_met`, with
the contract's English keys, dot decimals, `true`/`false`, empty for none, and ISO 8601
times with the declaration zone's offset (the same instants as the JSON's)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from stabil.reports.model import Report
from stabil.reports.render.figures import Value, figures

HEADER = ("section", "key", "value", "goal", "goal_met")


def report_csv(report: Report) -> str:
    zone = ZoneInfo(report.zone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180's line ends
    writer.writerow(HEADER)
    for figure in figures(report):
        writer.writerow(
            (
                figure.section,
                figure.key,
                cell(figure.value, zone),
                cell(figure.goal, zone),
                cell(figure.goal_met, zone),
            )
        )
    return out.getvalue()


def cell(value: Value, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)  # repr of a float: a dot, and every digit it has
