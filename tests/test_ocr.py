"""Scanned disclosures read by OCR.

The scans are made here: a seed is rendered to PDF (``write_pdf``), the pages of tables 1–6 are
rasterised at 150 or 200 dpi, each page is turned by a slight skew (0.5–1.5°) and the pages are
saved as an image-only PDF and as PNG files. Reading them back must give the seed's figures:
at least 99% of the numeric cells exactly, and every cell read wrong must be either marked below
``LOW_CONFIDENCE`` or cited by an error of ``yusuan.check``.
"""

from __future__ import annotations

import re
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageDraw

import yusuan
from tests.conftest import parsed
from yusuan.checks.report import Report
from yusuan.errors import UnreadableFileError
from yusuan.model import Disclosure
from yusuan.readers import ocr, ocr_amounts, ocr_engine, ocr_parts, ocr_skew, ocr_text
from yusuan.readers.ocr import LOW_CONFIDENCE, read_image, read_scanned_pdf
from yusuan.recognize.document import recognize
from yusuan.render.pdf import write_pdf

TABLES = range(1, 7)
# seed → resolution of the scan and the skew of its pages in turn (degrees, anticlockwise)
SCANS = {"000": (200, (0.8, -1.2, 1.5, -0.5, 1.0, -1.4)), "001": (150, (-0.7, 1.3, -1.5, 0.6))}
_MARKER = re.compile(r"预算公开表(\d+)")


@dataclass
class Scan:
    seed: str
    dpi: int
    skews: list[float]
    pdf: Path  # image-only PDF of the pages of tables 1–6
    pngs: list[Path]  # the same pages, one PNG each
    rendered: Path  # the PDF they were rasterised from (with its text layer)
    pages: list[int] = field(default_factory=list)  # their indexes in ``rendered``


def table_pages(pdf: Any) -> list[int]:
    """Indexes of the pages that hold tables 1–6 (by their marker 预算公开表N)."""
    pages = []
    for index in range(len(pdf)):
        found = _MARKER.search(pdf[index].get_textpage().get_text_range())
        if found and int(found.group(1)) in TABLES:
            pages.append(index)
    return pages


def rasterise(pdf: Any, index: int, dpi: int) -> Image.Image:
    image: Image.Image = pdf[index].render(scale=dpi / 72, grayscale=True).to_pil()
    return image.convert("L")


def skewed(image: Image.Image, angle: float) -> Image.Image:
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def make_scan(seed: str, folder: Path) -> Scan:
    dpi, skews = SCANS[seed]
    rendered = folder / f"{seed}.pdf"
    write_pdf(parsed(seed), rendered)
    pdf = pdfium.PdfDocument(rendered)
    pages = table_pages(pdf)
    assert len(pages) == len(TABLES)
    images = [
        skewed(rasterise(pdf, index, dpi), skews[k % len(skews)]) for k, index in enumerate(pages)
    ]
    pdf.close()
    pngs = []
    for k, image in enumerate(images, start=1):
        png = folder / f"{seed}_page{k}.png"
        image.save(png, dpi=(dpi, dpi))
        pngs.append(png)
    scan = folder / f"{seed}_scan.pdf"
    images[0].save(scan, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return Scan(seed, dpi, list(skews), scan, pngs, rendered, pages)


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scan]:
    folder = tmp_path_factory.mktemp("scans")
    return {seed: make_scan(seed, folder) for seed in SCANS}


@dataclass
class Read:
    disclosure: Disclosure
    report: Report
    seconds_per_page: float


@pytest.fixture(scope="module")
def read_scans(scans: dict[str, Scan]) -> dict[str, Read]:
    out = {}
    for seed, scan in scans.items():
        start = time.perf_counter()
        disclosure = yusuan.read(scan.pdf)
        elapsed = (time.perf_counter() - start) / len(scan.pngs)
        out[seed] = Read(disclosure, yusuan.check(disclosure), elapsed)
    return out


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Miss:
    table: int
    row: str
    column: str
    expected: str
    read: str | None
    confidence: float | None


@dataclass
class Score:
    cells: int = 0  # numeric cells with a figure in the seed
    exact: int = 0
    misses: list[Miss] = field(default_factory=list)  # including blank cells read as figures

    @property
    def accuracy(self) -> float:
        return self.exact / self.cells if self.cells else 0.0


def _rows(d: Disclosure, number: int) -> dict[tuple[str, Any, int], Any]:
    """Rows of a table by (code or label, side, occurrence): table 4 prints some labels twice."""
    table = d.tables.get(number)
    seen: Counter[tuple[str, Any]] = Counter()
    rows = {}
    for row in table.rows if table is not None else []:
        key = (row.code or row.label, row.side)
        rows[(*key, seen[key])] = row
        seen[key] += 1
    return rows


