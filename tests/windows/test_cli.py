"""`stabil window check` and `stabil window batch`, for both shipped declarations."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stabil.cli.main import app
from tests.conftest import BORGER_DK, EXAMPLE

RUN = CliRunner()


def window(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = RUN.invoke(app, ["window", *args], input=stdin, env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_a_compliant_window_is_ok() -> None:
    code, said, _ = window(
        "check", "--declaration", str(BORGER_DK), "--kind", "short",
        "--start", "2026-04-17T00:00", "--end", "2026-04-17T02:00",
        "--announced", "2026-04-14T00:00",
    )  # fmt: skip
    assert (code, said) == (0, "ok\n")


def test_each_broken_rule_is_a_line_and_the_status_is_1() -> None:
    code, said, _ = window(
        "check", "--declaration", str(BORGER_DK), "--kind", "long",
        "--start", "2026-10-25T00:00", "--end", "2026-10-25T07:00",
        "--announced", "2026-10-20T12:00", "--used", "4",
    )  # fmt: skip
    assert code == 1
    assert [line.split(":")[0] for line in said.splitlines()] == ["length", "notice", "quota"]
    assert said.startswith("length: The window lasts 480 minutes;")


def test_the_example_declaration_has_its_own_kinds() -> None:
    tuesday = ("--start", "2026-04-14T20:00", "--end", "2026-04-14T23:00")
    args = ("check", "--declaration", str(EXAMPLE), "--announced", "2026-04-01T09:00")
    assert window(*args, "--kind", "weekly", *tuesday)[:2] == (0, "ok\n")
    code, said, _ = window(*args, "--kind", "short", *tuesday)
    assert code == 1
    assert said.startswith("kind: The declaration has no window kind 'short'; it has: weekly.")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--start", "2026-03-29T02:30", "--end", "2026-03-29T04:00"), "does not exist"),
        (("--start", "2026-10-25T02:30", "--end", "2026-10-25T04:00"), "happens twice"),
        (("--start", "tomorrow", "--end", "2026-10-25T04:00"), "is not an ISO 8601 time"),
        (("--start", "2026-04-17T00:00"), "Missing option '--end'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args: tuple[str, ...], says: str) -> None:
    code, said, error = window("check", "--declaration", str(BORGER_DK), "--kind", "short", *args)
    assert code == 2
    assert said == ""
    assert says in error
    assert len(error.strip().splitlines()) == 1


def test_batch_answers_every_line_in_order() -> None:
    lines = [
        {"kind": "short", "start": "2026-04-17T00:00", "end": "2026-04-17T02:00",
         "announced": "2026-04-14T00:00"},
        {"kind": "short", "start": "2026-04-17T00:00", "end": "2026-04-17T02:00",
         "announced": "2026-04-14T00:00:01", "used": 4},
        "not json",
        {"kind": "short", "start": "2026-04-17T00:00"},
        {"kind": "short", "start": "2026-04-17T00:00", "end": "2026-04-17T02:00", "used": -1},
    ]  # fmt: skip
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    code, said, _ = window("batch", "--declaration", str(BORGER_DK), stdin=stdin + "\n")
    answers = [json.loads(line) for line in said.splitlines()]
    assert code == 1
    assert answers[:2] == [{"violations": []}, {"violations": ["notice", "quota"]}]
    assert [sorted(answer) for answer in answers[2:]] == [["error"]] * 3
    assert "end must be given" in answers[3]["error"]


def test_a_batch_of_good_lines_exits_0() -> None:
    line = {"kind": "medium", "start": "2026-05-02T01:00", "end": "2026-05-02T05:00",
            "announced": "2026-04-01T10:00"}  # fmt: skip
    code, said, _ = window("batch", "--declaration", str(BORGER_DK), stdin=json.dumps(line))
    assert (code, said) == (0, '{"violations":[]}\n')
