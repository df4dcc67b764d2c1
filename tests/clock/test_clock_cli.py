"""`stabil clock`: exact one-line answers, one-line errors with status 2, and batch JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stabil.cli.main import app
from tests.clock.conftest import DST_DECLARATION
from tests.conftest import BORGER_DK, EXAMPLE

runner = CliRunner()
BORGER = ["--declaration", str(BORGER_DK)]
WEB = ["--declaration", str(EXAMPLE)]


def _answer(*args: str) -> str:
    result = runner.invoke(app, ["clock", *args])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        # R7.3's example: Saturday 10:00 local time -> Monday 08:45.
        (
            [
                "deadline",
                *BORGER,
                "--priority",
                "1",
                "--target",
                "reaction",
                "--from",
                "2026-04-11T10:00",
            ],
            "2026-04-13T08:45:00+02:00\n",
        ),
        # The same instant given in UTC.
        (
            [
                "deadline",
                *BORGER,
                "--priority",
                "1",
                "--target",
                "reaction",
                "--from",
                "2026-04-11T08:00Z",
            ],
            "2026-04-13T08:45:00+02:00\n",
        ),
        # A target that ends at closing time is due then (16:15 + 15 min).
        (
            [
                "deadline",
                *BORGER,
                "--priority",
                "1",
                "--target",
                "reaction",
                "--from",
                "2026-04-07T16:15",
            ],
            "2026-04-07T16:30:00+02:00\n",
        ),
        # Winter time is shown with its own offset: 2 working days over Christmas 2026.
        (
            [
                "deadline",
                *BORGER,
                "--priority",
                "3",
                "--target",
                "reaction",
                "--from",
                "2026-12-23T12:00",
            ],
            "2026-12-29T12:00:00+01:00\n",
        ),
        # The example's P1 counts around the clock: 01:50 CET + 30 min is 03:20 CEST.
        (
            [
                "deadline",
                *WEB,
                "--priority",
                "1",
                "--target",
                "reaction",
                "--from",
                "2026-03-29T01:50",
            ],
            "2026-03-29T03:20:00+02:00\n",
        ),
        (
            [
                "elapsed",
                *BORGER,
                "--calendar",
                "primary",
                "--from",
                "2026-04-01",
                "--to",
                "2026-04-09",
            ],
            "86400\n",
        ),
        # 1.5 s of primary time is shown as whole seconds: 1.
        (
            [
                "elapsed",
                *BORGER,
                "--calendar",
                "primary",
                "--from",
                "2026-04-07T08:30:00.5",
                "--to",
                "2026-04-07T08:30:02",
            ],
            "1\n",
        ),
        (["period", *BORGER, "--at", "2026-04-07T08:30"], "primary\n"),
        (["period", *BORGER, "--at", "2026-04-07T16:30"], "secondary\n"),
        (["period", *BORGER, "--at", "2026-04-07T06:29:59Z"], "secondary\n"),
        (["period", *WEB, "--at", "2026-04-10T14:59"], "business\n"),
        (["orientation", *BORGER, "--detected", "2026-04-07T21:30"], "2026-04-07T22:30:00+02:00\n"),
        (
            [
                "orientation",
                *BORGER,
                "--detected",
                "2026-04-07T21:00",
                "--last-message",
                "2026-04-07T21:30",
            ],
            "2026-04-08T08:00:00+02:00\n",
        ),
        (["orientation", *WEB, "--detected", "2026-04-10T16:00"], "2026-04-11T07:00:00+02:00\n"),
    ],
)
def test_answers(args: list[str], stdout: str) -> None:
    assert _answer(*args) == stdout


def test_explain_prints_the_trace() -> None:
    stdout = _answer(
        "explain", *BORGER, "--priority", "1", "--target", "reaction", "--from", "2026-04-02T10:00"
    )
    assert stdout == (
        "priority 1 reaction: 15 minutes of primary\n"
        "start Thu 2026-04-02 10:00 (2026-04-02T10:00:00+02:00)\n"
        "closed Thu 2026-04-02 10:00 - Tue 2026-04-07 08:30\n"
        "  skipped Skærtorsdag 2026-04-02\n"
        "  skipped Langfredag 2026-04-03\n"
        "  skipped Saturday 2026-04-04\n"
        "  skipped Påskedag 2026-04-05\n"
        "  skipped Anden påskedag 2026-04-06\n"
        "counted Tue 2026-04-07 08:30-08:45: 15 min (15 min of 15 min)\n"
        "deadline Tue 2026-04-07 08:45 (2026-04-07T08:45:00+02:00)\n"
    )


def _declaration_without_orientation(tmp_path: Path) -> str:
    path = tmp_path / "dst-hours.yaml"
    path.write_text(DST_DECLARATION, encoding="utf-8")
    return str(path)


def _broken_declaration(tmp_path: Path) -> str:
    path = tmp_path / "broken.yaml"
    path.write_text(BORGER_DK.read_text(encoding="utf-8").replace("08:30-16:30", "08:30-25:00"))
    return str(path)


DEADLINE = ["deadline", *BORGER, "--priority", "1", "--target", "reaction"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*DEADLINE, "--from", "yesterday"], "'yesterday' is not an ISO 8601 time (e.g. "),
        (
            [*DEADLINE, "--from", "2026-03-29T02:30"],
            "2026-03-29T02:30 does not exist in Europe/Copenhagen (the clocks skip it)",
        ),
        (
            [*DEADLINE, "--from", "2026-10-25T02:30"],
            "2026-10-25T02:30 happens twice in Europe/Copenhagen (the clocks go back); "
            "give its offset: +02:00 for the first, +01:00 for the second",
        ),
        ([*DEADLINE], "Missing option '--from'."),
        (
            [
                "deadline",
                *BORGER,
                "--priority",
                "9",
                "--target",
                "reaction",
                "--from",
                "2026-04-07",
            ],
            "priority 9 is not in this declaration (known: 1, 2, 3, 4)",
        ),
        (
            [
                "deadline",
                *BORGER,
                "--priority",
                "1",
                "--target",
                "response",
                "--from",
                "2026-04-07",
            ],
            "priority 1 has no 'response' target (known: reaction, resolution)",
        ),
        (
            [
                "deadline",
                *BORGER,
                "--priority",
                "one",
                "--target",
                "reaction",
                "--from",
                "2026-04-07",
            ],
            "Invalid value for '--priority'",
        ),
        (
            [
                "elapsed",
                *BORGER,
                "--calendar",
                "primær",
                "--from",
                "2026-04-07",
                "--to",
                "2026-04-08",
            ],
            "no calendar is named 'primær' (known: always, primary, secondary, ",
        ),
        (["period", *BORGER, "--when", "2026-04-07"], "No such option: --when"),
        (["period", *BORGER, "--at", "1850-01-01T12:00"], "outside the years the clock covers"),
        (["tick", *BORGER], "No such command 'tick'."),
        (
            [
                "orientation",
                *BORGER,
                "--detected",
                "2026-04-07T10:00",
                "--last-message",
                "2026-04-07T09:00",
            ],
            "the last message is before the incident was detected",
        ),
        (
            ["period", "--declaration", "missing.yaml", "--at", "2026-04-07"],
            "missing.yaml is not a valid declaration: missing.yaml:1:1: (document): "
            "cannot read the file: No such file or directory",
        ),
    ],
)
def test_errors_are_one_line_on_stderr_with_status_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["clock", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


def test_an_invalid_declaration_file_is_one_line(tmp_path: Path) -> None:
    broken = _broken_declaration(tmp_path)
    result = runner.invoke(app, ["clock", "period", "--declaration", broken, "--at", "2026-04-07"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {broken} is not a valid declaration: {broken}:")
    assert "has hour 25" in result.stderr
    assert result.stderr.count("\n") == 1


def test_orientation_needs_orientation_rules(tmp_path: Path) -> None:
    path = _declaration_without_orientation(tmp_path)
    result = runner.invoke(
        app, ["clock", "orientation", "--declaration", path, "--detected", "2026-04-07"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the declaration has no orientation rules (major_incidents.orientation)\n"
    )


BATCH_IN = [
    {"op": "deadline", "priority": 1, "target": "reaction", "from": "2026-04-11T10:00"},
    {"op": "elapsed", "calendar": "primary", "from": "2026-04-01", "to": "2026-04-09"},
    {"op": "period", "at": "2026-04-07T08:30:00+02:00"},
    {"op": "orientation", "detected": "2026-04-07T23:00"},
    {"op": "orientation", "detected": "2026-04-07T23:00", "last_message": "2026-04-08T08:00"},
]
BATCH_OUT = [
    {"deadline": "2026-04-13T08:45:00+02:00"},
    {"seconds": 86400},
    {"period": "primary"},
    {"due": "2026-04-08T08:00:00+02:00"},
    {"due": "2026-04-08T09:00:00+02:00"},
]


def _lines(items: list[dict[str, object]]) -> str:
    return "".join(json.dumps(item) + "\n" for item in items)


def test_batch_answers_each_line_in_order() -> None:
    result = runner.invoke(app, ["clock", "batch", *BORGER], input=_lines(BATCH_IN))
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == BATCH_OUT
    assert '{"seconds":86400}' in result.stdout.splitlines()  # compact JSON


def test_a_bad_batch_line_gives_an_error_in_place_and_status_1() -> None:
    lines = [
        json.dumps(BATCH_IN[0]),
        "not json",
        json.dumps({"op": "deadline", "priority": "1", "target": "reaction", "from": "2026-04-07"}),
        json.dumps({"op": "deadline", "priority": 1, "target": "reaction"}),
        json.dumps({"op": "tick"}),
        json.dumps({"op": "period", "at": "2026-03-29T02:30"}),
        json.dumps({"op": "period", "at": "2026-04-07T08:30", "calendar": "primary"}),
        json.dumps(["period"]),
        json.dumps(BATCH_IN[2]),
    ]
    result = runner.invoke(app, ["clock", "batch", *BORGER], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers == [
        BATCH_OUT[0],
        {"error": "the line is not JSON (Expecting value at column 1)"},
        {"error": "priority is a whole number, e.g. 1, not '1'"},
        {"error": "op deadline needs the field 'from'"},
        {"error": "op is 'tick'; give one of deadline, elapsed, period, orientation"},
        {
            "error": "2026-03-29T02:30 does not exist in Europe/Copenhagen (the clocks skip it); "
            "give an offset (+01:00 or +02:00) or another time"
        },
        {"error": "unknown field 'calendar' for op period (fields: at)"},
        {"error": 'a query is a JSON object, e.g. {"op":"period","at":"2026-04-07T08:45"}'},
        BATCH_OUT[2],
    ]


def test_a_batch_line_that_is_not_utf_8_fails_alone() -> None:
    text = _lines(BATCH_IN[:1]).encode() + b"\xff\xfe\n" + _lines(BATCH_IN[2:3]).encode()
    result = runner.invoke(app, ["clock", "batch", *BORGER], input=text)
    assert result.exit_code == 1
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        BATCH_OUT[0],
        {"error": "the line is not UTF-8 text"},
        BATCH_OUT[2],
    ]


def test_batch_with_an_invalid_declaration_is_status_2() -> None:
    result = runner.invoke(app, ["clock", "batch", "--declaration", "missing.yaml"], input="")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: missing.yaml is not a valid declaration")


def test_the_installed_command_as_a_subprocess() -> None:
    command = [sys.executable, "-m", "stabil", "clock"]
    deadline = subprocess.run(
        [
            *command,
            "deadline",
            *BORGER,
            "--priority",
            "1",
            "--target",
            "resolution",
            "--from",
            "2026-04-10T14:00",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # 150 minutes on Friday 14:00-16:30, 90 on Monday from 08:30.
    assert (deadline.returncode, deadline.stdout, deadline.stderr) == (
        0,
        "2026-04-13T10:00:00+02:00\n",
        "",
    )
    batch = subprocess.run(
        [*command, "batch", *BORGER],
        input=_lines(BATCH_IN),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert batch.returncode == 0, batch.stderr
    assert [json.loads(line) for line in batch.stdout.splitlines()] == BATCH_OUT
    failure = subprocess.run(
        [*command, "period", *BORGER], capture_output=True, text=True, timeout=60, check=False
    )
    assert (failure.returncode, failure.stdout) == (2, "")
    assert failure.stderr == "error: Missing option '--at'.\n"