def score(expected: Disclosure, read: Disclosure, tables: range | list[int] = TABLES) -> Score:
    result = Score()
    for number in tables:
        want_table = expected.tables[number]
        got = _rows(read, number)
        for key, row in _rows(expected, number).items():
            for column_key, cell in row.cells.items():
                column = want_table.column(column_key, row.side)
                if column is None or not column.numeric:
                    continue
                other = got.get(key)
                read_cell = other.cells.get(column_key) if other is not None else None
                read_text = read_cell.text if read_cell is not None else None
                if cell.text:
                    result.cells += 1
                if read_text == cell.text:
                    result.exact += cell.text != ""
                    continue
                result.misses.append(
                    Miss(
                        number,
                        key[0],
                        column_key,
                        cell.text,
                        read_text,
                        read_cell.confidence if read_cell is not None else None,
                    )
                )
    return result


def cited(report: Report, miss: Miss) -> bool:
    """Whether an error of the checks names the cell."""
    return any(
        location.table == miss.table and location.row == miss.row and location.column == miss.column
        for finding in report.errors
        for location in finding.locations
    )


def unexplained(result: Score, report: Report) -> list[Miss]:
    """Cells read wrong that are neither marked as doubtful nor caught by the checks."""
    return [
        miss
        for miss in result.misses
        if not (miss.confidence is not None and miss.confidence < LOW_CONFIDENCE)
        and not cited(report, miss)
    ]


# --- the scans -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SCANS))
def test_scan_has_no_text_layer(seed: str, scans: dict[str, Scan]) -> None:
    pdf = pdfium.PdfDocument(scans[seed].pdf)
    try:
        assert len(pdf) == len(TABLES)
        assert all(pdf[i].get_textpage().get_text_range().strip() == "" for i in range(len(pdf)))
    finally:
        pdf.close()


@pytest.mark.parametrize("seed", sorted(SCANS))
def test_scanned_pdf_reads_the_seed_figures(seed: str, read_scans: dict[str, Read]) -> None:
    read = read_scans[seed]
    d = read.disclosure
    assert d.meta.extraction == "ocr"
    assert set(TABLES) <= set(d.tables)
    assert d.meta.unit_name == parsed(seed).meta.unit_name
    assert d.meta.year == parsed(seed).meta.year
    result = score(parsed(seed), d)
    summary = (
        f"seed {seed}: {result.exact}/{result.cells} numeric cells exact "
        f"({result.accuracy:.2%}), {read.seconds_per_page:.1f} s per page; misses: "
        f"{result.misses}"
    )
    print(summary)
    assert result.cells > 150, summary
    assert result.accuracy >= 0.99, summary
    assert unexplained(result, read.report) == [], summary


@pytest.mark.parametrize("seed", sorted(SCANS))
def test_scanned_cells_carry_page_box_and_confidence(
    seed: str, read_scans: dict[str, Read]
) -> None:
    table = read_scans[seed].disclosure.tables[3]
    total = table.rows[0].cells["total"]
    assert total.source is not None
    assert total.source.page == 3  # the third page of the scan
    assert total.source.bbox is not None
    x0, top, x1, bottom = total.source.bbox
    assert 0 < x0 < x1 < 600 and 0 < top < bottom < 850  # points on an A4 page
    assert 0.0 <= total.confidence <= 1.0


@pytest.mark.parametrize("seed", sorted(SCANS))
def test_skew_is_measured_on_the_rules(seed: str, scans: dict[str, Scan]) -> None:
    scan = scans[seed]
    for k, png in enumerate(scan.pngs[:3]):
        gray = np.asarray(Image.open(png).convert("L"))
        applied = scan.skews[k % len(scan.skews)]
        assert ocr_skew.skew_angle(gray, scan.dpi) == pytest.approx(applied, abs=0.15)
        straight = ocr_skew.deskew(gray, scan.dpi)
        assert abs(ocr_skew.skew_angle(straight, scan.dpi)) < 0.15


def test_page_images(scans: dict[str, Scan]) -> None:
    """PNG pages read alone (``yusuan.read`` knows a PNG by its signature): the table on each
    is read whole."""
    for seed, page in (("000", 1), ("001", 6)):
        d = yusuan.read(scans[seed].pngs[page - 1])
        assert d.meta.extraction == "ocr"
        assert sorted(d.tables) == [page]
        result = score(parsed(seed), d, [page])
        assert result.cells >= 15
        assert result.misses == [], result.misses


