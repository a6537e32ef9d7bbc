"""Scans as they arrive (issue 16): accuracy and pages per second of ``yusuan.read`` on scans
made of a rendered seed (tables 1 and 2, image-only) and of the real 普陀区政府办公室 2025 unit
budget (the two pages of 支出预算总表 scanned, the other pages kept as text), at 100, 150 and
200 dpi, turned by 0/90/180/270° in the image (with a slight skew and noise) and by the page's
/Rotate entry, and on a mixed PDF (支出预算总表's first page scanned sideways, the second page of
表6 at 100 dpi). Also the cost of finding a page's orientation.

    .venv/bin/python bench/scans.py           # the whole sweep (~5 minutes on 2 cores)
    YUSUAN_BENCH_QUICK=1 .venv/bin/python bench/scans.py   # 150 dpi, 0° and 90° only

exact: numeric cells read as the reference (the seed, or the text layer of the real PDF);
flagged: the others that are below LOW_CONFIDENCE or cited by a check error; unflagged: wrong
and not flagged (the target is 0).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

import yusuan  # noqa: E402
from tests.conftest import SHARED, parsed  # noqa: E402
from tests.scans import Shape, page_image, scan_pdf  # noqa: E402
from tests.test_final_scan import cited, compare  # noqa: E402
from tests.test_ocr import table_pages  # noqa: E402
from yusuan.readers import ocr_engine  # noqa: E402
from yusuan.readers.ocr import LOW_CONFIDENCE  # noqa: E402
from yusuan.readers.orientation import page_rotation  # noqa: E402
from yusuan.render.pdf import write_pdf  # noqa: E402

QUICK = os.environ.get("YUSUAN_BENCH_QUICK") == "1"
UNIT = SHARED / "real-docs" / "shanghai" / "shpt_zfb_2025_unit_budget.pdf"
UNIT_PAGES = (10, 11)  # 支出预算总表 (表3), two pages
DPIS = (150,) if QUICK else (100, 150, 200)
TURNS = (0, 90) if QUICK else (0, 90, 180, 270)


def _case(source: Path, shapes: dict[int, Shape], reference: object, tables: list[int],
          folder: Path, keep_text: bool = False) -> tuple[int, int, int, int, float]:  # fmt: skip
    """cells, exact, flagged, unflagged, pages per second."""
    path = scan_pdf(source, shapes, folder / "scan.pdf", keep_text=keep_text)
    start = time.perf_counter()
    read = yusuan.read(path)
    seconds = time.perf_counter() - start  # the text pages of a mixed PDF take ~0.3 s
    report = yusuan.check(read)
    cells, exact, misses = compare(reference, read, tables)  # type: ignore[arg-type]
    flagged = sum(
        1
        for m in misses
        if (m.confidence is not None and m.confidence < LOW_CONFIDENCE) or cited(report, m)
    )
    return cells, exact, flagged, len(misses) - flagged, len(shapes) / seconds


def orientation_cost() -> None:
    src = pdfium.PdfDocument(UNIT)
    engine = ocr_engine._engine()
    try:
        for dpi in DPIS:
            image = np.asarray(page_image(src, UNIT_PAGES[0], Shape(dpi=dpi, turn=90)))
            page_rotation(image, dpi, engine)
            times = []
            for _ in range(5):
                start = time.perf_counter()
                page_rotation(image, dpi, engine)
                times.append((time.perf_counter() - start) * 1000)
            print(f"  orientation of a page at {dpi} dpi: {statistics.median(times):.0f} ms")
    finally:
        src.close()


def main() -> None:
    print("scans (yusuan.read; numeric cells exact / flagged / unflagged; pages per second)")
    orientation_cost()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        seed = folder / "000.pdf"
        write_pdf(parsed("000"), seed)
        pdf = pdfium.PdfDocument(seed)
        seed_pages = table_pages(pdf)[:2]
        pdf.close()
        text = yusuan.read(UNIT)
        sources = [
            ("seed 000 表1-2", seed, seed_pages, parsed("000"), [1, 2], False),
            # the real PDF with 表3's pages scanned, the rest kept (its cover names the document)
            ("上海 单位预算 表3", UNIT, list(UNIT_PAGES), text, [3], True),
        ]
        print(f"  {'document':<18} {'dpi':>4} {'turn':>9} {'cells':>6} {'exact':>6} "
              f"{'flagged':>8} {'unflagged':>10} {'pages/s':>8}")  # fmt: skip
        totals = [0, 0, 0, 0]
        for label, source, pages, reference, tables, keep in sources:
            for dpi in DPIS:
                for turn in TURNS:
                    for how in ("image", "/Rotate") if turn else ("image",):
                        if how == "image":
                            shape = Shape(dpi=dpi, turn=turn, skew=0.7, noise=8.0)
                        else:  # upright in its image, shown turned by the page
                            shape = Shape(dpi=dpi, rotate=turn)
                        shapes = dict.fromkeys(pages, shape)
                        result = _case(source, shapes, reference, tables, folder, keep)
                        cells, exact, flagged, unflagged, rate = result
                        totals = [a + b for a, b in zip(totals, result[:4], strict=True)]
                        print(f"  {label:<18} {dpi:>4} {f'{turn}° {how}':>9} {cells:>6} "
                              f"{exact:>6} {flagged:>8} {unflagged:>10} {rate:>8.2f}")  # fmt: skip
        shapes = {UNIT_PAGES[0]: Shape(dpi=150, turn=90, noise=8.0), 14: Shape(dpi=100, skew=-0.8)}
        cells, exact, flagged, unflagged, rate = _case(
            UNIT, shapes, text, sorted(text.tables), folder, keep_text=True
        )
        print(f"  mixed PDF (21 pages, 2 scanned): {exact}/{cells} exact, {flagged} flagged, "
              f"{unflagged} unflagged, {rate:.2f} scanned pages/s")  # fmt: skip
        print(f"  sweep: {totals[1]}/{totals[0]} exact, {totals[2]} flagged, "
              f"{totals[3]} unflagged")  # fmt: skip


if __name__ == "__main__":
    main()
