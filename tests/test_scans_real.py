"""Scans as they really arrive (issue 16): pages fed the wrong way, low and high resolutions,
skew and noise, and PDFs with only some pages scanned.

The scans are made here (``tests/scans.py``) of a seed rendered by yusuan and of the real
普陀区政府办公室 2025 unit budget. A sample only (two or three OCR'd pages per case); the full
sweep of resolutions × turns is ``bench/scans.py``. The reference is the same document read from
its text layer (which ``tests/test_pdf.py`` and ``tests/test_shanghai.py`` hold to the printed
documents) or the seed itself: every numeric table cell must be read exactly or flagged (below
``LOW_CONFIDENCE``, or cited by an error of ``yusuan.check``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

import yusuan
from tests.conftest import SHARED, parsed
from tests.scans import Shape, page_image, scan_pdf
from tests.test_final_scan import cited, compare
from tests.test_ocr import score, table_pages, unexplained
from yusuan.readers import ocr_engine
from yusuan.readers.ocr import LOW_CONFIDENCE
from yusuan.readers.orientation import page_rotation
from yusuan.render.pdf import write_pdf

UNIT = SHARED / "real-docs" / "shanghai" / "shpt_zfb_2025_unit_budget.pdf"


def test_orientation_of_quarter_turned_pages() -> None:
    """All four turns of a table page and of a text page are found (on the raw image)."""
    src = pdfium.PdfDocument(UNIT)
    try:
        for index in (10, 20):  # 支出预算总表, the narrative
            for turn in (0, 90, 180, 270):
                image = np.asarray(page_image(src, index, Shape(dpi=100, turn=turn, skew=0.6)))
                rotation = page_rotation(image, 100, ocr_engine._engine())
                assert (rotation + turn) % 360 == 0, (index, turn)
    finally:
        src.close()


def test_mixed_real_pdf(tmp_path: Path) -> None:
    """The real PDF with 支出预算总表's first page scanned sideways (a quarter turn in the image,
    noise) and the second page of 一般公共预算支出功能分类预算表 scanned at 100 dpi: the tables
    continue across text and scanned pages; the scanned pages carry OCR confidences."""
    shapes = {
        10: Shape(dpi=150, turn=90, noise=12.0),
        14: Shape(dpi=100, skew=-0.8),
    }
    path = scan_pdf(UNIT, shapes, tmp_path / "mixed.pdf", keep_text=True)
    text = yusuan.read(UNIT)
    read = yusuan.read(path)
    assert sorted(read.tables) == sorted(text.tables) == list(range(1, 10))
    cells, exact, misses = compare(text, read, sorted(text.tables))
    report = yusuan.check(read)
    flagged = [
        m
        for m in misses
        if (m.confidence is not None and m.confidence < LOW_CONFIDENCE) or cited(report, m)
    ]
    print(f"mixed real PDF: {exact}/{cells} exact, {len(flagged)} flagged, misses {misses}")
    assert cells > 200
    assert len(misses) == len(flagged), misses
    assert exact >= 0.99 * cells
    # Rows of the scanned pages carry OCR scores and their page.
    lines = yusuan.readers.load(path).lines
    scanned = [line for line in lines if line.page in (11, 15) and line.cells]
    assert scanned and any(c < 1.0 for line in scanned for c in line.confidences or [])
    assert all(c == 1.0 for line in lines if line.page == 12 for c in line.confidences or [])


def test_scanned_seed_turned_pages(tmp_path: Path) -> None:
    """An image-only scan of a seed's tables 1 and 2: one page upright in its image but shown
    sideways by /Rotate 90, at 100 dpi with noise; one turned upside down at 200 dpi with
    skew."""
    rendered = tmp_path / "000.pdf"
    write_pdf(parsed("000"), rendered)
    src = pdfium.PdfDocument(rendered)
    try:
        pages = table_pages(src)[:2]
    finally:
        src.close()
    shapes = {
        pages[0]: Shape(dpi=100, rotate=90, noise=10.0),
        pages[1]: Shape(dpi=200, turn=180, skew=0.7),
    }
    path = scan_pdf(rendered, shapes, tmp_path / "turned.pdf")
    d = yusuan.read(path)
    assert d.meta.extraction == "ocr"
    result = score(parsed("000"), d, [1, 2])
    print(f"seed 000 turned: {result.exact}/{result.cells} exact, misses {result.misses}")
    assert result.cells > 40
    assert result.accuracy >= 0.99, result.misses
    assert unexplained(result, yusuan.check(d)) == [], result.misses


@pytest.mark.parametrize("turn", [90])
def test_orientation_costs_little(turn: int) -> None:
    """Finding the orientation of a page takes well under a tenth of reading it."""
    import time

    src = pdfium.PdfDocument(UNIT)
    try:
        image = np.asarray(page_image(src, 10, Shape(dpi=150, turn=turn)))
    finally:
        src.close()
    engine = ocr_engine._engine()
    page_rotation(image, 150, engine)  # models loaded
    start = time.perf_counter()
    for _ in range(3):
        page_rotation(image, 150, engine)
    assert (time.perf_counter() - start) / 3 < 0.15


def test_which_pages_are_read_by_ocr() -> None:
    """A page image without text, or under an invisible OCR layer of poor quality, is OCR'd; a
    page with visible text, a good invisible layer or no large image is read from its text."""
    from yusuan.readers.mixed import needs_ocr
    from yusuan.readers.pdf_parts import Char

    def chars(text: str, hidden: bool) -> list[Char]:
        return [Char(t, k * 10.0, 0.0, k * 10.0 + 9, 10.0, hidden) for k, t in enumerate(text)]

    assert needs_ocr([], 0.95)
    assert needs_ocr(chars("支出\ufffd\ufffd\ue000\ue001ЖЖ", hidden=True), 0.95)
    assert not needs_ocr(chars("一般公共预算支出1,908.14", hidden=True), 0.95)
    assert not needs_ocr(chars("支出\ufffd\ufffd", hidden=False), 0.95)
    assert not needs_ocr([], 0.2)  # a blank page, or one with a small picture