def test_red_seal_over_a_table(scans: dict[str, Scan], tmp_path: Path) -> None:
    """A red seal (公章) stamped over figures and rules does not hide them."""
    page = Image.open(scans["000"].pngs[0]).convert("RGB")
    width, height = page.size
    seal = Image.new("RGB", page.size, (255, 255, 255))
    draw = ImageDraw.Draw(seal)
    red = (220, 30, 40)
    for cx, cy in ((0.66 * width, 0.78 * height), (0.62 * width, 0.14 * height)):
        r = 0.12 * width
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=int(0.008 * width))
        draw.regular_polygon((cx, cy, 0.035 * width), 5, fill=red)
    stamped = tmp_path / "stamped.jpg"
    ImageChops.multiply(page, seal).save(stamped, quality=90, dpi=(200, 200))

    d = recognize(read_image(stamped))
    assert d.tables[1].title == "2025年预算收支总表"
    result = score(parsed("000"), d, [1])
    assert result.misses == [], result.misses


def _char_box(
    textpage: Any, text: str, offset: int, dpi: int, height: float, occurrence: int = 0
) -> list[float]:
    """Pixel box of character ``offset`` of the ``occurrence``-th ``text`` on a page."""
    searcher = textpage.search(text)
    for _ in range(occurrence + 1):
        found = searcher.get_next()
        assert found is not None, text
    left, bottom, right, top = textpage.get_charbox(found[0] + offset)
    scale = dpi / 72
    return [left * scale, (height - top) * scale, right * scale, (height - bottom) * scale]


def test_damaged_cells_are_reported_not_guessed(scans: dict[str, Scan], tmp_path: Path) -> None:
    """A digit whited out, a digit under an ink blot, an amount blacked out: what is read is
    marked as doubtful (the ink left unread is seen), and the checks' arithmetic catches the
    amounts too."""
    scan = scans["001"]
    dpi = scan.dpi
    pdf = pdfium.PdfDocument(scan.rendered)
    index = scan.pages[0]  # table 1
    page = pdf[index]
    textpage = page.get_textpage()
    height = page.get_size()[1]
    image = rasterise(pdf, index, dpi)
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = _char_box(textpage, "1867.77", 1, dpi, height)  # the 8 of the income
    draw.rectangle([x0 - 0.5, y0 - 2, x1 + 0.5, y1 + 2], fill=255)
    x0, y0, x1, y1 = _char_box(textpage, "1852.71", 2, dpi, height)  # the 5 of class 210
    draw.ellipse([x0 - 1, y0 + 2, x1 + 1, y1 - 2], fill=60)
    x0, y0, _, _ = _char_box(textpage, "1867.77", 0, dpi, height, occurrence=1)  # 本年收入合计
    _, _, x1, y1 = _char_box(textpage, "1867.77", 6, dpi, height, occurrence=1)
    draw.rectangle([x0 - 2, y0 - 3, x1 + 2, y1 + 3], fill=35)
    pdf.close()
    path = tmp_path / "damaged.png"
    skewed(image, -0.9).save(path, dpi=(dpi, dpi))

    d = recognize(read_image(path))
    report = yusuan.check(d)
    result = score(parsed("001"), d, [1])
    assert unexplained(result, report) == [], result.misses
    by_label = {row.label: row for row in reversed(d.tables[1].rows)}  # first occurrence
    damaged = [
        (by_label["一、一般公共预算"].cells["amount"], "1867.77"),
        (by_label["十、卫生健康支出"].cells["total"], "1852.71"),
        (by_label["本年收入合计"].cells["amount"], "1867.77"),
    ]
    for cell, printed in damaged:
        assert cell.text == printed or cell.confidence < LOW_CONFIDENCE, cell
    # Nothing else on the page is doubted.
    doubtful = [
        (row.label, key)
        for row in d.tables[1].rows
        for key, cell in row.cells.items()
        if cell.confidence < LOW_CONFIDENCE
    ]
    assert len(doubtful) <= len(damaged), doubtful


# --- offline, errors, pieces -----------------------------------------------------------------


def test_models_ship_in_the_wheel(monkeypatch: pytest.MonkeyPatch, scans: dict[str, Scan]) -> None:
    """The OCR engine loads and reads with the network unreachable: nothing is downloaded."""

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise OSError("network access attempted")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    engine = ocr_engine.new_engine()
    title = np.asarray(Image.open(scans["000"].pngs[0]).convert("RGB"))[:500]
    result = engine(title, use_det=True, use_cls=False, use_rec=True)
    assert any("预算公开表" in text for text in result.txts)


def test_damaged_files_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError):
        read_scanned_pdf(tmp_path / "x.pdf", b"%PDF-1.4\n not really a PDF")
    with pytest.raises(UnreadableFileError):
        read_image(tmp_path / "x.png", b"\x89PNG\r\n\x1a\n not really a PNG")


