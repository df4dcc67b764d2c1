"""The workbook: a summary with every figure and a sheet per KPI with the rows behind it,
whose counts are the report's figures; cells are numbers and dates, not text."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from stabil.reports.render.xlsx import report_xlsx
from tests.reports.sample import report

HEADINGS = 3  # the title, the note on local time, the column headings


@pytest.fixture(scope="module")
def book() -> Workbook:
    return load_workbook(io.BytesIO(report_xlsx(report(), "da")))


def records(sheet: Worksheet) -> list[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    names = [str(name) for name in values[HEADINGS - 1]]
    return [dict(zip(names, row, strict=True)) for row in values[HEADINGS:]]


def test_there_is_a_summary_and_a_sheet_per_kpi(book: Workbook) -> None:
    assert book.sheetnames == [
        "Overblik",
        "Reaktion",
        "Løsning",
        "Påbegyndelsestid",
        "Andre frister",
        "Tilgængelighed",
        "Undtaget",
        "Orientering",
        "Servicevinduer",
        "Eskaleringer",
        "Åbne sager",
        "Større hændelser",
        "Releases",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A4"
        assert "Europe/Copenhagen" in str(sheet["A2"].value)


def test_the_rows_behind_each_share_add_up_to_it(book: Workbook) -> None:
    figures = report().contract()
    reaction = records(book["Reaktion"])
    assert len(reaction) == figures["reaction"]["total"]
    assert sum(row["Opfyldt"] for row in reaction) == figures["reaction"]["met"]
    resolution = records(book["Løsning"])
    for level, share in figures["resolution"].items():
        mine = [row for row in resolution if row["Prioritet"] == int(level)]
        assert len(mine) == share["total"]
        assert sum(row["Opfyldt"] for row in mine) == share["met"]
    downtime = sum(row["Sekunder"] for row in records(book["Tilgængelighed"]))
    periods = figures["availability"].values()
    assert downtime == sum(period["downtime_seconds"] for period in periods)


def test_cells_are_numbers_booleans_and_local_dates(book: Workbook) -> None:
    row = records(book["Reaktion"])[1]
    assert row["Hændelse"] == "BDK-2026-0102"
    assert row["Opfyldt"] is False
    assert row["Prioritet"] == 2
    assert row["Overskredet med (minutter)"] == 35.0
    # Due 11.00 in Copenhagen (10.00 UTC), written as the wall-clock time Excel shows.
    assert row["Frist"] == dt.datetime(2026, 11, 5, 11, 0)
    cell = book["Reaktion"]["F5"]
    assert cell.is_date
    assert cell.number_format == "dd-mm-yyyy hh:mm"


def test_the_summary_holds_every_figure_of_the_json(book: Workbook) -> None:
    summary = {(row["Afsnit"], row["Tal"]): row for row in records(book["Overblik"])}
    figures = report().contract()
    assert summary["reaction", "percent"]["Værdi"] == figures["reaction"]["percent"]
    assert summary["reaction", "percent"]["Mål nået"] is False
    uptime = summary["availability", "primary.uptime_percent"]
    assert uptime["Værdi"] == figures["availability"]["primary"]["uptime_percent"]
    assert summary["penalties", "points"]["Værdi"] == figures["penalties"]["points"]
    assert summary["report", "from"]["Værdi"] == dt.datetime(2026, 11, 1)


def test_columns_are_as_wide_as_their_contents(book: Workbook) -> None:
    sheet = book["Reaktion"]
    assert (sheet.column_dimensions["B"].width or 0) >= len("Æble på øen")


def test_a_sheet_has_the_fields_its_rows_have(book: Workbook) -> None:
    start = records(book["Påbegyndelsestid"])
    assert start == [
        {"Hændelse": "BDK-2026-0101", "Påbegyndelsestid (minutter)": 12.0},
        {"Hændelse": "BDK-2026-0104", "Påbegyndelsestid (minutter)": 20.0},
    ]
    escalation = records(book["Eskaleringer"])[0]
    assert escalation["Sendt"] == dt.datetime(2026, 11, 20, 14, 15)
