"""How the OCR reader goes through a scan's pages: two at a time in page order with at most two
held (``readers.pipelined``), recognition batches capped by padded width, and the skew measured
on the rules of a real seed page to a few hundredths of a degree."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from tests.conftest import parsed
from tests.test_ocr import rasterise, table_pages
from yusuan.readers import ocr_engine, ocr_skew
from yusuan.readers.pipelined import page_workers, pipelined
from yusuan.render.pdf import write_pdf


def test_pages_come_back_in_order_with_at_most_two_held() -> None:
    taken: list[int] = []
    running = 0
    most = 0
    lock = threading.Lock()

    def pages() -> Iterator[int]:
        for number in range(1, 9):
            taken.append(number)
            yield number

    def read(number: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02 * (9 - number))  # earlier pages take longer: order must still hold
        with lock:
            running -= 1
        return number * 10

    out = []
    for result in pipelined(pages(), read, 2):
        out.append(result)
        assert len(taken) <= len(out) + 2  # never more than two pages taken ahead
    assert out == [10, 20, 30, 40, 50, 60, 70, 80]
    assert most == 2  # two pages really were read at once


def test_an_error_on_a_page_stops_the_reading() -> None:
    def read(number: int) -> int:
        if number == 3:
            raise ValueError("第3页无法读取")
        return number

    got = []
    with pytest.raises(ValueError, match="第3页"):
        for result in pipelined(iter(range(1, 100)), read, 2):
            got.append(result)
    assert got == [1, 2]


def test_page_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUSUAN_OCR_PAGE_THREADS", "1")
    assert page_workers() == 1
    monkeypatch.setenv("YUSUAN_OCR_PAGE_THREADS", "不是数字")
    assert 1 <= page_workers() <= 2


def test_recognition_batches_are_capped_by_padded_width() -> None:
    # Crops 30 px high: a number cell (90 px wide) and long lines of text (900 px wide).
    narrow = [np.zeros((30, 90, 3), np.uint8)] * 10
    wide = [np.zeros((30, 900, 3), np.uint8)] * 4
    crops = wide[:2] + narrow + wide[2:]
    batches = ocr_engine._rec_batches(crops)
    assert sorted(i for batch in batches for i in batch) == list(range(len(crops)))
    for batch in batches:
        width = max(48 * crops[i].shape[1] / crops[i].shape[0] for i in batch) * len(batch)
        assert len(batch) <= ocr_engine._REC_BATCH
        assert width <= ocr_engine._REC_BATCH_WIDTH or len(batch) == 1
    # The ten number cells still go six to a run; each long line (1,440 px scaled) alone.
    assert sorted(len(b) for b in batches) == [1, 1, 1, 1, 4, 6]


@pytest.mark.parametrize("dpi", [100, 150, 200])
def test_skew_is_exact_on_a_real_page(dpi: int, tmp_path: Path) -> None:
    """Seed 001's 表3 rendered, turned by known angles: the measured skew is within 0.05°
    (the page is not rotated back for less), where the Hough segments' ends alone were off by
    up to 0.2°."""
    rendered = tmp_path / "001.pdf"
    write_pdf(parsed("001"), rendered)
    pdf = pdfium.PdfDocument(rendered)
    page = np.asarray(rasterise(pdf, table_pages(pdf)[2], dpi).convert("L"))
    pdf.close()
    height, width = page.shape
    for angle in (-2.6, -1.1, -0.3, 0.4, 1.7, 3.0):
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        turned = cv2.warpAffine(page, matrix, (width, height), borderValue=255)
        assert ocr_skew.skew_angle(turned, float(dpi)) == pytest.approx(angle, abs=0.05)
