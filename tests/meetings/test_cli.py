"""`stabil meeting list|plan|pack`: planning with the declared length, the schedule and the
pack, in local time; a wrong forum is one line and status 2."""

from __future__ import annotations

from pathlib import Path

from stabil.accounts.service import add_organisation, add_user
from stabil.db.engine import unit_of_work
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK, Stabil


def test_plan_list_and_pack(stabil: Stabil, tmp_path: Path) -> None:
    assert stabil("service", "load", str(BORGER_DK)).exit_code == 0
    with cheap_hashing(), unit_of_work() as session:
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        add_user(session, "op@example.org", "operator", "digst")
    planned = stabil(
        "meeting", "plan", "--service", "borger-dk", "--forum", "operations_meeting",
        "--start", "2026-05-20T10:00", "--location", "Landgreven 4", "--as", "op@example.org",
    )  # fmt: skip
    assert planned.exit_code == 0, planned.output
    assert planned.stdout.strip() == (
        "planned meeting 1: Driftsmøde mellem myndigheder i driftsnetværket, 2026-05-20 10:00-12:00"
    )
    listed = stabil(
        "meeting", "list", "--service", "borger-dk", "--year", "2026", "--as", "op@example.org"
    )
    assert listed.exit_code == 0, listed.output
    assert "2026-05-20 10:00" in listed.stdout  # local time, not 08:00 UTC
    assert "operations_meeting (R17.1): 2026-01..2026-03 " in listed.stdout
    assert "2026-04..2026-06 planned" in listed.stdout
    output = tmp_path / "pack.html"
    packed = stabil(
        "meeting", "pack", "--service", "borger-dk", "--id", "1", "--lang", "en",
        "--output", str(output), "--as", "op@example.org",
    )  # fmt: skip
    assert packed.exit_code == 0, packed.output
    assert "Approval of the last minutes" in output.read_text(encoding="utf-8")


def test_a_forum_the_declaration_does_not_hold_is_one_line_and_status_2(stabil: Stabil) -> None:
    assert stabil("service", "load", str(BORGER_DK)).exit_code == 0
    with cheap_hashing(), unit_of_work() as session:
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        add_user(session, "op@example.org", "operator", "digst")
    result = stabil(
        "meeting", "plan", "--service", "borger-dk", "--forum", "board",
        "--start", "2026-05-20T10:00", "--as", "op@example.org",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "'board' is not a meeting of the declaration of borger-dk" in result.output
