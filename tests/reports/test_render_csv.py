"""The CSV: one row per figure, as machines read it."""

from __future__ import annotations

import csv
import io

from stabil.reports.render.csv import HEADER, report_csv
from tests.reports.sample import report


def rows() -> dict[tuple[str, str], dict[str, str]]:
    reader = csv.DictReader(io.StringIO(report_csv(report())))
    assert tuple(reader.fieldnames or ()) == HEADER
    return {(row["section"], row["key"]): row for row in reader}


def test_each_figure_is_a_row_with_its_goal_and_verdict() -> None:
    found = rows()
    contract = report().contract()
    reaction = found["reaction", "percent"]
    assert float(reaction["value"]) == contract["reaction"]["percent"]
    assert (reaction["goal"], reaction["goal_met"]) == ("90.0", "false")
    assert found["reaction", "total"]["value"] == "4"
    assert found["resolution", "2.percent"]["value"] == "0.0"
    assert found["resolution", "4.percent"] == {
        "section": "resolution",
        "key": "4.percent",
        "value": "",  # no timer decided: no figure, and no verdict
        "goal": "95.0",
        "goal_met": "",
    }
    uptime = found["availability", "primary.uptime_percent"]
    assert (uptime["value"], uptime["goal"], uptime["goal_met"]) == ("99.55", "99.7", "false")
    assert found["availability", "primary.downtime_seconds"]["value"] == "2700"
    assert found["penalties", "points"]["value"] == "4"
    assert found["goals", "resolution.quarter.2026-10-01.percent"]["value"] == "100.0"


def test_times_are_iso_with_the_local_offset() -> None:
    found = rows()
    assert found["report", "from"]["value"] == "2026-11-01T00:00:00+01:00"
    assert found["report", "generated_at"]["value"] == "2026-12-01T08:30:00+01:00"
