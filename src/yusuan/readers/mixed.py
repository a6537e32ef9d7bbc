"""PDFs with some pages scanned: each page is read from its text layer where it has one and by
OCR where it has none.

``readers.pdf`` decides page by page (``needs_ocr``): a page is read by OCR when an image covers
most of it and it has no visible text, or only an invisible text layer (text render mode 3, what
OCR software lays over a scan) of poor quality. A document without any text at all is still a
scan as a whole (``ScannedPdfError``, read by ``readers.ocr``); in a mixed one the scanned pages
are read here (``read_scanned_pages``) and their blocks put in the pages, in the points of the
page, with the OCR score of every cell, so that furniture, paragraphs and tables continued from
the page before (``readers.pdf_continued._drop_repeated_headers``) are handled as on a text
page. A scanned table continuing a table of the page before is known by its width (a scan sits a
little elsewhere on its page); its repeated header rows are matched as OCR reads them (nearly
equal).

Without the ``ocr`` extra the scanned pages stay empty, as before.
"""

from __future__ import annotations

import difflib
import importlib.util
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pypdfium2 as pdfium

    from yusuan.readers.pdf_parts import Block, Char, Page

__all__ = ["image_cover", "needs_ocr", "read_scanned_pages", "same_row", "same_table_width"]

SCAN_COVER = 0.5  # share of the page an image must cover for the page to be a scan
POOR_LAYER = 0.9  # an invisible layer with a smaller share of plausible characters is poor
_PUNCTUATION = set("，。、；：？！“”‘’（）《》【】—…·％,.;:?!()%-+/ ")


def image_cover(page: pdfium.PdfPage, area: float) -> float:
    """The share of the page the largest image on it covers (0.0 without images)."""
    import pypdfium2.raw as fpdf

    best = 0.0
    try:
        for obj in page.get_objects(filter=(fpdf.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            left, bottom, right, top = obj.get_bounds()
            best = max(best, abs(right - left) * abs(top - bottom))
    except Exception:  # a damaged image object: no scan
        return 0.0
    return best / area if area > 0 else 0.0


def _plausible(char: str) -> bool:
    if char in _PUNCTUATION or (char.isascii() and char.isalnum()):
        return True
    return unicodedata.category(char) == "Lo" and "\u3400" <= char <= "\u9fff"


def needs_ocr(chars: list[Char], cover: float) -> bool:
    """Whether a page is read by OCR: a page image without visible text, whose invisible text
    layer (if any) is poor (fewer than ``POOR_LAYER`` of its characters plausible)."""
    if cover < SCAN_COVER or any(not c.hidden for c in chars if c.text != " "):
        return False
    printed = [c.text for c in chars if c.text != " "]
    if not printed:
        return True
    good = sum(_plausible(t) for t in printed)
    return good < POOR_LAYER * len(printed)


def same_table_width(a: list[float], b: list[float]) -> bool:
    """Two grids of one table, one of them scanned: the same outer width (within 2%)."""
    width = a[-1] - a[0]
    return width > 0 and abs((b[-1] - b[0]) - width) <= 0.02 * width


def same_row(a: list[str], b: list[str]) -> bool:
    """A header row as OCR reads it again: nearly the same text."""
    left, right = "".join("".join(a).split()), "".join("".join(b).split())
    if not left or not right:
        return False
    return difflib.SequenceMatcher(None, left, right).ratio() >= 0.85


def ocr_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("numpy", "cv2", "rapidocr"))


def read_scanned_pages(name: str, data: bytes, pages: list[Page]) -> None:
    """Fill the blocks of the pages marked ``scan`` by OCR (nothing without the ``ocr``
    extra)."""
    if not ocr_available():
        return
    import pypdfium2 as pdfium

    from yusuan.readers import ocr, ocr_engine, ocr_extra, ocr_images
    from yusuan.readers.limits import check_page_objects, render_scale
    from yusuan.readers.orientation import page_rotation, turn

    document = pdfium.PdfDocument(data)
    try:
        for page in pages:
            if not page.scan:
                continue
            pdf_page = document[page.number - 1]
            try:
                check_page_objects(name, page.number - 1, pdf_page)
                dpi = ocr_images._scan_dpi(pdfium, pdf_page)
                dpi = 72 * render_scale(pdf_page.get_width(), pdf_page.get_height(), dpi / 72)
                bitmap = pdf_page.render(scale=dpi / 72, rev_byteorder=True)
                gray = ocr_images._ink(
                    ocr_extra._require("numpy").array(bitmap.to_numpy(), dtype="uint8")
                )
            finally:
                pdf_page.close()
            gray = turn(gray, page_rotation(gray, dpi, ocr_engine._engine()))
            page.blocks = _blocks(ocr.read_page(gray, dpi), dpi)
            page.height = gray.shape[0] * 72.0 / dpi
    finally:
        document.close()


def _blocks(read: list[Any], dpi: float) -> list[Block]:
    """OCR blocks (pixels; cell boxes already in points) as blocks of ``readers.pdf``."""
    from yusuan.readers.pdf_parts import Block, Row

    scale = 72.0 / dpi
    blocks: list[Block] = []
    for block in read:
        if block.is_table:
            rows = [Row(list(c), list(b), list(s)) for c, b, s in block.rows]
            boxes = [box for row in rows for box in row.boxes if box is not None]
            if not boxes:
                continue
            # The grid lines: every column's left and right edge is some cell's.
            columns = sorted({v for box in boxes for v in (box[0], box[2])})
            box = (columns[0], min(b[1] for b in boxes), columns[-1], max(b[3] for b in boxes))
            blocks.append(Block(box[1], box[3], box=box, rows=rows, columns=columns, scanned=True))
            continue
        box = (block.left * scale, block.top * scale, block.right * scale, block.bottom * scale)
        blocks.append(
            Block(
                box[1],
                box[3],
                text=block.text,
                box=box,
                height=block.height * scale,
                last=(block.last_left * scale, box[1], box[2], box[3]),
                scanned=True,
            )
        )
    blocks.sort(key=lambda b: (b.top, b.box[0] if b.box else 0.0))
    return blocks
