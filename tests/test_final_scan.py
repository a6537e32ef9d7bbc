"""A scan of the real Shanghai 部门决算 read by OCR, as its text layer is read.

The scan is made here from the real 普陀区财政局 2024 决算: a sample of its pages (the cover, the
first page of the 目录, the pages of 表一, 表二, 表四 and 表五 and the narrative's page 21) is
rasterised at 150 dpi, each page turned by a slight skew, and saved as an image-only PDF. It is
read once for the module. The reference is the text-layer reading that ``tests/test_final_reading``
holds cell for cell to its hand transcription (imported from there, with the two real defects of
page 21): at least 99% of the numeric cells of the tables in the sample must read exactly, and
every cell read wrong must be marked below ``LOW_CONFIDENCE`` or cited by an error of
``yusuan.check``.

The sample leaves Part 1 and the 目录's second page out, so the part headings of the 目录 are the
only 第一部分 and the first 第三部分 of the document; the body starts where the headings go back
to a lower part (第二部分 after the 目录's 第三部分).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

import yusuan
from tests.test_final_reading import FINAL, TRUE_DEFECTS, final
from yusuan.checks.findings import Finding
from yusuan.checks.report import Report
from yusuan.model import Disclosure, Side
from yusuan.readers import ocr_engine, ocr_skew
from yusuan.readers.ocr import LOW_CONFIDENCE
from yusuan.templates import get_template

# Indexes of the sampled pages in the real PDF: cover, 目录 (its first page), 表一 (2 pages),
# 表二 (2), 表四 (2), 表五, and page 21 (第三部分 一 … 五（三）).
PAGES = (0, 1, 5, 6, 7, 8, 11, 12, 14, 20)
SAMPLED = [1, 2, 4, 5]  # the tables whose pages are in the sample
LEFT_OUT = [3, 6, 7, 8, 9]
DPI = 150
SKEWS = (0.7, -0.9, 1.1, -0.6)  # degrees, anticlockwise, page by page in turn


@dataclass
class Scan:
    pdf: Path
    disclosure: Disclosure
    report: Report


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    if not FINAL.exists():
        pytest.fail(f"missing {FINAL} (set YUSUAN_SHARED to the shared folder)")
    src = pdfium.PdfDocument(FINAL)
    try:
        images = [
            src[index]
            .render(scale=DPI / 72, grayscale=True)
            .to_pil()
            .convert("L")
            .rotate(SKEWS[k % len(SKEWS)], resample=Image.Resampling.BICUBIC, fillcolor=255)
            for k, index in enumerate(PAGES)
        ]
    finally:
        src.close()
    path = tmp_path_factory.mktemp("final_scan") / "final_scan.pdf"
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
    disclosure = yusuan.read(path)
    return Scan(path, disclosure, yusuan.check(disclosure))


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Miss:
    table: int
    row: str
    column: str
    expected: str
    read: str | None
    confidence: float | None


def _rows(d: Disclosure, number: int) -> dict[tuple[str, Side | None, int], Any]:
    """Rows by (code or label, side, occurrence): 表四 prints some labels twice."""
    table = d.tables.get(number)
    seen: Counter[tuple[str, Side | None]] = Counter()
    rows = {}
    for row in table.rows if table is not None else []:
        key = (row.code or row.label, row.side)
        rows[(*key, seen[key])] = row
        seen[key] += 1
    return rows


def compare(
    expected: Disclosure, read: Disclosure, tables: list[int]
) -> tuple[int, int, list[Miss]]:
    """Numeric cells with a figure in ``expected``, those read exactly, and the cells read wrong
    (blank cells read as figures included)."""
    cells = exact = 0
    misses: list[Miss] = []
    for number in tables:
        got = _rows(read, number)
        for key, row in _rows(expected, number).items():
            for column_key, cell in row.cells.items():
                column = expected.tables[number].column(column_key, row.side)
                if column is None or not column.numeric:
                    continue
                other = got.get(key)
                read_cell = other.cells.get(column_key) if other is not None else None
                text = read_cell.text if read_cell is not None else None
                cells += cell.text != ""
                if text == cell.text:
                    exact += cell.text != ""
                    continue
                confidence = read_cell.confidence if read_cell is not None else None
                misses.append(Miss(number, key[0], column_key, cell.text, text, confidence))
    return cells, exact, misses


def cites(finding: Finding, miss: Miss) -> bool:
    return any(
        loc.table == miss.table and loc.row == miss.row and loc.column == miss.column
        for loc in finding.locations
    )


def cited(report: Report, miss: Miss) -> bool:
    return any(cites(finding, miss) for finding in report.errors)


# --- the scan ------------------------------------------------------------------------------------


def test_the_scan_has_no_text_layer(scan: Scan) -> None:
    pdf = pdfium.PdfDocument(scan.pdf)
    try:
        assert len(pdf) == len(PAGES)
        assert all(pdf[i].get_textpage().get_text_range().strip() == "" for i in range(len(pdf)))
    finally:
        pdf.close()


def test_the_scan_reads_as_the_final_accounts(scan: Scan) -> None:
    d, original = scan.disclosure, final()
    assert d.meta.extraction == "ocr"
    assert (d.meta.profile, d.meta.kind, d.meta.amount_unit) == ("shanghai-final", "决算", "万元")
    assert (d.meta.unit_name, d.meta.year, d.meta.scope) == ("上海市普陀区财政局", 2024, "部门")
    assert sorted(d.tables) == SAMPLED
    for number in SAMPLED:
        read, text = d.tables[number], original.tables[number]
        assert read.key == text.key
        assert read.amount_unit == "万元"
        assert [(c.key, c.header, c.side) for c in read.columns] == [
            (c.key, c.header, c.side) for c in text.columns
        ], number
        assert [(r.code, r.kind, r.side) for r in read.rows] == [
            (r.code, r.kind, r.side) for r in text.rows
        ], number
        labels = [r.label for r in read.rows]
        same = sum(a == b for a, b in zip(labels, (r.label for r in text.rows), strict=True))
        assert same >= 0.95 * len(labels), number


def test_numeric_cells_read_as_in_the_text_layer(scan: Scan) -> None:
    cells, exact, misses = compare(final(), scan.disclosure, SAMPLED)
    assert cells == 12 + 45 + 19 + 44  # the figures 表一, 表二, 表四 and 表五 print
    assert exact >= 0.99 * cells, misses
    unexplained = [
        m
        for m in misses
        if not (m.confidence is not None and m.confidence < LOW_CONFIDENCE)
        and not cited(scan.report, m)
    ]
    assert unexplained == []


def test_cells_carry_page_box_and_confidence(scan: Scan) -> None:
    table = scan.disclosure.tables[5]
    total = table.rows[-1].cells["total"]
    assert table.rows[-1].key == "合计"
    assert total.source is not None and total.source.page == PAGES.index(14) + 1
    assert total.source.bbox is not None
    x0, top, x1, bottom = total.source.bbox
    assert 0 < x0 < x1 < 600 and 0 < top < bottom < 850  # points on an A4 page
    assert 0.0 <= total.confidence <= 1.0


# --- checking the scan ---------------------------------------------------------------------------


def test_only_the_left_out_tables_are_reported_missing(scan: Scan) -> None:
    missing = [f for f in scan.report.errors if f.rule == "COMP-TABLES"]
    numbers = sorted(
        int(m.group(1)) for f in missing if (m := re.match(r"表(\d+)", f.locations[0].label))
    )
    assert numbers == LEFT_OUT


def test_the_real_narrative_defects_are_found(scan: Scan) -> None:
    errors = scan.report.errors
    _, _, misses = compare(final(), scan.disclosure, SAMPLED)
    total = [f for f in errors if f.rule == "FINAL-NARR-AMOUNTS" and "0.3万元" in f.message]
    assert len(total) == 1 and "2961.68" in total[0].message
    share = [f for f in errors if f.rule == "FINAL-NARR-SHARES" and "71.73%" in f.message]
    assert len(share) == 1 and "71.65%" in share[0].message
    others = [
        f.message
        for f in errors
        if f.rule != "COMP-TABLES"
        and not any(defect in f.message for defect in TRUE_DEFECTS)
        and not any(cites(f, miss) for miss in misses)
    ]
    assert others == []  # no false error: only the left-out tables, the defects, misread cells


def test_the_narrative_is_where_the_text_layer_puts_it(scan: Scan) -> None:
    d, original = scan.disclosure, final()
    template = get_template("shanghai-final")
    assert [s.number for s in d.sections] == ["一", "二", "三", "四", "五"]
    assert [s.title for s in d.sections] == [template.sections[n] for n in range(1, 6)]
    five, text_five = d.section("五"), original.section("五")
    assert five is not None and text_five is not None
    assert [s.title for s in five.subsections] == [s.title for s in text_five.subsections]
    for number in ("一", "二", "三", "四"):
        read, text = d.section(number), original.section(number)
        assert read is not None and text is not None
        assert _plain(read.text) == _plain(text.text), number


def _plain(text: str) -> str:
    """Text without spaces and with one width of punctuation: OCR cannot tell "；" from ";"
    after a figure (Shanxi prints the half-width ones), so it keeps what it reads."""
    return unicodedata.normalize("NFKC", "".join(text.split()))


# --- the cause: a sample of pages, not OCR ------------------------------------------------------


def test_the_same_sample_of_the_text_layer(tmp_path: Path) -> None:
    """The text layer of the same pages reads the same tables: the body is found after the
    目录 although its Part 1 is left out."""
    src = pdfium.PdfDocument(FINAL)
    sample = pdfium.PdfDocument.new()
    try:
        sample.import_pages(src, list(PAGES))
        sample.save(tmp_path / "sample.pdf")
    finally:
        sample.close()
        src.close()
    d = yusuan.read(tmp_path / "sample.pdf")
    assert d.meta.extraction == "pdf"
    assert sorted(d.tables) == SAMPLED
    assert [s.number for s in d.sections] == ["一", "二", "三", "四", "五"]
    cells, exact, _ = compare(final(), d, SAMPLED)
    assert exact == cells


@pytest.mark.parametrize("angle", [-1.2, 0.8])
def test_a_page_without_rules_is_straightened_by_its_lines(angle: float) -> None:
    """Page 21 holds text only: its skew is measured on the text lines the detector finds."""
    src = pdfium.PdfDocument(FINAL)
    try:
        image = src[20].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        src.close()
    page = np.asarray(image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
    assert ocr_skew.skew_angle(page, DPI) == 0.0  # no rules to measure it on
    quads = ocr_engine._detect_quads(page, DPI)
    assert ocr_skew._text_skew(quads) == pytest.approx(angle, abs=0.15)