@pytest.mark.parametrize(
    ("text", "mended", "changed"),
    [
        ("1908.14", "1908.14", False),
        ("１９０８．１４", "1908.14", False),  # full width: no guess
        ("19O8.14", "1908.14", True),
        ("1,9O8.14", "1,908.14", True),
        ("1，908.14", "1,908.14", True),
        ("1325，14", "1325，14", False),  # a comma or a decimal point: not mended
        ("1908。14", "1908.14", True),
        ("1 908.14", "1908.14", True),
        ("一12.50", "-12.50", True),
        ("2080505", "2080505", False),
        ("一、一般公共预算", "一、一般公共预算", False),
        ("因公出国（境）费", "因公出国（境）费", False),
    ],
)
def test_number_look_alikes(text: str, mended: str, changed: bool) -> None:
    assert ocr_amounts.normalize_number(text) == (mended, changed)


def test_mended_and_unreadable_numbers_lose_confidence() -> None:
    mended = ("1908.14", pytest.approx(ocr_amounts.MENDED_FACTOR))
    assert ocr_amounts._mend("19O8.14", 1.0) == mended
    assert ocr_amounts._mend("1325，14", 0.99) == ("1325，14", ocr_amounts.UNREADABLE_NUMBER)
    assert ocr_amounts._mend("1908.14", 0.97) == ("1908.14", 0.97)
    assert ocr_amounts._mend("工资福利支出", 0.95) == ("工资福利支出", 0.95)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024年一般公共预算支出预算表(不含上年结转）",
            "2024年一般公共预算支出预算表（不含上年结转）",
        ),
        ("因公出国(境)费", "因公出国（境）费"),
        ("(2025)年度", "(2025)年度"),
        ("单位名称:阳泉市医疗保障局", "单位名称：阳泉市医疗保障局"),
        ("占0.04%;社会保障", "占0.04%;社会保障"),
    ],
)
def test_cjk_punctuation(text: str, expected: str) -> None:
    assert ocr_text.cjk_punctuation(text) == expected


def _table(rows: list[list[str]], top: float = 100.0) -> Any:
    block = ocr_parts._Block(top, is_table=True)
    for cells in rows:
        block.rows.append((cells, [None] * len(cells), [1.0] * len(cells)))
    return block


def test_repeated_header_of_a_continued_table_is_dropped() -> None:
    header = [["项目", "", "2025年预算数"], ["科目编码", "科目名称", "合计"]]
    first = _table([*header, ["合计", "", "12.00"]])
    previous = ocr._drop_repeated_header([ocr_parts._Block(10, text="预算公开表3"), first], [])
    assert previous == [*header, ["合计", "", "12.00"]]
    continued = _table([*header, ["201", "一般公共服务支出", "1.00"]], top=50)
    ocr._drop_repeated_header([ocr_parts._Block(10, text="— 5 —"), continued], previous)
    assert [cells for cells, _, _ in continued.rows] == [["201", "一般公共服务支出", "1.00"]]
    # A new table with its own title keeps its header.
    titled = _table([*header, ["208", "社会保障和就业支出", "2.00"]], top=80)
    ocr._drop_repeated_header([ocr_parts._Block(10, text="预算公开表5"), titled], previous)
    assert len(titled.rows) == 3


def test_wrapped_lines_of_a_paragraph_are_joined() -> None:
    def line(text: str, left: float, top: float, right: float = 1000.0) -> Any:
        return ocr_parts._Block(
            top, text=text, left=left, right=right, bottom=top + 30, height=30, last_left=left
        )

    blocks = [
        line("一、收入预算情况说明", 100, 100, 400),
        line("2025年度本单位预算收入1,908.14万元，主要包括一般公共预算", 160, 150),
        line("拨款收入1,325.14万元。", 100, 190, 500),
        line("二、支出预算情况说明", 100, 240, 400),
        line("2025年度本单位支出预算1908.14万元，其中：基本支出355.41", 160, 290),
        line("万元，占18.63%；项目支出1552.73万元，占81.37%，主要用于", 100, 330),
        line("医疗保障。", 100, 370, 250),
    ]
    texts = [b.text for b in ocr_text._paragraphs(blocks)]
    assert texts == [
        "一、收入预算情况说明",
        "2025年度本单位预算收入1,908.14万元，主要包括一般公共预算拨款收入1,325.14万元。",
        "二、支出预算情况说明",
        "2025年度本单位支出预算1908.14万元，其中：基本支出355.41万元，占18.63%；"
        "项目支出1552.73万元，占81.37%，主要用于医疗保障。",
    ]
