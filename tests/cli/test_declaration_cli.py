"""`stabil declaration check` and `show`, in-process and as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from stabil.cli.main import app
from tests.conftest import BORGER_DK, DECLARATIONS, EXAMPLE

runner = CliRunner()


def test_check_valid_files_prints_a_summary_each() -> None:
    result = runner.invoke(app, ["declaration", "check", str(BORGER_DK), str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"{BORGER_DK}: ok: borger-dk 1.0 (Borger.dk): 2 service periods, 4 priorities, "
        "2 timers, 4 window kinds",
        f"{EXAMPLE}: ok: example-webservice 2.1 (Example web-service SLA) [example]: "
        "2 service periods, 5 priorities, 2 timers, 1 window kind",
    ]


def test_check_broken_file_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    text = BORGER_DK.read_text(encoding="utf-8")
    text = text.replace("      per_year: 4\n", "      per_year: many\n", 1)
    text = text.replace('hours: {weekdays: "08:30-16:30"}', 'hours: {weekdays: "08:30-25:00"}')
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["declaration", "check", str(broken), str(EXAMPLE)])
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    line_hours = text[: text.index("08:30-25:00")].count("\n") + 1
    line_quota = text[: text.index("per_year: many")].count("\n") + 1
    assert errors[0].startswith(f"{broken}:{line_hours}:")
    assert "time.calendars.primary.hours.weekdays: '08:30-25:00'" not in errors[0]
    assert "has hour 25" in errors[0]
    assert errors[1] == (
        f"{broken}:{line_quota}:7: service_windows.kinds[0].per_year: "
        "expected a whole number, got 'many'"
    )
    assert "example-webservice" in result.stdout  # the valid file is still summarised


def test_check_unreadable_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["declaration", "check", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "cannot read the file: No such file or directory" in result.stderr
    assert "Traceback" not in result.output


def test_show_summarises_calendars_targets_windows_and_goals() -> None:
    result = runner.invoke(app, ["declaration", "show", str(BORGER_DK)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    for expected in (
        "primary (service period)",
        "Mon-Fri 08:30-16:30; holidays closed",
        "15 min (primary service time)",
        "30 working days (primary service time)",
        "reaction met for 90 % (all priorities together: 1, 2, 3, 4)",
        "availability 99.7 % in secondary",
        "21 calendar days",
    ):
        assert expected in result.stdout


def test_show_in_danish() -> None:
    args = ["declaration", "show", str(BORGER_DK), "--language", "da"]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert "man-fre 08:30-16:30; helligdage lukket" in result.stdout


def test_check_as_a_subprocess() -> None:
    files = sorted(str(path) for path in DECLARATIONS.glob("*.yaml"))
    done = subprocess.run(
        [sys.executable, "-m", "stabil", "declaration", "check", *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok: ") == len(files)
