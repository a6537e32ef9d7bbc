"""OCR progress on the command line: "第 N/M 页，预计剩余 X 秒" on standard error while a scanned
PDF is read, nothing for a text document."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from click.testing import CliRunner

from tests.conftest import parsed, seed_path
from tests.test_ocr import rasterise, table_pages
from yusuan.cli import main
from yusuan.cliprogress import describe, page_progress
from yusuan.readers.progress import report_page
from yusuan.render.pdf import write_pdf


def test_the_line_counts_pages_and_time_left() -> None:
    assert describe("a.pdf", 0, 20, 0.0) == "正在识别 a.pdf：第 1/20 页"
    assert describe("a.pdf", 5, 20, 10.0) == "正在识别 a.pdf：第 6/20 页，预计剩余 30 秒"


def test_a_terminal_sees_one_line_rewritten() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    with page_progress("scan.pdf", out):
        for done in range(3):
            report_page(done, 3)
    shown = out.getvalue()
    assert shown.count("\r\x1b[K") == 4  # three updates, then the line cleared
    assert "第 3/3 页" in shown and "\n" not in shown


def test_parse_of_a_scan_shows_its_pages(tmp_path: Path) -> None:
    rendered = tmp_path / "seed.pdf"
    write_pdf(parsed("001"), rendered)
    pdf = pdfium.PdfDocument(rendered)
    images = [rasterise(pdf, index, 150) for index in table_pages(pdf)[:2]]
    pdf.close()
    scan = tmp_path / "scan.pdf"
    images[0].save(scan, "PDF", save_all=True, append_images=images[1:], resolution=150)

    result = CliRunner().invoke(main, ["parse", str(scan)])
    assert "正在识别 scan.pdf：第 1/2 页" in result.stderr
    text = CliRunner().invoke(main, ["parse", str(seed_path("001"))])
    assert text.exit_code == 0 and "正在识别" not in text.stderr
