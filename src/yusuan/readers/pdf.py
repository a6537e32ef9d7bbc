"""Read a PDF that has a text layer into lines: text in reading order and table rows with cells.

PDFium (through pypdfium2) gives every character with its box and every path object (the rules
of ruled tables). Each page is rebuilt from coordinates only, never from the order in which the
producer wrote its text:

* **Ruled tables.** Horizontal and vertical rules (thin filled rectangles as WPS draws them,
  stroked lines as ReportLab draws them, the edges of stroked rectangles) that cross each other
  form a table. Their positions are the grid; a cell whose dividing rule is missing is merged
  with its neighbour, so a merged cell is a rectangle spanning several grid columns or rows.
  Every character goes to the cell its vertical centre and the left third of its box lie in
  (punctuation hanging past a cell's edge stays in its cell). Each grid row becomes one ``Line``
  whose ``cells`` has one entry per grid column: a merged cell's text stands in its top-left
  position and the positions it covers are ``''``, a blank cell is ``''`` (as the DOCX reader
  does), and ``boxes`` holds each position's rectangle on the page (a covered position has its
  merged cell's). Text wrapped inside a cell is one string.
* **Stream tables** (no rules): runs of at least three lines cut into pieces by wide gaps,
  whose pieces fall into three or more columns (the x-ranges of the fullest rows with amounts),
  become rows of cells, blank where a row has nothing in a column; a lone piece in the first
  column right under a row continues that row's label.
* **Text** outside tables: characters are grouped into lines by their vertical centre and joined
  left to right, with a space where the gap between two characters is wider than the line's
  usual one (justified lines spread all characters). Printed lines of one paragraph (a full line
  followed by one that is not indented) become one line, as the paragraph was written.
* **Furniture.** Characters clipped away or outside the page, rotated or transparent characters
  (watermarks) and dashed lines (dot leaders) are dropped; so are page numbers ("— 4 —",
  "第4页") and lines repeated at the same place at the top or bottom of many pages.
* **Tables continued on the next page** (a table first on its page, with the same left and right
  edges as the table that ended the page before): its rows are put in the columns of the first
  part (a continuation page holding only a 合计 row lacks the code columns' rules), and rows that
  repeat the first (header) rows of the table are dropped.

A PDF whose pages hold no text at all raises ``ScannedPdfError`` (``readers.load`` then hands it
to the OCR reader when there is one). In a mixed PDF the pages that are images without a usable
text layer (none, or a poor invisible OCR layer) are read by OCR page by page and take part in
furniture and table continuation like the others (``readers.mixed``). PDFium is not
thread-safe: read one PDF at a time per process.

Boxes are ``(x0, top, x1, bottom)`` in points from the top-left corner of the page as displayed.
Line numbers count the lines of the whole document from 1; ``page`` is the 1-based page.

The reader is split by job: the characters of the text layer (``pdf_chars``, through the
displayed page of ``pdf_view``) and the rules drawn on the page (``pdf_rules``); printed lines
and their text (``pdf_lines``); ruled tables (``pdf_grid``) and the blocks of a page with its
stream tables (``pdf_blocks``); furniture (``pdf_furniture``), paragraphs (``pdf_paragraphs``)
and tables continued on the next page (``pdf_continued``). This module opens the PDF, reads
its pages and makes the document.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as fpdf

from yusuan.errors import UnreadableFileError
from yusuan.readers.limits import check_page_objects
from yusuan.readers.mixed import image_cover, needs_ocr, read_scanned_pages
from yusuan.readers.pdf_blocks import page_blocks
from yusuan.readers.pdf_chars import page_chars
from yusuan.readers.pdf_continued import _drop_repeated_headers
from yusuan.readers.pdf_furniture import _furniture
from yusuan.readers.pdf_grid import Rule
from yusuan.readers.pdf_paragraphs import _paragraphs
from yusuan.readers.pdf_parts import Page
from yusuan.readers.pdf_rules import _RuleCollector
from yusuan.readers.pdf_view import _View
from yusuan.readers.text import Line, TextDocument

__all__ = ["STYLE", "ScannedPdfError", "read_pdf"]

STYLE = "pdf"


class ScannedPdfError(UnreadableFileError):
    """The PDF has pages but no text layer: its pages are images (a scan)."""


def _open(name: str, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == fpdf.FPDF_ERR_PASSWORD:
            raise UnreadableFileError(
                name, "PDF 文件已加密，需要密码才能打开", "请去掉密码保护后再读取"
            ) from exc
        if getattr(exc, "err_code", None) == fpdf.FPDF_ERR_SECURITY:
            raise UnreadableFileError(
                name, "PDF 文件使用了不支持的加密方式，无法读取", "请去掉密码保护后再读取"
            ) from exc
        raise UnreadableFileError(
            name, "PDF 文件已损坏或不完整，无法打开", "请重新导出或下载该文件"
        ) from exc


def read_pages(name: str, data: bytes) -> list[Page]:
    """Every page as blocks, before furniture and repeated headers are dropped."""
    document = _open(name, data)
    pages: list[Page] = []
    try:
        count = len(document)
        for index in range(count):
            try:
                page = document[index]
            except pdfium.PdfiumError as exc:
                raise UnreadableFileError(
                    name, f"PDF 第{index + 1}页已损坏，无法读取", "请重新导出或下载该文件"
                ) from exc
            try:
                check_page_objects(name, index, page)  # before its objects are walked
                view = _View(page)
                textpage = page.get_textpage()
                try:
                    chars = page_chars(page, textpage, view)
                finally:
                    textpage.close()
                rules = _RuleCollector(view)
                rules.collect(page)
                scan = needs_ocr(chars, image_cover(page, view.width * view.height))
            finally:
                page.close()
            if scan:
                chars = []  # a page image, or one under a poor invisible OCR layer
            horizontal = [Rule(y, x0, x1) for y, x0, x1 in rules.horizontal]
            vertical = [Rule(x, y0, y1) for x, y0, y1 in rules.vertical]
            blocks = page_blocks(chars, horizontal, vertical)
            pages.append(Page(index + 1, view.height, blocks, scan))
    finally:
        document.close()
    return pages


def read_pdf(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Lines of a PDF with a text layer (style ``pdf``). Raises ``ScannedPdfError`` when no page
    has any text (a scan) and ``UnreadableFileError`` when the file is damaged or encrypted."""
    name = str(path)
    if data is None:
        data = Path(path).read_bytes()
    pages = read_pages(name, data)
    if not pages:
        raise UnreadableFileError(name, "PDF 文件没有任何页面", "请确认文件内容完整")
    if not any(block.text or block.rows for page in pages for block in page.blocks):
        raise ScannedPdfError(
            name,
            "这是扫描件 PDF（页面是图片，没有文字层），暂时无法读取",
            "请提供带文字层的 PDF、DOCX 或 XLSX 文件，或先用 OCR 软件识别后再读取",
        )
    if any(page.scan for page in pages):  # a mixed PDF: its scanned pages by OCR
        read_scanned_pages(name, data, pages)
    drop = _furniture(pages)
    for p, page in enumerate(pages):
        page.blocks = [b for k, b in enumerate(page.blocks) if (p, k) not in drop]
    for page in pages:
        _paragraphs(page)
    _drop_repeated_headers(pages)
    lines: list[Line] = []
    for page in pages:
        for block in page.blocks:
            if block.rows is None:
                lines.append(
                    Line(len(lines) + 1, block.text, None, page.number, [block.box], [1.0])
                )
                continue
            for row in block.rows:
                lines.append(
                    Line(
                        len(lines) + 1,
                        "\t".join(row.cells),
                        row.cells,
                        page.number,
                        row.boxes,
                        row.confidences or [1.0] * len(row.cells),
                    )
                )
    return TextDocument(name, lines, STYLE, "utf-8")
