"""Read scanned disclosures (PDFs without a text layer, page images) by OCR.

Each page is an image. It is turned upright (``orientation``) and straightened (``ocr_skew``:
the skew is measured on the tables' rules, or on the slant of the text lines on a page without
rules), and its ruled tables are found (``ocr_grid``). Pages are read two at a time
(``pipelined``). Text is found and read by RapidOCR
(PP-OCR models on onnxruntime, shipped inside the ``rapidocr`` wheel: nothing is downloaded at
run time): boxes are detected on the page at a low resolution, each box is put in the cell it lies
in (a box that runs across a rule is cut at the rule) and the pieces are read at full resolution.

A table row becomes one ``Line`` whose ``cells`` hold one entry per grid column, as a DOCX table
row does: a merged cell's text stands in its top-left position and the positions it covers are
``''``. ``boxes`` holds each cell's box on the page (points from the top-left corner) and
``confidences`` the OCR score of its text (0..1; a blank cell is ``''`` with 1.0). Text outside
tables becomes lines in reading order. Nothing is guessed: a cell that cannot be read stays as
read, with a low confidence. Only look-alikes that can mean one thing inside a number are mended
(``O`` between digits is ``0``, ``，`` before a group of three digits is ``,``) and such a cell's
confidence is lowered, so that it is reported with the cells below ``LOW_CONFIDENCE``. Ink the
text read does not account for lowers it too: a cell read as blank with something printed in it,
an amount whose printed width does not fit its digits (a blot or a faded digit dropped).

The heavy libraries (numpy, OpenCV, RapidOCR, pypdfium2, Pillow) are the ``ocr`` extra; they are
imported when a scanned file is read, so ``LOW_CONFIDENCE`` can be imported without them.

The reader is split by job: the ``ocr`` extra (``ocr_extra``); the page images
(``ocr_images``); RapidOCR's detection and recognition (``ocr_engine``); a page assembled
into blocks (``ocr_parts``) from its cells and text (``ocr_layout``), with the text of its
lines (``ocr_text``), the ink the text read does not account for (``ocr_ink``) and mended
amounts (``ocr_amounts``). This module reads the pages and makes the document.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from yusuan.readers.ocr_amounts import normalize_number
from yusuan.readers.ocr_engine import _boxes, _detect_quads, _engine
from yusuan.readers.ocr_extra import _installed, _require
from yusuan.readers.ocr_grid import find_tables
from yusuan.readers.ocr_images import _WORK_DPI, _image_pages, _pdf_pages
from yusuan.readers.ocr_layout import _layout
from yusuan.readers.ocr_parts import LOW_CONFIDENCE, _Block
from yusuan.readers.ocr_skew import _binarize, _rotate, _rule_skew, _text_skew
from yusuan.readers.orientation import page_rotation, turn
from yusuan.readers.pipelined import page_workers, pipelined
from yusuan.readers.text import Line, TextDocument

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]

__all__ = ["LOW_CONFIDENCE", "normalize_number", "read_image", "read_scanned_pdf"]


# --- entry points ----------------------------------------------------------------------------


def read_scanned_pdf(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Lines of a PDF read by OCR, page by page (any text layer is ignored)."""
    name = str(path)
    _installed(name, "pypdfium2")
    if data is None:
        data = Path(path).read_bytes()
    return _document(name, _pdf_pages(name, data))


def read_image(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Lines of one page image (PNG or JPEG; a multi-frame image is read frame by frame)."""
    name = str(path)
    _installed(name, "PIL.Image")
    if data is None:
        data = Path(path).read_bytes()
    return _document(name, _image_pages(name, data))


# --- the document ----------------------------------------------------------------------------


def _document(name: str, pages: Iterable[tuple[Image, float]]) -> TextDocument:
    lines: list[Line] = []
    previous_header: list[list[str]] = []
    read = pipelined(pages, lambda page: read_page(*page), page_workers())
    for number, blocks in enumerate(read, start=1):
        previous_header = _drop_repeated_header(blocks, previous_header)
        for block in blocks:
            if block.is_table:
                for cells, boxes, confidences in block.rows:
                    lines.append(
                        Line(len(lines) + 1, "\t".join(cells), cells, number, boxes, confidences)
                    )
            else:
                lines.append(Line(len(lines) + 1, block.text, None, number))
    return TextDocument(name, lines, "ocr", "")


def _drop_repeated_header(blocks: list[_Block], previous: list[list[str]]) -> list[list[str]]:
    """A table continued from the previous page repeats its header rows there: drop them.
    ``previous`` holds the first rows of the table the previous page ended with; the same is
    returned for this page."""
    tables = [b for b in blocks if b.is_table]
    if not tables:
        return []
    first = tables[0]
    continued = False
    above = blocks[: blocks.index(first)]
    if previous and not any("表" in b.text for b in above):  # no title: a continuation
        drop = 0
        for (cells, _, _), header in zip(first.rows, previous, strict=False):
            if len(cells) != len(header) or not _same_row(cells, header):
                break
            drop += 1
        if 0 < drop < len(first.rows):
            del first.rows[:drop]
            continued = True
    if continued and len(tables) == 1:
        return previous
    return [cells for cells, _, _ in tables[-1].rows[:4]]


def _same_row(a: list[str], b: list[str]) -> bool:
    left, right = "".join(a), "".join(b)
    if not left or not right:
        return False
    return difflib.SequenceMatcher(None, left, right).ratio() >= 0.85


# --- one page --------------------------------------------------------------------------------


def read_page(gray: Image, dpi: float) -> list[_Block]:
    """The blocks of one page image (grayscale) in reading order."""
    cv2 = _require("cv2")
    if dpi > _WORK_DPI * 1.1:  # more pixels than the models need: scale down
        factor = _WORK_DPI / dpi
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        dpi = float(_WORK_DPI)
    gray = turn(gray, page_rotation(gray, dpi, _engine()))  # a page fed the wrong way
    angle = _rule_skew(gray, dpi)
    quads = None
    if angle is None:  # no rules (a page of text): the slant of the text lines
        quads = _detect_quads(gray, dpi)
        angle = _text_skew(quads)
    gray, matrix = _rotate(gray, angle)
    if quads is not None and matrix is not None:  # the boxes found turn with the page
        quads = quads @ matrix[:, :2].T + matrix[:, 2]
    binary = _binarize(gray, dpi)
    boxes = _boxes(quads, gray.shape) if quads is not None else None
    return _layout(gray, binary, find_tables(binary, dpi), dpi, boxes)
