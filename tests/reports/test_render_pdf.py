"""The PDF opens: poppler renders its first page and reads its text back, Danish letters and
page numbers included. WeasyPrint is slow, so each document is printed once per module."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from stabil.printing import document_language, pdf_of
from stabil.reports.render.formats import Format, render
from tests.reports.sample import report

POPPLER = "poppler-utils is missing: apt-get install -y poppler-utils"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in ("pdftoppm", "pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(POPPLER)  # not a skip: the PDF would go unchecked
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render(report(), Format.pdf, "da"))
    return path


def run(*command: str | Path) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_the_pdf_is_a4_and_its_first_page_renders(pdf: Path) -> None:
    assert pdf.read_bytes().startswith(b"%PDF-")
    info = run("pdfinfo", pdf)
    assert "841.89 pts (A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 12
    run("pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", pdf, pdf.with_suffix(""))
    image = next(pdf.parent.glob("report-*1.png"))
    assert image.read_bytes().startswith(b"\x89PNG")
    assert image.stat().st_size > 1000


def test_its_text_has_the_danish_letters_and_page_numbers(pdf: Path) -> None:
    text = run("pdftotext", "-layout", pdf, "-")
    # A missed timer's incident title, letter for letter, read in the text's own order (a
    # narrow cell may wrap it, and the layout puts the next columns between its lines).
    assert "Æble på øen" in " ".join(run("pdftotext", pdf, "-").split())
    assert "Påbegyndelsestid på kritiske fejl" in text
    assert "Side 1 af" in text
    assert "99,55 %" in text
    assert "https://" not in text
    assert "BDK-2026-0102" in text


def test_any_document_prints_with_page_numbers_in_its_language(tmp_path: Path) -> None:
    # A file it names is not read: a document prints what it carries, and nothing else.
    image = tmp_path / "dot.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')
    document = (
        '<!doctype html><html lang="en"><body><h1>Meeting pack</h1>'
        f'<img src="{image.as_uri()}" alt="a dot"></body></html>'
    )
    assert document_language(document) == "en"
    assert document_language("<p>no language</p>") == "da"
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf_of(document))
    text = run("pdftotext", path, "-")
    assert "Meeting pack" in text
    assert "Page 1 of 1" in text
    assert "a dot" in text  # the image's alternative text stands in for it
