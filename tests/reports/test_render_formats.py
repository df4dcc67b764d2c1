"""The formats' names, media types and file names, and the one dispatch to them."""

from __future__ import annotations

import json

import pytest

from stabil.errors import Invalid
from stabil.reports.render.formats import (
    Format,
    file_name,
    format_of_media_type,
    parse_format,
    render,
)
from tests.reports.sample import report


def test_each_format_has_its_media_type_and_extension() -> None:
    assert [item.value for item in Format] == ["json", "html", "pdf", "xlsx", "csv"]
    assert Format.pdf.media_type == "application/pdf"
    assert Format.xlsx.extension == ".xlsx"
    assert file_name(report(), Format.csv) == "borger-dk-2026-11.csv"


def test_a_format_is_parsed_or_refused_with_the_ones_there_are() -> None:
    assert parse_format(" PDF ") is Format.pdf
    with pytest.raises(Invalid) as refused:
        parse_format("docx")
    assert refused.value.field == "format"
    assert "'docx' is not a report format (write json, html, pdf, xlsx or csv)" in str(
        refused.value
    )


def test_an_accept_header_names_a_format() -> None:
    assert format_of_media_type("text/csv") is Format.csv
    assert format_of_media_type("application/pdf, text/html;q=0.5") is Format.pdf
    assert format_of_media_type("image/png, */*") is None


def test_render_gives_the_contract_as_json_and_the_others_as_their_bytes() -> None:
    sample = report()
    assert json.loads(render(sample, Format.json, "da")) == sample.contract()
    assert render(sample, Format.html, "en").startswith(b"<!doctype html>")
    assert render(sample, Format.csv, "da").startswith(b"section,key,value,goal,goal_met\r\n")
    assert render(sample, Format.xlsx, "da").startswith(b"PK")  # a zip, as every xlsx is
