"""`stabil window check` and `stabil window batch`, for both shipped declarations."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from stabil.accounts.service import add_organisation, add_user
from stabil.cli.main import app
from stabil.db.engine import unit_of_work
from stabil.windows.service import NewWindow, plan_window
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK, EXAMPLE, Stabil

CPH = ZoneInfo("Europe/Copenhagen")

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


def test_list_and_quota_show_the_services_windows_in_local_time(stabil: Stabil) -> None:
    assert stabil("service", "load", str(BORGER_DK)).exit_code == 0
    now = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
    with cheap_hashing(), unit_of_work() as session:
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        operator, _ = add_user(session, "op@example.org", "operator", "digst")
        for day in (18, 25):
            start = dt.datetime(2026, 4, day, 1, tzinfo=CPH)
            night = NewWindow(
                "borger-dk", "short", start, start + dt.timedelta(hours=2), "Opdatering"
            )
            plan_window(session, operator, night, now)
    listed = stabil("window", "list", "--service", "borger-dk", "--year", "2026")
    assert listed.exit_code == 0, listed.output
    assert "2026-04-18 01:00" in listed.stdout  # local time, not 23:00 UTC the day before
    assert "2026-04-25 03:00" in listed.stdout
    quota = stabil("window", "quota", "--service", "borger-dk", "--year", "2026")
    assert quota.exit_code == 0, quota.output
    short = next(line for line in quota.stdout.splitlines() if "short" in line)
    cells = [cell.strip() for cell in short.split("│") if cell.strip()]
    assert cells == ["short", "4", "2", "2", "2026-04-18, 2026-04-25"]


def test_list_of_an_unknown_service_is_one_line_and_status_2(stabil: Stabil) -> None:
    result = stabil("window", "list", "--service", "nope")
    assert result.exit_code == 2
    assert "nope" in result.output
