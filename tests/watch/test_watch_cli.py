"""`stabil monitor`, `stabil outage import` and `stabil uptime`, on a database of their own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from stabil.accounts.service import add_user
from stabil.cli import watch
from stabil.db.engine import unit_of_work
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK, Stabil

NOW = dt.datetime(2026, 4, 2, 10, tzinfo=dt.UTC)


def test_monitors_outages_and_uptime_from_the_command_line(
    stabil: Stabil, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert stabil("service", "load", str(BORGER_DK)).exit_code == 0
    nobody = stabil("monitor", "list")
    assert (nobody.exit_code, nobody.stderr) == (
        2,
        "error: there is no admin to act as (create one: stabil user add, or give --as)\n",
    )
    with cheap_hashing(), unit_of_work() as session:
        add_user(session, "admin@example.org", "admin")
    with time_machine.travel(NOW, tick=False):
        added = stabil(
            "monitor", "add", "--service", "borger-dk", "--key", "bdk-import",
            "--kind", "heartbeat", "--part", "article_import", "--interval", "300",
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        lines = added.stdout.splitlines()
        assert lines[0] == "added monitor bdk-import (heartbeat) of borger-dk/article_import"
        assert lines[1].startswith("token (shown only now): ")
        bad = stabil(
            "monitor", "add", "--service", "borger-dk", "--key", "bdk-web", "--kind", "http",
            "--target", "ftp://www.borger.dk/",
        )  # fmt: skip
        assert (bad.exit_code, bad.stdout) == (2, "")
        assert bad.stderr.startswith("error: target: is not an http(s) URL")
        listed = stabil("monitor", "list").stdout
        assert "bdk-import" in listed
        assert "2026-04-02 12:00:00" in listed  # since when, in Copenhagen time

        csv = tmp_path / "udfald.csv"
        csv.write_text(
            "service,part,start,end,state,reason\n"
            "borger-dk,,2026-03-01T00:00,2026-04-01T00:00,up,Målt af det gamle system\n"
            "borger-dk,login,2026-03-10T10:00,2026-03-10T10:30,down,MitID-fejl\n",
            encoding="utf-8",
        )
        monkeypatch.setattr(watch, "PROGRESS_FROM_ROWS", 1)  # the bar, without a long file
        imported = stabil("outage", "import", str(csv), "--as", "admin@example.org")
        assert imported.exit_code == 0, imported.output
        assert imported.stdout.endswith(
            "imported 2 outages from udfald.csv as admin@example.org (33 rows of the log)\n"
        )
        bad_csv = tmp_path / "forkert.csv"
        bad_csv.write_text(csv.read_text().replace("2026-03-10T10:30", "2026-03-10T09:30"))
        refused = stabil("outage", "import", str(bad_csv))
        assert (refused.exit_code, refused.stderr) == (
            2,
            "error: line 3, end: is not after start (an outage ends after it starts)\n",
        )

        as_json = stabil("uptime", "--service", "borger-dk", "--month", "2026-03", "--json")
        assert as_json.exit_code == 0, as_json.output
        report = json.loads(as_json.stdout)
        assert report["periods"]["primary"]["downtime_seconds"] == 1800
        assert report["outages"][0]["start"] == "2026-03-10T10:00:00+01:00"
        table = stabil("uptime", "--service", "borger-dk", "--month", "2026-03").stdout
        assert "borger-dk from 2026-03-01 00:00:00 to 2026-04-01 00:00:00" in table
        primary = next(line for line in table.splitlines() if "primary" in line)
        assert "0:30:00" in primary
        assert "99.716 %" in primary
        assert "2026-03-10 10:00:00" in table

        removed = stabil("monitor", "remove", "bdk-import")
        assert removed.stdout == "removed monitor bdk-import\n"
        assert stabil("monitor", "remove", "bdk-import").stderr == (
            "error: monitor bdk-import is removed already\n"
        )
