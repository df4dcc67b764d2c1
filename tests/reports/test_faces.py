"""The reports through their faces: the API (JSON, other formats by `format=` or `Accept`),
the desk's page and downloads, and the CLI; every refusal says what would be right."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.cast import Cast, Member, headers
from tests.conftest import Stabil
from tests.reports.conftest import REPORTED_AT
from tests.web.pages import sign_in

NOW = REPORTED_AT
URL = "/api/v1/services/borger-dk/reports/monthly"
CONTRACT = {
    "service", "from", "to", "declaration_version", "reaction", "resolution", "start_time",
    "availability", "orientation", "windows", "majors", "penalties", "evidence",
}  # fmt: skip
pytestmark = pytest.mark.usefixtures("services")


def test_the_api_answers_the_json_contract_and_the_other_formats(
    client: TestClient, cast: Cast, session: Session, march: dict[str, str]
) -> None:
    answer = client.get(URL, params={"month": "2026-03"}, headers=headers(cast.viewer))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) >= CONTRACT
    assert body["reaction"]["total"] == 5
    assert set(body["availability"]) == {"primary", "secondary"}
    assert set(body["availability"]["primary"]) == {
        "period_seconds", "excluded_seconds", "unknown_seconds", "downtime_seconds",
        "degraded_seconds", "uptime_percent", "target_percent", "met", "budget_seconds",
        "budget_left_seconds",
    }  # fmt: skip
    as_csv = client.get(
        URL, params={"month": "2026-03", "format": "csv"}, headers=headers(cast.viewer)
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows
    as_pdf = client.get(
        URL,
        params={"month": "2026-03"},
        headers={**headers(cast.supplier), "Accept": "application/pdf"},
    )
    assert as_pdf.status_code == 200
    assert as_pdf.content.startswith(b"%PDF")
    assert 'filename="borger-dk-2026-03.pdf"' in as_pdf.headers["content-disposition"]


def test_the_api_refuses_clearly(client: TestClient, cast: Cast) -> None:
    wrong = client.get(URL, params={"month": "2026-13"}, headers=headers(cast.viewer))
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "month"
    assert "YYYY-MM" in wrong.json()["errors"][0]["problem"]
    week = client.get(
        "/api/v1/services/borger-dk/reports/weekly",
        params={"week": "2026-W54"},
        headers=headers(cast.viewer),
    )
    assert week.status_code == 422
    assert "YYYY-Www" in week.json()["errors"][0]["problem"]
    unknown = client.get("/api/v1/services/nowhere/reports/monthly", headers=headers(cast.viewer))
    assert unknown.status_code == 404
    bad_format = client.get(URL, params={"format": "docx"}, headers=headers(cast.viewer))
    assert bad_format.status_code == 422
    assert client.get(URL, headers=headers(cast.authority)).status_code == 403


def test_the_desk_page_shows_the_figures_and_offers_the_files(
    client: TestClient, cast: Cast, march: dict[str, str]
) -> None:
    sign_in(client, cast.viewer)
    shown = client.get("/desk/reports", params={"service": "borger-dk", "period": "2026-03"})
    assert shown.status_code == 200, shown.text
    assert "Borger.dk" in shown.text
    assert march["B"] in shown.text  # the miss, with its incident
    assert 'href="/desk/reports/report.css"' in shown.text
    assert "format=xlsx" in shown.text
    wrong = client.get("/desk/reports", params={"service": "borger-dk", "period": "marts"})
    assert wrong.status_code == 200
    assert 'aria-invalid="true"' in wrong.text
    sheet = client.get(
        "/desk/reports/download",
        params={"service": "borger-dk", "period": "2026-03", "format": "xlsx"},
    )
    assert sheet.status_code == 200
    assert sheet.content[:2] == b"PK"  # a zip: the XLSX container
    refused = client.get(
        "/desk/reports/download", params={"service": "borger-dk", "format": "docx"}
    )
    assert refused.status_code == 422
    assert "docx" in refused.text


def test_the_command_writes_each_format(stabil: Stabil, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    loaded = stabil("service", "load", str(root / "declarations" / "borger-dk.yaml"))
    assert loaded.exit_code == 0, loaded.output
    printed = stabil("report", "monthly", "--service", "borger-dk", "--month", "2026-03")
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["period"] == "2026-03"
    target = tmp_path / "week.html"
    written = stabil(
        "report", "weekly", "--service", "borger-dk", "--week", "2026-W10",
        "--format", "html", "--output", str(target),
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    assert "<html" in target.read_text(encoding="utf-8")
    refused = stabil("report", "monthly", "--service", "borger-dk", "--month", "03-2026")
    assert refused.exit_code == 2
    assert "YYYY-MM" in refused.stderr
    table = stabil(
        "report", "figures", "--service", "borger-dk", "--from", "2026-01", "--to", "2026-03",
        "--csv",
    )  # fmt: skip
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].startswith("month,reaction_percent,resolution_1_percent")
    assert [line.split(",")[0] for line in lines[1:]] == ["2026-01", "2026-02", "2026-03"]
    backwards = stabil(
        "report", "figures", "--service", "borger-dk", "--from", "2026-03", "--to", "2026-01"
    )
    assert backwards.exit_code == 2
    assert "before" in backwards.stderr


def test_a_supplier_reads_the_figures_but_not_other_incidents_titles(
    client: TestClient, cast: Cast, march: dict[str, str]
) -> None:
    def read(member: Member) -> dict[str, Any]:
        answer = client.get(URL, params={"month": "2026-03"}, headers=headers(member))
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    viewer, supplier, outsider = read(cast.viewer), read(cast.supplier), read(cast.other_supplier)
    assert supplier["reaction"] == outsider["reaction"] == viewer["reaction"]

    def titles(body: dict[str, Any]) -> dict[str, str]:
        return {row["incident"]: row["title"] for row in body["evidence"]["reaction"]}

    assert all(titles(viewer).values())
    # supplier-a works A-D; F was never handed over, so its title is not supplier-a's to read.
    assert titles(supplier)[march["A"]] == titles(viewer)[march["A"]]
    assert titles(supplier)[march["F"]] == ""
    assert set(titles(outsider).values()) == {""}
    assert {item["title"] for item in outsider["majors"]} == {""}
